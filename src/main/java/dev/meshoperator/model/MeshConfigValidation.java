package dev.meshoperator.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the types of the known fields of a {@code spec.meshConfig} the way istiod's proto-JSON
 * parser will read them, so a wrong type is reported with the field named before istiod refuses its
 * ConfigMap. Unknown fields pass through unchecked (newer Istio releases add fields). Pure: no
 * client, no framework.
 *
 * <p>The field list follows Istio's {@code mesh/v1alpha1/config.proto} (MeshConfig) and {@code
 * proxy.proto} (ProxyConfig, the type of {@code defaultConfig}). Proto-JSON rules: booleans are
 * JSON booleans; integers are numbers or decimal strings; durations are strings of seconds such as
 * {@code 10s} or {@code 0.5s}; enums are their names (case-sensitive); {@code map<string,string>}
 * values are strings; {@code null} means unset.
 */
public final class MeshConfigValidation {

  /** Longest message {@link #problem} returns. */
  public static final int MAX_MESSAGE_LENGTH = 299;

  private static final String ROOT = "spec.meshConfig";
  private static final Pattern DURATION = Pattern.compile("-?[0-9]{1,12}(\\.[0-9]{1,9})?s");
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,20}");

  private MeshConfigValidation() {}

  /** What is wrong with {@code meshConfig}, as one line naming the field, or empty if nothing. */
  public static Optional<String> problem(Map<String, Object> meshConfig) {
    if (meshConfig == null) {
      return Optional.empty();
    }
    return MESH_CONFIG.check(ROOT, meshConfig).map(MeshConfigValidation::bounded);
  }

  // ---- the type language -------------------------------------------------------------------

  /** A check of one value at a path; empty if it fits. */
  @FunctionalInterface
  private interface Rule {
    Optional<String> check(String path, Object value);
  }

  private static Optional<String> wrong(String path, String expected, Object actual) {
    return Optional.of(path + " must be " + expected + ", not " + describe(actual));
  }

  private static final Rule ANY_OBJECT =
      (path, v) ->
          v == null || v instanceof Map<?, ?> ? Optional.empty() : wrong(path, "an object", v);

  private static final Rule STRING =
      (path, v) -> v == null || v instanceof String ? Optional.empty() : wrong(path, "a string", v);

  private static final Rule BOOL =
      (path, v) ->
          v == null || v instanceof Boolean ? Optional.empty() : wrong(path, "a boolean", v);

  private static final Rule NUMBER =
      (path, v) -> {
        if (v == null || v instanceof Number) {
          return Optional.empty();
        }
        if (v instanceof String s) {
          try {
            Double.parseDouble(s);
            return Optional.empty();
          } catch (NumberFormatException e) {
            // fall through
          }
        }
        return wrong(path, "a number", v);
      };

  private static final Rule DURATION_RULE =
      (path, v) ->
          v == null || v instanceof String s && DURATION.matcher(s).matches()
              ? Optional.empty()
              : wrong(path, "a duration in seconds such as 10s or 0.5s", v);

  private static final Rule INT32 = integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
  private static final Rule UINT32 = integer(0, 4294967295L);
  private static final Rule NON_NEGATIVE_INT32 = integer(0, Integer.MAX_VALUE);
  private static final Rule PORT = integer(0, 65535);

  private static Rule integer(long min, long max) {
    String expected = "an integer from " + min + " to " + max;
    return (path, v) -> {
      if (v == null) {
        return Optional.empty();
      }
      BigInteger n = integralValue(v);
      if (n == null) {
        return wrong(path, expected, v);
      }
      if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
        return Optional.of(path + " must be " + expected + ", not " + clip(n.toString()));
      }
      return Optional.empty();
    };
  }

  /** The value of an integral JSON number or decimal string (proto-JSON accepts both). */
  private static BigInteger integralValue(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return BigInteger.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger b) {
      return b;
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      try {
        BigDecimal d = new BigDecimal(v.toString());
        return d.stripTrailingZeros().scale() <= 0 ? d.toBigIntegerExact() : null;
      } catch (NumberFormatException | ArithmeticException e) {
        return null;
      }
    }
    if (v instanceof String s && INTEGER.matcher(s).matches()) {
      return new BigInteger(s);
    }
    return null;
  }

  private static Rule oneOf(String... names) {
    List<String> allowed = List.of(names);
    String expected = "one of " + String.join(", ", allowed);
    return (path, v) ->
        v == null || v instanceof String s && allowed.contains(s)
            ? Optional.empty()
            : wrong(path, expected, v);
  }

  private static Rule listOf(Rule item) {
    return (path, v) -> {
      if (v == null) {
        return Optional.empty();
      }
      if (!(v instanceof List<?> list)) {
        return wrong(path, "a list", v);
      }
      for (int i = 0; i < list.size(); i++) {
        Optional<String> p = item.check(path + "[" + i + "]", list.get(i));
        if (p.isPresent()) {
          return p;
        }
      }
      return Optional.empty();
    };
  }

  private static Rule mapOf(Rule value) {
    return (path, v) -> {
      if (v == null) {
        return Optional.empty();
      }
      if (!(v instanceof Map<?, ?> map)) {
        return wrong(path, "an object", v);
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Optional<String> p = value.check(child(path, String.valueOf(e.getKey())), e.getValue());
        if (p.isPresent()) {
          return p;
        }
      }
      return Optional.empty();
    };
  }

  /** An object whose known fields are checked; other fields pass. */
  private static Rule object(Object... namesAndRules) {
    Map<String, Rule> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndRules.length; i += 2) {
      fields.put((String) namesAndRules[i], (Rule) namesAndRules[i + 1]);
    }
    return (path, v) -> {
      if (v == null) {
        return Optional.empty();
      }
      if (!(v instanceof Map<?, ?> map)) {
        return wrong(path, "an object", v);
      }
      for (Map.Entry<String, Rule> f : fields.entrySet()) {
        if (map.containsKey(f.getKey())) {
          Optional<String> p = f.getValue().check(path + "." + f.getKey(), map.get(f.getKey()));
          if (p.isPresent()) {
            return p;
          }
        }
      }
      return Optional.empty();
    };
  }

  /** Like {@link #object} but the named field must be a non-empty string. */
  private static Rule named(Rule object) {
    return (path, v) -> {
      Optional<String> p = object.check(path, v);
      if (p.isPresent() || v == null) {
        return p;
      }
      Object name = ((Map<?, ?>) v).get("name");
      if (!(name instanceof String s) || s.isEmpty()) {
        return Optional.of(
            path + ".name is required: a non-empty string, not " + describeMissing(name));
      }
      return Optional.empty();
    };
  }

  // ---- the MeshConfig ----------------------------------------------------------------------

  private static final Rule STRINGS = listOf(STRING);
  private static final Rule TLS_SETTINGS = ANY_OBJECT;

  private static final Rule TCP_KEEPALIVE =
      object("probes", UINT32, "time", DURATION_RULE, "interval", DURATION_RULE);

  private static final Rule REMOTE_SERVICE =
      object("address", STRING, "tlsSettings", TLS_SETTINGS, "tcpKeepalive", TCP_KEEPALIVE);

  private static final Rule TRACING =
      object(
          "zipkin", ANY_OBJECT,
          "lightstep", ANY_OBJECT,
          "datadog", ANY_OBJECT,
          "stackdriver", ANY_OBJECT,
          "openCensusAgent", ANY_OBJECT,
          "customTags", mapOf(ANY_OBJECT),
          "maxPathTagLength", UINT32,
          "sampling", NUMBER,
          "tlsSettings", TLS_SETTINGS,
          "enableIstioTags", BOOL);

  /** ProxyConfig, the type of {@code defaultConfig}. */
  private static final Rule PROXY_CONFIG =
      object(
          "configPath", STRING,
          "binaryPath", STRING,
          "serviceCluster", STRING,
          "tracingServiceName",
              oneOf(
                  "APP_LABEL_AND_NAMESPACE", "CANONICAL_NAME_ONLY", "CANONICAL_NAME_AND_NAMESPACE"),
          "drainDuration", DURATION_RULE,
          "discoveryAddress", STRING,
          "statsdUdpAddress", STRING,
          "proxyAdminPort", PORT,
          "controlPlaneAuthPolicy", oneOf("NONE", "MUTUAL_TLS", "INHERIT"),
          "customConfigFile", STRING,
          "statNameLength", NON_NEGATIVE_INT32,
          "concurrency", NON_NEGATIVE_INT32,
          "proxyBootstrapTemplatePath", STRING,
          "interceptionMode", oneOf("REDIRECT", "TPROXY", "NONE"),
          "tracing", TRACING,
          "envoyAccessLogService", REMOTE_SERVICE,
          "envoyMetricsService", REMOTE_SERVICE,
          "proxyMetadata", mapOf(STRING),
          "runtimeValues", mapOf(STRING),
          "statusPort", PORT,
          "extraStatTags", STRINGS,
          "gatewayTopology", ANY_OBJECT,
          "terminationDrainDuration", DURATION_RULE,
          "meshId", STRING,
          "readinessProbe", ANY_OBJECT,
          "proxyStatsMatcher",
              object(
                  "inclusionPrefixes", STRINGS,
                  "inclusionSuffixes", STRINGS,
                  "inclusionRegexps", STRINGS),
          "holdApplicationUntilProxyStarts", BOOL,
          "caCertificatesPem", STRINGS,
          "image", object("imageType", STRING),
          "privateKeyProvider", ANY_OBJECT,
          "proxyHeaders", ANY_OBJECT,
          "fileFlushInterval", DURATION_RULE,
          "fileFlushMinSizeKb", UINT32,
          "statsCompression", BOOL,
          "connectionSettings", ANY_OBJECT);

  private static final Rule TLS_CONFIG =
      object(
          "minProtocolVersion", oneOf("TLS_AUTO", "TLSV1_2", "TLSV1_3"),
          "ecdhCurves", STRINGS,
          "cipherSuites", STRINGS);

  /** MeshConfig. */
  private static final Rule MESH_CONFIG =
      object(
          "proxyListenPort", PORT,
          "proxyInboundListenPort", PORT,
          "proxyHttpPort", PORT,
          "connectTimeout", DURATION_RULE,
          "hboneIdleTimeout", DURATION_RULE,
          "protocolDetectionTimeout", DURATION_RULE,
          "tcpKeepalive", TCP_KEEPALIVE,
          "ingressClass", STRING,
          "ingressService", STRING,
          "ingressControllerMode", oneOf("UNSPECIFIED", "OFF", "DEFAULT", "STRICT"),
          "ingressSelector", STRING,
          "enableTracing", BOOL,
          "accessLogFile", STRING,
          "accessLogFormat", STRING,
          "accessLogEncoding", oneOf("TEXT", "JSON"),
          "enableEnvoyAccessLogService", BOOL,
          "disableEnvoyListenerLog", BOOL,
          "defaultConfig", PROXY_CONFIG,
          "outboundTrafficPolicy",
              object("mode", oneOf("REGISTRY_ONLY", "ALLOW_ANY", "ALLOW_ANY_DYNAMIC_DNS")),
          "inboundTrafficPolicy", object("mode", oneOf("PASSTHROUGH", "LOCALHOST")),
          "configSources",
              listOf(
                  object(
                      "address", STRING,
                      "tlsSettings", TLS_SETTINGS,
                      "subscribedResources", STRINGS)),
          "enableAutoMtls", BOOL,
          "trustDomain", STRING,
          "trustDomainAliases", STRINGS,
          "caCertificates",
              listOf(
                  object(
                      "pem", STRING,
                      "spiffeBundleUrl", STRING,
                      "certSigners", STRINGS,
                      "trustDomains", STRINGS)),
          "defaultServiceExportTo", STRINGS,
          "defaultVirtualServiceExportTo", STRINGS,
          "defaultDestinationRuleExportTo", STRINGS,
          "rootNamespace", STRING,
          "localityLbSetting",
              object(
                  "enabled",
                  BOOL,
                  "distribute",
                  listOf(ANY_OBJECT),
                  "failover",
                  listOf(ANY_OBJECT),
                  "failoverPriority",
                  STRINGS),
          "zoneAwareLbSetting", ANY_OBJECT,
          "dnsRefreshRate", DURATION_RULE,
          "h2UpgradePolicy", oneOf("DO_NOT_UPGRADE", "UPGRADE"),
          "inboundClusterStatName", STRING,
          "outboundClusterStatName", STRING,
          "serviceSettings", listOf(object("settings", ANY_OBJECT, "hosts", STRINGS)),
          "serviceScopeConfigs", listOf(ANY_OBJECT),
          "enablePrometheusMerge", BOOL,
          "ca",
              object(
                  "address", STRING,
                  "tlsSettings", TLS_SETTINGS,
                  "requestTimeout", DURATION_RULE,
                  "istiodSide", BOOL),
          "extensionProviders", listOf(named(object("name", STRING))),
          "defaultProviders",
              object("tracing", STRINGS, "metrics", STRINGS, "accessLogging", STRINGS),
          "discoverySelectors", listOf(ANY_OBJECT),
          "pathNormalization",
              object(
                  "normalization",
                  oneOf("DEFAULT", "NONE", "BASE", "MERGE_SLASHES", "DECODE_AND_MERGE_SLASHES")),
          "defaultHttpRetryPolicy",
              object(
                  "attempts", INT32,
                  "perTryTimeout", DURATION_RULE,
                  "retryOn", STRING,
                  "retryRemoteLocalities", BOOL,
                  "retryIgnorePreviousHosts", BOOL,
                  "backoff", DURATION_RULE),
          "meshMTLS", TLS_CONFIG,
          "tlsDefaults", TLS_CONFIG,
          "defaultTrafficPolicy", ANY_OBJECT,
          "serviceEntryVisibility", ANY_OBJECT);

  // ---- messages ----------------------------------------------------------------------------

  private static String child(String path, String key) {
    return PLAIN_KEY.matcher(key).matches() ? path + "." + key : path + "[\"" + clip(key) + "\"]";
  }

  private static String describe(Object v) {
    if (v instanceof String s) {
      return "the string \"" + clip(s) + "\"";
    }
    if (v instanceof Boolean b) {
      return "the boolean " + b;
    }
    if (v instanceof Number n) {
      return "the number " + clip(n.toString());
    }
    if (v instanceof Map<?, ?>) {
      return "an object";
    }
    if (v instanceof List<?>) {
      return "a list";
    }
    return "null";
  }

  private static String describeMissing(Object v) {
    return v == null ? "missing" : describe(v);
  }

  private static String clip(String s) {
    String oneLine = s.replaceAll("[\\r\\n\\t]", " ");
    return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
  }

  private static String bounded(String message) {
    String oneLine = message.replaceAll("[\\r\\n\\t]", " ");
    return oneLine.length() <= MAX_MESSAGE_LENGTH
        ? oneLine
        : oneLine.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
  }
}
