package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code gateway} template: turns a pod with an {@code istio-proxy} container into a gateway
 * (proxy in router mode, no traffic redirection).
 */
final class GatewayTemplate implements InjectionTemplate {

  static final GatewayTemplate INSTANCE = new GatewayTemplate();

  @Override
  public ObjectNode render(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ObjectNode pod = Json.MAPPER.createObjectNode();
    ObjectNode metadata = pod.putObject("metadata");
    metadata.set("labels", SidecarTemplate.labels(ctx, false));
    metadata.set("annotations", SidecarTemplate.commonAnnotations(ctx));
    ObjectNode spec = pod.putObject("spec");
    spec.set(
        "securityContext",
        Json.toTree(
            s.gatewaySecurityContext() != null
                ? s.gatewaySecurityContext()
                : new PodSecurityContextBuilder()
                    // Gateways listen on 80/443 without root or NET_BIND_SERVICE.
                    .addNewSysctl()
                    .withName("net.ipv4.ip_unprivileged_port_start")
                    .withValue("0")
                    .endSysctl()
                    .build()));
    spec.putArray("containers").add(proxy(ctx));
    spec.set("volumes", volumes(ctx));
    if (!s.imagePullSecrets().isEmpty()) {
      ArrayNode secrets = spec.putArray("imagePullSecrets");
      s.imagePullSecrets().forEach(name -> secrets.addObject().put("name", name));
    }
    return pod;
  }

  private static ObjectNode proxy(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(Injector.PROXY_CONTAINER)
            .withImage(InitContainerBuilder.image(ctx, s.proxyImageName(), ctx.proxyImage()))
            .addNewPort()
            .withContainerPort(15090)
            .withProtocol("TCP")
            .withName("http-envoy-prom")
            .endPort()
            .withArgs(ProxyContainerBuilder.args(ctx, "router"));
    if (s.proxyLifecycle() != null) {
      b.withLifecycle(s.proxyLifecycle());
    }
    b.withNewSecurityContext()
        .withRunAsUser(s.proxyUid())
        .withRunAsGroup(s.proxyGid())
        .endSecurityContext();
    b.withEnv(env(ctx));
    if (s.imagePullPolicy() != null) {
      b.withImagePullPolicy(s.imagePullPolicy());
    }
    b.withReadinessProbe(
        ProxyContainerBuilder.readyProbe(
            15021,
            s.readinessInitialDelaySeconds(),
            s.readinessPeriodSeconds(),
            s.readinessFailureThreshold()));
    b.withVolumeMounts(mounts(ctx));
    return Json.toTree(b.build());
  }

  private static List<EnvVar> env(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ArrayNode env = Json.MAPPER.createArrayNode();
    ProxyEnv.identity(s, env);
    env.add(ProxyEnv.resourceRef(s, "ISTIO_CPU_LIMIT", "limits.cpu"));
    env.add(ProxyEnv.proxyConfig(ctx));
    env.add(ProxyEnv.podPorts(ctx));
    ProxyEnv.goLimits(s, env);
    ProxyEnv.compliance(s, env);
    env.add(ProxyEnv.appContainers(ctx));
    env.add(ProxyEnv.var("ISTIO_META_CLUSTER_ID", ProxyContainerBuilder.clusterId(s)));
    env.add(ProxyEnv.fieldRef("ISTIO_META_NODE_NAME", "spec.nodeName"));
    env.add(
        ProxyEnv.var(
            "ISTIO_META_INTERCEPTION_MODE", ProxyConfigs.interceptionMode(ctx.proxyConfig())));
    if (!s.network().isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_NETWORK", s.network()));
    }
    if (!ctx.workload().name().isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_WORKLOAD_NAME", ctx.workload().name()));
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
    ProxyEnv.proxyMetadata(ctx, env);
    return ProxyEnv.envVars(env);
  }

  private static VolumeMount mount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).build();
  }

  private static List<VolumeMount> mounts(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    List<VolumeMount> m = new ArrayList<>();
    m.add(mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"));
    m.add(mount("credential-socket", "/var/run/secrets/credential-uds"));
    m.add(ProxyContainerBuilder.workloadCertsVolumeMount(s));
    if (s.pilotCertProvider().equals("istiod")) {
      m.add(mount("istiod-ca-cert", "/var/run/secrets/istio"));
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

  private static ArrayNode volumes(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    List<Volume> v = new ArrayList<>();
    v.add(new VolumeBuilder().withName("workload-socket").build());
    v.add(
        new VolumeBuilder().withName("credential-socket").withNewEmptyDir().endEmptyDir().build());
    v.add(Json.MAPPER.convertValue(SidecarVolumes.workloadCerts(s, true), Volume.class));
    if (ctx.hasAnnotation(IstioAnnotations.BOOTSTRAP_OVERRIDE)) {
      v.add(
          new VolumeBuilder()
              .withName("custom-bootstrap-volume")
              .withNewConfigMap()
              .withName(ctx.annotation(IstioAnnotations.BOOTSTRAP_OVERRIDE, ""))
              .endConfigMap()
              .build());
    }
    v.add(
        new VolumeBuilder()
            .withName("istio-envoy")
            .withNewEmptyDir()
            .withMedium("Memory")
            .endEmptyDir()
            .build());
    ArrayNode common = SidecarVolumes.build(ctx, false, "unused", false);
    ArrayNode out = Json.MAPPER.valueToTree(v);
    // istio-data, istio-podinfo, istio-token, the root cert and mTLS certs are as for sidecars.
    for (var volume : common) {
      String name = volume.path("name").asText();
      if (List.of("istio-data", "istio-podinfo", "istio-token", "istiod-ca-cert", "istio-certs")
          .contains(name)) {
        out.add(volume);
      }
    }
    return out;
  }
}
