package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus metrics merging: the pod's scrape annotations are handed to pilot-agent (in {@code
 * ISTIO_PROMETHEUS_ANNOTATIONS}) and replaced with ones pointing at the agent, which serves the
 * application's metrics together with Envoy's.
 */
final class PrometheusMerge {

  static final String ENV = "ISTIO_PROMETHEUS_ANNOTATIONS";

  private static final String SCRAPE = "prometheus_io_scrape";
  private static final String PORT = "prometheus_io_port";
  private static final String PATH = "prometheus_io_path";
  private static final String TARGETS = "prometheus_istio_io_scrape_targets";
  private static final String SECURE_PORT = "prometheus_istio_io_secure_port";
  private static final Set<String> MANAGED = Set.of(SCRAPE, PORT, PATH, TARGETS);

  /** Ports of the data plane that must not be scraped as application ports. */
  private static final Map<String, String> RESERVED =
      Map.of(
          "15000", "Envoy admin",
          "15001", "outbound traffic capture",
          "15004", "pilot debug",
          "15006", "inbound traffic capture",
          "15008", "HBONE tunnel",
          "15020", "pilot-agent status / merged Prometheus",
          "15021", "Envoy health",
          "15053", "DNS proxy",
          "15090", "Envoy Prometheus (already merged)");

  private PrometheusMerge() {}

  /** Prometheus treats {@code prometheus.io/port}, {@code prometheus.io.port} etc. alike. */
  static String sanitize(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }

  static String port(Map<String, String> annotations) {
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      if (sanitize(e.getKey()).equals(PORT)) {
        return e.getValue();
      }
    }
    return null;
  }

  static void clear(Map<String, String> annotations) {
    annotations.keySet().removeIf(k -> MANAGED.contains(sanitize(k)));
  }

  private static boolean scrape(Map<String, String> annotations) {
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      if (sanitize(e.getKey()).equals(SCRAPE)) {
        Boolean b = parseBool(e.getValue());
        if (b != null) {
          return b;
        }
      }
    }
    return true;
  }

  static Boolean parseBool(String v) {
    return switch (v == null ? "" : v) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> null;
    };
  }

  private static boolean enabled(Map<String, String> annotations, InjectionSettings settings) {
    String v = annotations.get(IstioAnnotations.PROMETHEUS_MERGE_METRICS);
    if (v != null && parseBool(v) != null) {
      return parseBool(v);
    }
    return settings.enablePrometheusMerge();
  }

  /**
   * Applies metrics merging to {@code pod} (in place).
   *
   * @throws InjectionException when the pod asks to scrape a port the data plane owns
   */
  static void apply(Pod pod, Container sidecar, InjectionSettings settings, int meshStatusPort) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (!scrape(annotations) || !enabled(annotations, settings)) {
      return;
    }
    String target = String.valueOf(meshStatusPort);
    String current = port(annotations);
    if (target.equals(current)) {
      // Set by us before (re-injection) or by a user who knows what they do.
      return;
    }
    String scrape = "";
    String path = "";
    String port = "";
    List<String[]> targets = new ArrayList<>();
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      switch (sanitize(e.getKey())) {
        case PORT -> port = e.getValue();
        case SCRAPE -> scrape = e.getValue();
        case PATH -> path = e.getValue();
        case TARGETS -> {
          List<String[]> parsed = parseTargets(e.getValue());
          if (parsed != null) {
            targets = parsed;
          }
        }
        default -> {}
      }
    }
    if (!targets.isEmpty()) {
      port = targets.get(0)[0];
      path = targets.get(0)[1];
      for (String[] t : targets) {
        checkPort(t[0], target, "invalid prometheus scrape targets: ", "target port ");
      }
    } else if (!port.isEmpty()) {
      checkPort(port, target, "invalid prometheus scrape configuration: ", "port ");
    }
    boolean empty = scrape.isEmpty() && path.isEmpty() && port.isEmpty() && targets.isEmpty();
    if (sidecar != null && !empty) {
      ObjectNode json = Json.MAPPER.createObjectNode();
      json.put("scrape", scrape);
      json.put("path", path);
      json.put("port", port);
      if (!targets.isEmpty()) {
        ArrayNode array = json.putArray("targets");
        for (String[] t : targets) {
          array.addObject().put("port", t[0]).put("path", t[1]);
        }
      }
      List<EnvVar> env = new ArrayList<>(sidecar.getEnv() == null ? List.of() : sidecar.getEnv());
      env.add(ProxyEnv.value(ENV, Json.write(json)));
      sidecar.setEnv(env);
    }
    clear(annotations);
    annotations.put("prometheus.io/port", target);
    annotations.put("prometheus.io/path", "/stats/prometheus");
    annotations.put("prometheus.io/scrape", "true");
  }

  private static void checkPort(String port, String agentPort, String prefix, String what) {
    int n;
    try {
      n = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > 65535) {
      throw new InjectionException(prefix + "invalid " + what.trim() + " \"" + port + "\"");
    }
    String canon = String.valueOf(n);
    if (canon.equals(agentPort)) {
      throw new InjectionException(prefix + what + port + " conflicts with agent port");
    }
    if (RESERVED.containsKey(canon)) {
      throw new InjectionException(
          prefix
              + what
              + port
              + " is reserved for Istio ("
              + RESERVED.get(canon)
              + ") and cannot be scraped");
    }
  }

  private static List<String[]> parseTargets(String raw) {
    List<String[]> out = new ArrayList<>();
    for (String entry : raw.split(",", -1)) {
      entry = entry.trim();
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split(":", 2);
      String port = parts[0].trim();
      if (port.isEmpty()) {
        return null;
      }
      String path = "/metrics";
      if (parts.length == 2 && !parts[1].trim().isEmpty()) {
        path = parts[1].trim();
      }
      out.add(new String[] {port, path});
    }
    return out;
  }

  /** Publishes the secure metrics port when the proxy serves merged metrics over TLS. */
  static void applySecurePort(Pod pod, Container sidecar) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    for (String k : annotations.keySet()) {
      if (sanitize(k).equals(SECURE_PORT)) {
        return;
      }
    }
    if (sidecar == null || sidecar.getEnv() == null) {
      return;
    }
    for (EnvVar env : sidecar.getEnv()) {
      if ("ENVOY_SECURE_MERGED_METRICS_PORT".equals(env.getName())
          && env.getValue() != null
          && !env.getValue().isEmpty()
          && !env.getValue().equals("0")) {
        annotations.put("prometheus.istio.io/secure-port", env.getValue());
        return;
      }
    }
  }
}
