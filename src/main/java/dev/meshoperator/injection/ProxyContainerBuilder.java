package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code istio-proxy} container of the sidecar template. */
final class ProxyContainerBuilder {

  private ProxyContainerBuilder() {}

  static ObjectNode sidecar(TemplateContext ctx, boolean holdProxy, boolean nativeSidecar) {
    InjectionSettings s = ctx.settings();
    boolean tproxy = ctx.interceptionMode().equals("TPROXY");
    boolean capNetBind =
        ctx.annotation(IstioAnnotations.CAP_NET_BIND_SERVICE, s.capNetBindService()).equals("true");
    // Container's fields in fabric8's (alphabetical) order; see ProxyEnv.
    ObjectNode c = Json.MAPPER.createObjectNode();
    strings(c.putArray("args"), args(ctx, "sidecar"));
    c.set("env", env(ctx, nativeSidecar));
    c.put("image", InitContainerBuilder.image(ctx, s.proxyImageName(), ctx.proxyImage()));
    if (s.imagePullPolicy() != null) {
      c.put("imagePullPolicy", s.imagePullPolicy());
    }
    if (s.proxyLifecycle() != null) {
      c.set("lifecycle", Json.toTree(s.proxyLifecycle()));
    } else if (holdProxy) {
      exec(c.putObject("lifecycle").putObject("postStart"), "pilot-agent", "wait");
    } else if (nativeSidecar) {
      // Kubernetes calls preStop when the pod begins to shut down: start draining, the proxy
      // gets SIGTERM only after the application containers are gone.
      exec(
          c.putObject("lifecycle").putObject("preStop"),
          "pilot-agent",
          "request",
          "--debug-port=" + ctx.statusPort(),
          "POST",
          "drain");
    }
    c.put("name", Injector.PROXY_CONTAINER);
    c.putArray("ports")
        .addObject()
        .put("containerPort", 15090)
        .put("name", "http-envoy-prom")
        .put("protocol", "TCP");
    ObjectNode startupProbe = null;
    if (!ctx.statusPort().equals("0")) {
      if (s.startupProbeEnabled()) {
        startupProbe = readyProbeTree(15021, 0, 1, s.startupProbeFailureThreshold());
      }
      c.set(
          "readinessProbe",
          readyProbeTree(
              15021,
              intAnnotation(
                  ctx, IstioAnnotations.READINESS_INITIAL_DELAY, s.readinessInitialDelaySeconds()),
              intAnnotation(ctx, IstioAnnotations.READINESS_PERIOD, s.readinessPeriodSeconds()),
              intAnnotation(
                  ctx,
                  IstioAnnotations.READINESS_FAILURE_THRESHOLD,
                  s.readinessFailureThreshold())));
    }
    ObjectNode resources = ProxyEnv.resources(ctx);
    if (resources != null) {
      c.set("resources", resources);
    }
    if (nativeSidecar) {
      c.put("restartPolicy", "Always");
    }
    c.set("securityContext", securityContext(ctx, tproxy, capNetBind));
    if (startupProbe != null) {
      c.set("startupProbe", startupProbe);
    }
    c.set("volumeMounts", volumeMounts(ctx));
    appendUserVolumeMounts(ctx, c);
    return c;
  }

  static void strings(ArrayNode into, List<String> values) {
    values.forEach(into::add);
  }

  private static void exec(ObjectNode handler, String... command) {
    strings(handler.putObject("exec").putArray("command"), List.of(command));
  }

  static List<String> args(TemplateContext ctx, String type) {
    InjectionSettings s = ctx.settings();
    List<String> a = new ArrayList<>();
    a.add("proxy");
    a.add(type);
    a.add("--domain");
    a.add("$(POD_NAMESPACE).svc." + s.clusterDomain());
    a.add("--proxyLogLevel=" + ctx.annotation(IstioAnnotations.LOG_LEVEL, s.logLevel()));
    a.add(
        "--proxyComponentLogLevel="
            + ctx.annotation(IstioAnnotations.COMPONENT_LOG_LEVEL, s.componentLogLevel()));
    a.add(
        "--log_output_level="
            + ctx.annotation(IstioAnnotations.AGENT_LOG_LEVEL, s.agentLogLevel()));
    if (s.stsPort() != 0) {
      a.add("--stsPort=" + s.stsPort());
    }
    if (s.logAsJson()) {
      a.add("--log_as_json");
    }
    if (type.equals("sidecar") && !s.outlierLogPath().isEmpty()) {
      a.add("--outlierLogPath=" + s.outlierLogPath());
    }
    return a;
  }

