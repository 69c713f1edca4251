package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Istio's ProxyConfig in its JSON form: defaults, merging of the mesh default config with the
 * {@code proxy.istio.io/config} annotation, and the compact {@code PROXY_CONFIG} rendering.
 */
final class ProxyConfigs {

  private static final YAMLMapper YAML = new YAMLMapper();

  /** ProxyConfig fields in proto declaration order, which is the order Istio prints them in. */
  private static final List<String> FIELD_ORDER =
      List.of(
          "configPath",
          "binaryPath",
          "serviceCluster",
          "tracingServiceName",
          "drainDuration",
          "discoveryAddress",
          "discoveryRefreshDelay",
          "zipkinAddress",
          "statsdUdpAddress",
          "envoyMetricsServiceAddress",
          "proxyAdminPort",
          "availabilityZone",
          "controlPlaneAuthPolicy",
          "customConfigFile",
          "statNameLength",
          "concurrency",
          "proxyBootstrapTemplatePath",
          "interceptionMode",
          "tracing",
          "sds",
          "envoyAccessLogService",
          "envoyMetricsService",
          "proxyMetadata",
          "runtimeValues",
          "statusPort",
          "extraStatTags",
          "gatewayTopology",
          "terminationDrainDuration",
          "meshId",
          "readinessProbe",
          "proxyStatsMatcher",
          "holdApplicationUntilProxyStarts",
          "caCertificatesPem",
          "image",
          "privateKeyProvider",
          "proxyHeaders",
          "fileFlushInterval",
          "fileFlushMinSizeKb",
          "statsCompression",
          "connectionSettings");

  private static final Set<String> DURATIONS =
      Set.of(
          "drainDuration",
          "discoveryRefreshDelay",
          "terminationDrainDuration",
          "fileFlushInterval");

  /** Wrapper-typed fields: present even when zero. */
  private static final Set<String> WRAPPERS =
      Set.of("concurrency", "holdApplicationUntilProxyStarts", "statsCompression");

  /** Fields Istio drops from PROXY_CONFIG while they still hold their default value. */
  private static final Set<String> CLEANED =
      Set.of(
          "configPath",
          "binaryPath",
          "controlPlaneAuthPolicy",
          "serviceCluster",
          "drainDuration",
          "terminationDrainDuration",
          "discoveryAddress",
          "envoyMetricsService",
          "envoyAccessLogService",
          "tracing",
          "proxyAdminPort",
          "statNameLength",
          "statusPort",
          "concurrency");

  static final ObjectNode DEFAULTS = defaults();

  private static final Pattern DURATION_PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

  private ProxyConfigs() {}

  private static ObjectNode defaults() {
    ObjectNode d = Json.MAPPER.createObjectNode();
    d.put("configPath", "./etc/istio/proxy");
    d.put("binaryPath", "/usr/local/bin/envoy");
    d.put("serviceCluster", "istio-proxy");
    d.put("drainDuration", "45s");
    d.put("discoveryAddress", "istiod.istio-system.svc:15012");
    d.put("proxyAdminPort", 15000);
    d.put("controlPlaneAuthPolicy", "MUTUAL_TLS");
    d.put("statNameLength", 189);
    d.put("statusPort", 15020);
    d.put("terminationDrainDuration", "5s");
    return d;
  }

