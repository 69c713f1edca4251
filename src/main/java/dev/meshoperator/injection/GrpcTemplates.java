package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/** The templates for proxyless gRPC: {@code grpc-simple} and {@code grpc-agent}. */
final class GrpcTemplates {

  private GrpcTemplates() {}

  /** Bootstrap written by an init container; the application talks to istiod directly. */
  static final InjectionTemplate SIMPLE = GrpcTemplates::simple;

  /** pilot-agent without Envoy, serving xDS and certificates to the gRPC application. */
  static final InjectionTemplate AGENT = GrpcTemplates::agent;

  private static final String BOOTSTRAP_SCRIPT =
      """
      NODE_ID="sidecar~${INSTANCE_IP}~${POD_NAME}.${POD_NAMESPACE}~cluster.local"
      SERVER_URI="dns:///istiod.${ISTIO_NAMESPACE}.svc:15010"
      echo '
      {
        "xds_servers": [
          {
            "server_uri": "'${SERVER_URI}'",
            "channel_creds": [{"type": "insecure"}],
            "server_features" : ["xds_v3"]
          }
        ],
        "node": {
          "id": "'${NODE_ID}'",
          "metadata": {
            "GENERATOR": "grpc"
          }
        }
      }' > /var/lib/grpc/data/bootstrap.json""";

  private static ObjectNode simple(TemplateContext ctx) {
    ObjectNode pod = Json.MAPPER.createObjectNode();
    pod.putObject("metadata")
        .putObject("annotations")
        .put(IstioAnnotations.REWRITE_APP_HTTP_PROBERS, "false");
    ObjectNode spec = pod.putObject("spec");
    VolumeMount bootstrap =
        new VolumeMountBuilder()
            .withMountPath("/var/lib/grpc/data/")
            .withName("grpc-io-proxyless-bootstrap")
            .build();
    Container init =
        new ContainerBuilder()
            .withName("grpc-bootstrap-init")
            .withImage("busybox:1.28")
            .withVolumeMounts(bootstrap)
            .withEnv(
                ProxyEnv.envVars(
                    Json.MAPPER
                        .createArrayNode()
                        .add(ProxyEnv.fieldRef("INSTANCE_IP", "status.podIP"))
                        .add(ProxyEnv.fieldRef("POD_NAME", "metadata.name"))
                        .add(ProxyEnv.fieldRef("POD_NAMESPACE", "metadata.namespace"))
                        .add(
                            ProxyEnv.var(
                                "ISTIO_NAMESPACE", ctx.settings().istioNamespace() + "\n"))))
            .withCommand("sh", "-c", BOOTSTRAP_SCRIPT)
            .build();
    spec.putArray("initContainers").add(Json.toTree(init));
    ArrayNode containers = spec.putArray("containers");
    for (Container c : ctx.containers()) {
      containers.add(
          Json.toTree(
              new ContainerBuilder()
                  .withName(c.getName())
                  .withEnv(
                      ProxyEnv.value("GRPC_XDS_BOOTSTRAP", "/var/lib/grpc/data/bootstrap.json"),
                      ProxyEnv.value("GRPC_GO_LOG_VERBOSITY_LEVEL", "99"),
                      ProxyEnv.value("GRPC_GO_LOG_SEVERITY_LEVEL", "info"))
                  .withVolumeMounts(bootstrap)
                  .build()));
    }
    ArrayNode volumes = spec.putArray("volumes");
    ObjectNode v = volumes.addObject();
    v.put("name", "grpc-io-proxyless-bootstrap");
    v.putObject("emptyDir");
    return pod;
  }

  private static ObjectNode agent(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ObjectNode pod = Json.MAPPER.createObjectNode();
    ObjectNode metadata = pod.putObject("metadata");
    metadata.set("labels", SidecarTemplate.labels(ctx, false));
    ObjectNode annotations = SidecarTemplate.commonAnnotations(ctx);
    annotations.put(IstioAnnotations.REWRITE_APP_HTTP_PROBERS, "false");
    metadata.set("annotations", annotations);
    ObjectNode spec = pod.putObject("spec");
    ArrayNode containers = spec.putArray("containers");
    containers.add(proxy(ctx));
    for (String name : ctx.appContainerNames()) {
      containers.add(
          Json.toTree(
              new ContainerBuilder()
                  .withName(name)
                  .withEnv(
                      ProxyEnv.value("GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT", "true"),
                      ProxyEnv.value("GRPC_XDS_BOOTSTRAP", "/etc/istio/proxy/grpc-bootstrap.json"))
                  .withVolumeMounts(
                      mount("istio-data", "/var/lib/istio/data"),
                      mount("istio-xds", "/etc/istio/proxy"))
                  .addToVolumeMounts(ProxyContainerBuilder.workloadCertsVolumeMount(s))
                  .build()));
    }
    spec.set("volumes", SidecarVolumes.build(ctx, false, "istio-xds", false));
    if (!s.imagePullSecrets().isEmpty()) {
      ArrayNode secrets = spec.putArray("imagePullSecrets");
      s.imagePullSecrets().forEach(n -> secrets.addObject().put("name", n));
    }
    return pod;
  }