  private static ArrayNode env(TemplateContext ctx, boolean nativeSidecar) {
    InjectionSettings s = ctx.settings();
    ArrayNode env = Json.MAPPER.createArrayNode();
    if (s.inboundTrafficPolicyLocalhost()) {
      env.add(ProxyEnv.var("REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "true"));
    }
    ProxyEnv.identity(s, env);
    env.add(ProxyEnv.resourceRef(s, "ISTIO_CPU_LIMIT", "limits.cpu"));
    env.add(ProxyEnv.proxyConfig(ctx));
    env.add(ProxyEnv.podPorts(ctx, nativeSidecar));
    env.add(ProxyEnv.appContainers(ctx));
    ProxyEnv.goLimits(s, env);
    ProxyEnv.compliance(s, env);
    env.add(ProxyEnv.var("ISTIO_META_CLUSTER_ID", clusterId(s)));
    env.add(ProxyEnv.fieldRef("ISTIO_META_NODE_NAME", "spec.nodeName"));
    String annotatedMode = ctx.annotations().get(IstioAnnotations.INTERCEPTION_MODE);
    env.add(
        ProxyEnv.var(
            "ISTIO_META_INTERCEPTION_MODE",
            annotatedMode == null || annotatedMode.isEmpty()
                ? ProxyConfigs.interceptionMode(ctx.proxyConfig())
                : annotatedMode));
    if (!s.network().isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_NETWORK", s.network()));
    }
    String workloadName =
        ctx.labelOrDefault(ctx.workload().name(), IstioAnnotations.WORKLOAD_NAME_LABEL);
    if (!workloadName.isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_WORKLOAD_NAME", workloadName));
    }
    if (!ctx.workload().apiVersion().isEmpty() && !ctx.workload().name().isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_OWNER", ProxyEnv.owner(ctx.workload())));
    }
    if (ctx.hasAnnotation(IstioAnnotations.BOOTSTRAP_OVERRIDE)) {
      env.add(
          ProxyEnv.var(
              "ISTIO_BOOTSTRAP_OVERRIDE", "/etc/istio/custom-bootstrap/custom_bootstrap.json"));
    }
    ProxyEnv.meshIdentity(s, env);
    ProxyEnv.datadog(ctx, env);
    ProxyEnv.otel(ctx, env);
    ProxyEnv.proxyMetadata(ctx, env);
    return env;
  }

  static String clusterId(InjectionSettings s) {
    return s.clusterId().isEmpty() ? "Kubernetes" : s.clusterId();
  }

  static Probe readyProbe(int port, int initialDelay, int period, int failureThreshold) {
    return Json.MAPPER.convertValue(
        readyProbeTree(port, initialDelay, period, failureThreshold), Probe.class);
  }

  /** Probe's fields in fabric8's order; zero means "unset", as the API's defaulting has it. */
  static ObjectNode readyProbeTree(int port, int initialDelay, int period, int failureThreshold) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    if (failureThreshold != 0) {
      p.put("failureThreshold", failureThreshold);
    }
    p.putObject("httpGet").put("path", "/healthz/ready").put("port", port);
    if (initialDelay != 0) {
      p.put("initialDelaySeconds", initialDelay);
    }
    if (period != 0) {
      p.put("periodSeconds", period);
    }
    p.put("timeoutSeconds", 3);
    return p;
  }

  static int intAnnotation(TemplateContext ctx, String name, int fallback) {
    String v = ctx.annotations().get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new InjectionException("invalid value '" + v + "' for annotation '" + name + "'");
    }
  }

