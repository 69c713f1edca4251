package dev.meshoperator.injection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Validates the injection annotations of a pod. A pod with an invalid annotation is refused rather
 * than injected with a guess, and the message names the annotation so users can fix it.
 */
public final class AnnotationValidator {

  private static final Pattern INTERFACE = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_.\\-]*$");
  private static final Pattern IPV4 =
      Pattern.compile("^(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}$");
  private static final Set<String> BOOLS =
      Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False");

  /** Validation per annotation: empty when fine, otherwise the problem. */
  private static final Map<String, Function<String, Optional<String>>> RULES =
      Map.ofEntries(
          Map.entry(IstioAnnotations.INTERCEPTION_MODE, AnnotationValidator::interceptionMode),
          Map.entry(
              IstioAnnotations.STATUS_PORT, v -> port(v).map(e -> "status port invalid: " + e)),
          Map.entry(IstioAnnotations.READINESS_INITIAL_DELAY, AnnotationValidator::uint32),
          Map.entry(IstioAnnotations.READINESS_PERIOD, AnnotationValidator::uint32),
          Map.entry(IstioAnnotations.READINESS_FAILURE_THRESHOLD, AnnotationValidator::uint32),
          Map.entry(
              IstioAnnotations.INCLUDE_OUTBOUND_IP_RANGES,
              v ->
                  v.equals("*")
                      ? Optional.empty()
                      : cidrs(v).map(e -> "includeIPRanges invalid: " + e)),
          Map.entry(
              IstioAnnotations.EXCLUDE_OUTBOUND_IP_RANGES,
              v -> cidrs(v).map(e -> "excludeIPRanges invalid: " + e)),
          Map.entry(
              IstioAnnotations.INCLUDE_INBOUND_PORTS,
              v ->
                  v.equals("*")
                      ? Optional.empty()
                      : ports(v).map(e -> "includeInboundPorts invalid: " + e)),
          Map.entry(
              IstioAnnotations.EXCLUDE_INBOUND_PORTS,
              v -> ports(v).map(e -> "excludeInboundPorts invalid: " + e)),
          Map.entry(
              IstioAnnotations.EXCLUDE_OUTBOUND_PORTS,
              v -> ports(v).map(e -> "excludeOutboundPorts invalid: " + e)),
          Map.entry(
              IstioAnnotations.INCLUDE_OUTBOUND_PORTS,
              v -> ports(v).map(e -> "includeOutboundPorts invalid: " + e)),
          Map.entry(IstioAnnotations.EXCLUDE_INTERFACES, AnnotationValidator::interfaces),
          Map.entry(IstioAnnotations.KUBEVIRT_INTERFACES, AnnotationValidator::interfaces),
          Map.entry(IstioAnnotations.REROUTE_VIRTUAL_INTERFACES, AnnotationValidator::interfaces),
          Map.entry(
              IstioAnnotations.PROMETHEUS_MERGE_METRICS,
              v -> BOOLS.contains(v) ? Optional.empty() : Optional.of("not a boolean")),
          Map.entry(IstioAnnotations.PROXY_CONFIG, AnnotationValidator::proxyConfig),
          Map.entry(IstioAnnotations.PROXY_CPU, AnnotationValidator::quantity),
          Map.entry(IstioAnnotations.PROXY_MEMORY, AnnotationValidator::quantity),
          Map.entry(IstioAnnotations.PROXY_CPU_LIMIT, AnnotationValidator::quantity),
          Map.entry(IstioAnnotations.PROXY_MEMORY_LIMIT, AnnotationValidator::quantity));

  private AnnotationValidator() {}

  /** The annotations this validator checks. */
  public static Set<String> validatedAnnotations() {
    return RULES.keySet();
  }

  /**
   * Validates {@code annotations}; returns one message listing every invalid annotation (in name
   * order), or empty when all are valid.
   */
  public static Optional<String> validate(Map<String, String> annotations) {
    if (annotations == null) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
      Function<String, Optional<String>> rule = RULES.get(e.getKey());
      if (rule == null) {
        continue;
      }
      String value = e.getValue() == null ? "" : e.getValue();
      rule.apply(value)
          .ifPresent(
              p ->
                  problems.add(
                      "invalid value '" + value + "' for annotation '" + e.getKey() + "': " + p));
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  private static Optional<String> interceptionMode(String v) {
    return Set.of("REDIRECT", "TPROXY", "NONE").contains(v)
        ? Optional.empty()
        : Optional.of("interceptionMode invalid, use REDIRECT,TPROXY,NONE: " + v);
  }

  private static Optional<String> uint32(String v) {
    try {
      long n = Long.parseLong(v);
      if (n < 0 || n > 0xFFFF_FFFFL || v.startsWith("+")) {
        return Optional.of("value out of range");
      }
      return Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.of("not an unsigned integer");
    }
  }

  static Optional<String> port(String v) {
    String p = v.trim();
    try {
      if (p.startsWith("+") || p.startsWith("-")) {
        throw new NumberFormatException();
      }
      int n = Integer.parseInt(p);
      if (n > 65535) {
        return Optional.of("failed parsing port '" + v + "': value out of range");
      }
      return Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.of("failed parsing port '" + v + "': invalid syntax");
    }
  }

  private static Optional<String> ports(String v) {
    String s = v.trim();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    for (String p : s.split(",", -1)) {
      Optional<String> problem = port(p);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> cidrs(String v) {
    if (v.isEmpty()) {
      return Optional.empty();
    }
    for (String cidr : v.split(",", -1)) {
      if (!isCidr(cidr)) {
        return Optional.of("failed parsing cidr '" + cidr + "'");
      }
    }
    return Optional.empty();
  }

  /** A strict CIDR check without name resolution: literal address, slash, prefix length. */
  static boolean isCidr(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0 || slash != cidr.lastIndexOf('/')) {
      return false;
    }
    String addr = cidr.substring(0, slash);
    String bits = cidr.substring(slash + 1);
    if (!bits.matches("0|[1-9][0-9]{0,2}")) {
      return false;
    }
    int len = Integer.parseInt(bits);
    if (IPV4.matcher(addr).matches()) {
      for (String octet : addr.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return len <= 32;
    }
    if (addr.contains(":") && addr.matches("[0-9a-fA-F:.]+")) {
      try {
        // Only literals reach this point (they contain ':'), so no DNS lookup happens.
        InetAddress.getByName("[" + addr + "]");
        return len <= 128;
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  private static Optional<String> interfaces(String v) {
    if (v.isEmpty()) {
      return Optional.empty();
    }
    for (String iface : v.split(",", -1)) {
      String name = iface.trim();
      if (name.isEmpty()) {
        return Optional.of("empty interface name");
      }
      if (name.length() > 15) {
        return Optional.of("interface name \"" + name + "\" too long (max 15 chars)");
      }
      if (!INTERFACE.matcher(name).matches()) {
        return Optional.of("interface name \"" + name + "\" contains invalid characters");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> proxyConfig(String v) {
    try {
      ProxyConfigs.parse(v);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("failed to apply proxy config: " + e.getMessage());
    }
  }

  private static Optional<String> quantity(String v) {
    for (char c : v.toCharArray()) {
      if (Character.isISOControl(c)) {
        return Optional.of("value contains control characters");
      }
    }
    return Quantities.isValid(v)
        ? Optional.empty()
        : Optional.of(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  }
}