  /**
   * Parses a ProxyConfig given as YAML or JSON (the annotation accepts both) into its normalized
   * JSON form.
   *
   * @throws IllegalArgumentException when it is not a valid ProxyConfig
   */
  static ObjectNode parse(String text) {
    JsonNode node;
    try {
      node = YAML.readTree(text == null ? "" : text);
    } catch (Exception e) {
      throw new IllegalArgumentException("not valid YAML or JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Json.MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected an object, got " + node.getNodeType());
    }
    return normalize((ObjectNode) node);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Accepts proto field names too, and brings durations and enums into their JSON form. */
  static ObjectNode normalize(ObjectNode in) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = camel(e.getKey());
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      if (DURATIONS.contains(key)) {
        value = TextNode.valueOf(formatDuration(parseDurationNanos(key, value.asText())));
      } else if (key.equals("interceptionMode")) {
        String mode = value.asText();
        if (!Set.of("REDIRECT", "TPROXY", "NONE").contains(mode)) {
          throw new IllegalArgumentException("interceptionMode invalid: " + mode);
        }
      } else if (key.equals("statusPort") || key.equals("proxyAdminPort")) {
        if (!value.canConvertToInt() || value.asInt() < 0 || value.asInt() > 65535) {
          throw new IllegalArgumentException(key + " must be a port number: " + value);
        }
        value = Json.MAPPER.getNodeFactory().numberNode(value.asInt());
      } else if (key.equals("concurrency")) {
        if (!value.canConvertToInt() || value.asInt() < 0) {
          throw new IllegalArgumentException("concurrency must be a non-negative integer");
        }
        value = Json.MAPPER.getNodeFactory().numberNode(value.asInt());
      } else if (key.equals("holdApplicationUntilProxyStarts")) {
        if (!value.isBoolean()) {
          throw new IllegalArgumentException("holdApplicationUntilProxyStarts must be a boolean");
        }
      } else if (key.equals("proxyMetadata") && !value.isObject()) {
        throw new IllegalArgumentException("proxyMetadata must be a map of strings");
      }
      out.set(key, value);
    }
    return out;
  }

  private static String camel(String key) {
    if (!key.contains("_")) {
      return key;
    }
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : key.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  /**
   * Overlays {@code overlay} on {@code base} the way Istio merges proxy configs: top-level fields
   * replace, except {@code proxyMetadata}, whose entries are merged.
   */
  static ObjectNode merge(ObjectNode base, ObjectNode overlay) {
    ObjectNode out = base.deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("proxyMetadata") && out.get("proxyMetadata") instanceof ObjectNode pm) {
        ObjectNode merged = pm.deepCopy();
        merged.setAll((ObjectNode) e.getValue().deepCopy());
        out.set("proxyMetadata", merged);
      } else {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  /** Defaults, overlaid with the mesh default config. */
  static ObjectNode meshEffective(InjectionSettings settings) {
    return merge(DEFAULTS, normalize(settings.meshDefaultConfig()));
  }

  static String interceptionMode(ObjectNode pc) {
    JsonNode m = pc.get("interceptionMode");
    return m == null || m.asText().isEmpty() ? "REDIRECT" : m.asText();
  }

  static boolean holdApplicationUntilProxyStarts(ObjectNode pc) {
    JsonNode v = pc.get("holdApplicationUntilProxyStarts");
    return v != null && v.asBoolean(false);
  }

  static int statusPort(ObjectNode pc) {
    JsonNode v = pc.get("statusPort");
    return v == null ? 0 : v.asInt();
  }

  static Map<String, String> proxyMetadata(ObjectNode pc) {
    Map<String, String> out = new TreeMap<>();
    JsonNode pm = pc.get("proxyMetadata");
    if (pm != null) {
      pm.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  /** The PROXY_CONFIG rendering: defaults and zero values left out, fields in proto order. */
  static String toJson(ObjectNode pc) {
    ObjectNode cleaned = Json.MAPPER.createObjectNode();
    List<String> keys = new ArrayList<>(FIELD_ORDER);
    pc.fieldNames()
        .forEachRemaining(
            k -> {
              if (!keys.contains(k)) {
                keys.add(k);
              }
            });
    for (String key : keys) {
      JsonNode value = pc.get(key);
      if (value == null || value.isNull()) {
        continue;
      }
      if (CLEANED.contains(key) && value.equals(DEFAULTS.get(key))) {
        continue;
      }
      if (isZero(key, value)) {
        continue;
      }
      if (key.equals("proxyMetadata")) {
        ObjectNode sorted = Json.MAPPER.createObjectNode();
        new TreeMap<>(proxyMetadata(pc)).forEach(sorted::put);
        value = sorted;
      }
      cleaned.set(key, value);
    }
    return Json.write(cleaned);
  }

  private static boolean isZero(String key, JsonNode value) {
    if (WRAPPERS.contains(key)) {
      return false;
    }
    if (value.isTextual()) {
      return value.asText().isEmpty()
          || (key.equals("interceptionMode") && value.asText().equals("REDIRECT"))
          || (key.equals("controlPlaneAuthPolicy") && value.asText().equals("NONE"));
    }
    if (value.isNumber()) {
      return value.decimalValue().compareTo(BigDecimal.ZERO) == 0;
    }
    if (value.isBoolean()) {
      return !value.asBoolean();
    }
    if (value.isContainerNode() && key.equals("proxyMetadata")) {
      return value.isEmpty();
    }
    if (value.isArray()) {
      return value.isEmpty();
    }
    return false;
  }

  /** Parses a Go duration ({@code 1m30s}, {@code 23s}, {@code 500ms}) into nanoseconds. */
  static long parseDurationNanos(String field, String text) {
    String s = text.trim();
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    Matcher m = DURATION_PART.matcher(s);
    int pos = 0;
    BigDecimal total = BigDecimal.ZERO;
    while (pos < s.length() && m.find(pos) && m.start() == pos && !m.group(1).isEmpty()) {
      BigDecimal n = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      total = total.add(n.multiply(BigDecimal.valueOf(unit)));
      pos = m.end();
    }
    if (pos != s.length() || s.isEmpty()) {
      throw new IllegalArgumentException(field + ": invalid duration " + text);
    }
    long nanos = total.longValue();
    return negative ? -nanos : nanos;
  }

  /** Protobuf JSON form of a duration: seconds with 0, 3, 6 or 9 fractional digits. */
  static String formatDuration(long nanos) {
    String sign = nanos < 0 ? "-" : "";
    long abs = Math.abs(nanos);
    long seconds = abs / 1_000_000_000L;
    long frac = abs % 1_000_000_000L;
    String x = String.format("%d.%09d", seconds, frac);
    if (x.endsWith("000")) {
      x = x.substring(0, x.length() - 3);
    }
    if (x.endsWith("000")) {
      x = x.substring(0, x.length() - 3);
    }
    if (x.endsWith(".000")) {
      x = x.substring(0, x.length() - 4);
    }
    return sign + x + "s";
  }
}