  private static ObjectNode securityContext(
      TemplateContext ctx, boolean tproxy, boolean capNetBind) {
    InjectionSettings s = ctx.settings();
    // SecurityContext's and Capabilities' fields in fabric8's order; the IDs are longs there.
    ObjectNode b = Json.MAPPER.createObjectNode();
    if ("true".equals(ctx.proxyMetadata().get("IPTABLES_TRACE_LOGGING"))) {
      b.put("allowPrivilegeEscalation", true);
      ObjectNode caps = b.putObject("capabilities");
      caps.putArray("add").add("NET_ADMIN");
      caps.putArray("drop").add("ALL");
      b.put("privileged", true)
          .put("readOnlyRootFilesystem", true)
          .put("runAsGroup", s.proxyGid())
          .put("runAsNonRoot", false)
          .put("runAsUser", 0L);
    } else {
      b.put("allowPrivilegeEscalation", s.privileged());
      ObjectNode caps = b.putObject("capabilities");
      if (tproxy || capNetBind) {
        ArrayNode add = caps.putArray("add");
        if (tproxy) {
          add.add("NET_ADMIN");
        }
        if (capNetBind) {
          add.add("NET_BIND_SERVICE");
        }
      }
      caps.putArray("drop").add("ALL");
      b.put("privileged", s.privileged()).put("readOnlyRootFilesystem", true);
      if (tproxy || capNetBind) {
        b.put("runAsGroup", 1337L).put("runAsNonRoot", false).put("runAsUser", 0L);
      } else {
        b.put("runAsGroup", s.proxyGid()).put("runAsNonRoot", true).put("runAsUser", s.proxyUid());
      }
    }
    if (s.seccompProfile() != null) {
      b.set("seccompProfile", Json.toTree(s.seccompProfile()));
    }
    return b;
  }

  /** VolumeMount's fields in fabric8's order. */
  static ObjectNode mount(String name, String path) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("mountPath", path);
    m.put("name", name);
    return m;
  }

  private static ObjectNode readOnlyMount(String name, String path) {
    return mount(name, path).put("readOnly", true);
  }

  private static ArrayNode volumeMounts(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ArrayNode m = Json.MAPPER.createArrayNode();
    m.add(mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"));
    m.add(mount("credential-socket", "/var/run/secrets/credential-uds"));
    m.add(workloadCertsMount(s));
    if (s.pilotCertProvider().equals("istiod")) {
      m.add(mount("istiod-ca-cert", "/var/run/secrets/istio"));
      m.add(mount("istio-ca-crl", "/var/run/secrets/istio/crl"));
    }
    m.add(mount("istio-data", "/var/lib/istio/data"));
    if (ctx.hasAnnotation(IstioAnnotations.BOOTSTRAP_OVERRIDE)) {
      m.add(mount("custom-bootstrap-volume", "/etc/istio/custom-bootstrap"));
    }
    m.add(mount("istio-envoy", "/etc/istio/proxy"));
    m.add(mount("istio-token", "/var/run/secrets/tokens"));
    if (s.mountMtlsCerts()) {
      m.add(readOnlyMount("istio-certs", "/etc/certs/"));
    }
    m.add(mount("istio-podinfo", "/etc/istio/pod"));
    return m;
  }

  static ObjectNode workloadCertsMount(InjectionSettings s) {
    if (s.gkeWorkloadCertificates()) {
      return readOnlyMount(
          "gke-workload-certificate", "/var/run/secrets/workload-spiffe-credentials");
    }
    return mount("workload-certs", "/var/run/secrets/workload-spiffe-credentials");
  }

  /** The workload certificates' mount in its fabric8 form, for the templates using builders. */
  static VolumeMount workloadCertsVolumeMount(InjectionSettings s) {
    return Json.MAPPER.convertValue(workloadCertsMount(s), VolumeMount.class);
  }

  /** The {@code sidecar.istio.io/userVolumeMount} annotation: a JSON map of name to mount. */
  static void appendUserVolumeMounts(TemplateContext ctx, ObjectNode container) {
    String raw = ctx.annotations().get(IstioAnnotations.USER_VOLUME_MOUNT);
    if (raw == null) {
      return;
    }
    ArrayNode mounts = container.withArray("volumeMounts");
    for (Map.Entry<String, JsonNode> e :
        jsonMap(raw, IstioAnnotations.USER_VOLUME_MOUNT).entrySet()) {
      ObjectNode mount = Json.MAPPER.createObjectNode();
      mount.put("name", e.getKey());
      if (e.getValue() instanceof ObjectNode fields) {
        mount.setAll(fields.deepCopy());
      }
      mounts.add(mount);
    }
  }

  /** Parses a JSON object annotation; entries sorted by key, as Go templates iterate maps. */
  static Map<String, JsonNode> jsonMap(String raw, String annotation) {
    JsonNode node;
    try {
      node = Json.read(raw);
    } catch (Exception e) {
      throw new InjectionException(
          "invalid value for annotation '" + annotation + "': not a JSON object");
    }
    if (!node.isObject()) {
      throw new InjectionException(
          "invalid value for annotation '" + annotation + "': not a JSON object");
    }
    Map<String, JsonNode> out = new TreeMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
