package dev.meshoperator.injection;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The proxy's user and group on OpenShift, which assigns every namespace a UID range: the proxy
 * runs as the highest UID of the range (and the highest ID of the first supplemental group block),
 * so its traffic can be told apart from the application's.
 *
 * @param uid user ID for the proxy
 * @param gid group ID for the proxy
 */
public record OpenShiftIds(long uid, long gid) {

  public static final String UID_RANGE = "openshift.io/sa.scc.uid-range";
  public static final String SUPPLEMENTAL_GROUPS = "openshift.io/sa.scc.supplemental-groups";

  private static final Pattern SLASH = Pattern.compile("^(\\d+)/(\\d+)$");
  private static final Pattern DASH = Pattern.compile("^(\\d+)-(\\d+)$");

  /** IDs from a namespace's annotations; Istio's 1337 for whatever is missing or malformed. */
  public static OpenShiftIds fromNamespaceAnnotations(Map<String, String> annotations) {
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    long uid = max(a.get(UID_RANGE), 1337);
    String groups =
        a.containsKey(SUPPLEMENTAL_GROUPS) ? a.get(SUPPLEMENTAL_GROUPS) : a.get(UID_RANGE);
    long gid = groups == null || groups.isEmpty() ? 1337 : max(groups.split(",")[0], 1337);
    return new OpenShiftIds(uid, gid);
  }

  /** Applies these IDs (and OpenShift mode) to settings. */
  public InjectionSettings applyTo(InjectionSettings settings) {
    return settings.toBuilder().openShift(true).proxyUid(uid).proxyGid(gid).build();
  }

  private static long max(String block, long fallback) {
    if (block == null) {
      return fallback;
    }
    Matcher m = SLASH.matcher(block.trim());
    if (m.matches()) {
      return Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) - 1;
    }
    m = DASH.matcher(block.trim());
    if (m.matches()) {
      return Long.parseLong(m.group(2));
    }
    return fallback;
  }
}
