package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
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
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(Injector.PROXY_CONTAINER)
            .withImage(InitContainerBuilder.image(ctx, s.proxyImageName(), ctx.proxyImage()));
    if (nativeSidecar) {
      b.withRestartPolicy("Always");
    }
    b.addNewPort()
        .withContainerPort(15090)
        .withProtocol("TCP")
        .withName("http-envoy-prom")
        .endPort();
    b.withArgs(args(ctx, "sidecar"));
    if (s.proxyLifecycle() != null) {
      b.withLifecycle(s.proxyLifecycle());
    } else if (holdProxy) {
      b.withLifecycle(
          new LifecycleBuilder()
              .withNewPostStart()
              .withNewExec()
              .withCommand("pilot-agent", "wait")
              .endExec()
              .endPostStart()
              .build());
    } else if (nativeSidecar) {
      // Kubernetes calls preStop when the pod begins to shut down: start draining, the proxy
      // gets SIGTERM only after the application containers are gone.
      b.withLifecycle(
          new LifecycleBuilder()
              .withNewPreStop()
              .withNewExec()
              .withCommand(
                  "pilot-agent", "request", "--debug-port=" + ctx.statusPort(), "POST", "drain")
              .endExec()
              .endPreStop()
              .build());
    }
    b.withEnv(env(ctx, nativeSidecar));
    if (s.imagePullPolicy() != null) {
      b.withImagePullPolicy(s.imagePullPolicy());
    }
    if (!ctx.statusPort().equals("0")) {
      if (s.startupProbeEnabled()) {
        b.withStartupProbe(readyProbe(15021, 0, 1, s.startupProbeFailureThreshold()));
      }
      b.withReadinessProbe(
          readyProbe(
              15021,
              intAnnotation(
                  ctx, IstioAnnotations.READINESS_INITIAL_DELAY, s.readinessInitialDelaySeconds()),
              intAnnotation(ctx, IstioAnnotations.READINESS_PERIOD, s.readinessPeriodSeconds()),
              intAnnotation(
                  ctx,
                  IstioAnnotations.READINESS_FAILURE_THRESHOLD,
                  s.readinessFailureThreshold())));
    }
    b.withSecurityContext(securityContext(ctx, tproxy, capNetBind));
    b.withResources(ProxyEnv.resources(ctx));
    b.withVolumeMounts(volumeMounts(ctx));
    ObjectNode container = Json.toTree(b.build());
    appendUserVolumeMounts(ctx, container);
    return container;
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

  private static List<EnvVar> env(TemplateContext ctx, boolean nativeSidecar) {
    InjectionSettings s = ctx.settings();
    List<EnvVar> env = new ArrayList<>();
    if (s.inboundTrafficPolicyLocalhost()) {
      env.add(ProxyEnv.value("REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "true"));
    }
    env.addAll(ProxyEnv.identity(s));
    env.add(ProxyEnv.resourceRef(s, "ISTIO_CPU_LIMIT", "limits.cpu"));
    env.add(ProxyEnv.proxyConfig(ctx));
    env.add(ProxyEnv.podPorts(ctx, nativeSidecar));
    env.add(ProxyEnv.appContainers(ctx));
    env.addAll(ProxyEnv.goLimits(s));
    env.addAll(ProxyEnv.compliance(s));
    env.add(ProxyEnv.value("ISTIO_META_CLUSTER_ID", clusterId(s)));
    env.add(ProxyEnv.fieldRef("ISTIO_META_NODE_NAME", "spec.nodeName"));
    String annotatedMode = ctx.annotations().get(IstioAnnotations.INTERCEPTION_MODE);
    env.add(
        ProxyEnv.value(
            "ISTIO_META_INTERCEPTION_MODE",
            annotatedMode == null || annotatedMode.isEmpty()
                ? ProxyConfigs.interceptionMode(ctx.proxyConfig())
                : annotatedMode));
    if (!s.network().isEmpty()) {
      env.add(ProxyEnv.value("ISTIO_META_NETWORK", s.network()));
    }
    String workloadName =
        ctx.labelOrDefault(ctx.workload().name(), IstioAnnotations.WORKLOAD_NAME_LABEL);
    if (!workloadName.isEmpty()) {
      env.add(ProxyEnv.value("ISTIO_META_WORKLOAD_NAME", workloadName));
    }
    if (!ctx.workload().apiVersion().isEmpty() && !ctx.workload().name().isEmpty()) {
      env.add(ProxyEnv.value("ISTIO_META_OWNER", ProxyEnv.owner(ctx.workload())));
    }
    if (ctx.hasAnnotation(IstioAnnotations.BOOTSTRAP_OVERRIDE)) {
      env.add(
          ProxyEnv.value(
              "ISTIO_BOOTSTRAP_OVERRIDE", "/etc/istio/custom-bootstrap/custom_bootstrap.json"));
    }
    env.addAll(ProxyEnv.meshIdentity(s));
    env.addAll(ProxyEnv.datadog(ctx));
    env.addAll(ProxyEnv.otel(ctx));
    env.addAll(ProxyEnv.proxyMetadata(ctx));
    return env;
  }

  static String clusterId(InjectionSettings s) {
    return s.clusterId().isEmpty() ? "Kubernetes" : s.clusterId();
  }

  static Probe readyProbe(int port, int initialDelay, int period, int failureThreshold) {
    ProbeBuilder p =
        new ProbeBuilder()
            .withNewHttpGet()
            .withPath("/healthz/ready")
            .withPort(new IntOrString(port))
            .endHttpGet()
            .withTimeoutSeconds(3);
    // Zero means "unset" for these fields; leaving them out matches the API's defaulting.
    if (initialDelay != 0) {
      p.withInitialDelaySeconds(initialDelay);
    }
    if (period != 0) {
      p.withPeriodSeconds(period);
    }
    if (failureThreshold != 0) {
      p.withFailureThreshold(failureThreshold);
    }
    return p.build();
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

  private static SecurityContext securityContext(
      TemplateContext ctx, boolean tproxy, boolean capNetBind) {
    InjectionSettings s = ctx.settings();
    SecurityContextBuilder b = new SecurityContextBuilder();
    if ("true".equals(ctx.proxyMetadata().get("IPTABLES_TRACE_LOGGING"))) {
      b.withAllowPrivilegeEscalation(true)
          .withCapabilities(
              new CapabilitiesBuilder().addToAdd("NET_ADMIN").addToDrop("ALL").build())
          .withPrivileged(true)
          .withReadOnlyRootFilesystem(true)
          .withRunAsGroup(s.proxyGid())
          .withRunAsNonRoot(false)
          .withRunAsUser(0L);
    } else {
      CapabilitiesBuilder caps = new CapabilitiesBuilder();
      if (tproxy) {
        caps.addToAdd("NET_ADMIN");
      }
      if (capNetBind) {
        caps.addToAdd("NET_BIND_SERVICE");
      }
      caps.addToDrop("ALL");
      b.withAllowPrivilegeEscalation(s.privileged())
          .withCapabilities(caps.build())
          .withPrivileged(s.privileged())
          .withReadOnlyRootFilesystem(true);
      if (tproxy || capNetBind) {
        b.withRunAsNonRoot(false).withRunAsUser(0L).withRunAsGroup(1337L);
      } else {
        b.withRunAsNonRoot(true).withRunAsUser(s.proxyUid()).withRunAsGroup(s.proxyGid());
      }
    }
    if (s.seccompProfile() != null) {
      b.withSeccompProfile(s.seccompProfile());
    }
    return b.build();
  }

  private static VolumeMount mount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).build();
  }

  private static List<VolumeMount> volumeMounts(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    List<VolumeMount> m = new ArrayList<>();
    m.add(mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"));
    m.add(mount("credential-socket", "/var/run/secrets/credential-uds"));
    m.addAll(workloadCertsMount(s));
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
      m.add(
          new VolumeMountBuilder()
              .withName("istio-certs")
              .withMountPath("/etc/certs/")
              .withReadOnly(true)
              .build());
    }
    m.add(mount("istio-podinfo", "/etc/istio/pod"));
    return m;
  }

  static List<VolumeMount> workloadCertsMount(InjectionSettings s) {
    if (s.gkeWorkloadCertificates()) {
      return List.of(
          new VolumeMountBuilder()
              .withName("gke-workload-certificate")
              .withMountPath("/var/run/secrets/workload-spiffe-credentials")
              .withReadOnly(true)
              .build());
    }
    return List.of(mount("workload-certs", "/var/run/secrets/workload-spiffe-credentials"));
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