  private static VolumeMount mount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).build();
  }

  private static ObjectNode proxy(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(Injector.PROXY_CONTAINER)
            .withImage(InitContainerBuilder.image(ctx, s.proxyImageName(), ctx.proxyImage()))
            .addNewPort()
            .withContainerPort(15020)
            .withProtocol("TCP")
            .withName("mesh-metrics")
            .endPort()
            .withArgs(ProxyContainerBuilder.args(ctx, "sidecar"))
            .withLifecycle(
                new LifecycleBuilder()
                    .withNewPostStart()
                    .withNewExec()
                    .withCommand(
                        "pilot-agent", "wait", "--url=http://localhost:15020/healthz/ready")
                    .endExec()
                    .endPostStart()
                    .build());
    ArrayNode env = Json.MAPPER.createArrayNode();
    env.add(ProxyEnv.var("ISTIO_META_GENERATOR", "grpc"));
    env.add(ProxyEnv.var("OUTPUT_CERTS", "/var/lib/istio/data"));
    if (s.inboundTrafficPolicyLocalhost()) {
      env.add(ProxyEnv.var("REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "true"));
    }
    ProxyEnv.identity(s, env);
    env.add(ProxyEnv.proxyConfig(ctx));
    env.add(ProxyEnv.podPorts(ctx));
    env.add(ProxyEnv.appContainers(ctx));
    env.add(ProxyEnv.var("ISTIO_META_CLUSTER_ID", ProxyContainerBuilder.clusterId(s)));
    env.add(ProxyEnv.fieldRef("ISTIO_META_NODE_NAME", "spec.nodeName"));
    if (!s.network().isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_NETWORK", s.network()));
    }
    if (!ctx.workload().name().isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_WORKLOAD_NAME", ctx.workload().name()));
    }
    if (!ctx.workload().apiVersion().isEmpty() && !ctx.workload().name().isEmpty()) {
      env.add(ProxyEnv.var("ISTIO_META_OWNER", ProxyEnv.owner(ctx.workload())));
    }
    ProxyEnv.meshIdentity(s, env);
    ProxyEnv.proxyMetadata(ctx, env);
    // gRPC resolves xds:/// names itself, so DNS capture is not needed.
    env.add(ProxyEnv.var("ISTIO_META_DNS_CAPTURE", "false"));
    env.add(ProxyEnv.var("DISABLE_ENVOY", "true"));
    b.withEnv(ProxyEnv.envVars(env));
    if (s.imagePullPolicy() != null) {
      b.withImagePullPolicy(s.imagePullPolicy());
    }
    boolean statusEnabled = !ctx.statusPort().equals("0");
    if (statusEnabled) {
      b.withReadinessProbe(
          ProxyContainerBuilder.readyProbe(
              15020,
              ProxyContainerBuilder.intAnnotation(
                  ctx, IstioAnnotations.READINESS_INITIAL_DELAY, s.readinessInitialDelaySeconds()),
              ProxyContainerBuilder.intAnnotation(
                  ctx, IstioAnnotations.READINESS_PERIOD, s.readinessPeriodSeconds()),
              ProxyContainerBuilder.intAnnotation(
                  ctx,
                  IstioAnnotations.READINESS_FAILURE_THRESHOLD,
                  s.readinessFailureThreshold())));
      b.withResources(ProxyEnv.resourceRequirements(ctx));
      List<VolumeMount> m = new ArrayList<>();
      m.add(mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"));
      m.add(ProxyContainerBuilder.workloadCertsVolumeMount(s));
      if (s.pilotCertProvider().equals("istiod")) {
        m.add(mount("istiod-ca-cert", "/var/run/secrets/istio"));
      }
      m.add(mount("istio-data", "/var/lib/istio/data"));
      m.add(mount("istio-xds", "/etc/istio/proxy"));
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
      b.withVolumeMounts(m);
    }
    ObjectNode container = Json.toTree(b.build());
    ProxyContainerBuilder.appendUserVolumeMounts(ctx, container);
    return container;
  }

  static IntOrString port(int p) {
    return new IntOrString(p);
  }
}
