package dev.meshoperator.model;

import dev.meshoperator.model.Gateways.Gateway;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of one ingress or egress gateway, built as Istio's gateway chart ({@code
 * charts/gateway}) builds them: a Deployment whose pod only names the {@code gateway} injection
 * template and an {@code istio-proxy} container with {@code image: auto}, which the operator's
 * webhook fills in at admission; its ServiceAccount, Secret access for SDS, Service, and optionally
 * an HPA and a PDB. Nothing here depends on istiod's settings or the Istio version, so changing
 * istiod never restarts gateways (the proxy image is chosen at injection, as with the chart:
 * gateways take a new version when their pods are recreated).
 */
public final class GatewayModel {

  /** {@code app.kubernetes.io/component} of every gateway object. */
  public static final String COMPONENT = "gateway";

  /** The injection template Istio's gateway chart requests. */
  public static final String TEMPLATE = "gateway";

  /** Port of the proxy's Prometheus endpoint (merged stats), as the chart's annotations say. */
  static final String METRICS_PORT = "15020";

  static final String DATAPLANE_MODE = "istio.io/dataplane-mode";

  private GatewayModel() {}

  /** Labels of every object of the gateway: the operator's, Istio's selector labels, its name. */
  public static Map<String, String> labels(ControlPlane cp, Gateway g) {
    Map<String, String> extra = new LinkedHashMap<>(g.labels());
    extra.put(MeshLabels.NAME, MeshNames.gateway(g));
    // As the chart: gateways are never enrolled in the ambient data plane.
    extra.put(DATAPLANE_MODE, "none");
    return MeshLabels.of(cp, COMPONENT, extra);
  }

  /**
   * The Deployment's (immutable) selector: the gateway's name and component, not its user-set
   * labels, so changing {@code labels} re-labels the pods instead of failing on the selector.
   */
  public static Map<String, String> selector(Gateway g) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(MeshLabels.NAME, MeshNames.gateway(g));
    selector.put(MeshLabels.COMPONENT, COMPONENT);
    return selector;
  }

  public static ServiceAccount serviceAccount(ControlPlane cp, Gateway g) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(MeshNames.gateway(g))
        .withNamespace(g.namespace())
        .withLabels(labels(cp, g))
        .endMetadata()
        .build();
  }

  /**
   * Secret access for SDS: the chart's Role ({@code secrets} get, watch, list in the gateway's
   * namespace) as a RoleBinding to the operator's static ClusterRole with exactly that rule, so the
   * operator never has to hold Secret read in every namespace a gateway may run in.
   */
  public static RoleBinding secretsRoleBinding(ControlPlane cp, Gateway g) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(MeshNames.gateway(g))
        .withNamespace(g.namespace())
        .withLabels(labels(cp, g))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(OperatorRbac.GATEWAY_SECRETS_READER)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(MeshNames.gateway(g))
        .withNamespace(g.namespace())
        .endSubject()
        .build();
  }

  public static Deployment deployment(ControlPlane cp, Gateway g) {
    var spec =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(MeshNames.gateway(g))
            .withNamespace(g.namespace())
            .withLabels(labels(cp, g))
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(selector(g))
            .endSelector()
            .withTemplate(podTemplate(cp, g));
    if (!g.autoscaling()) {
      // With an HPA the replica count is its to set; applying one here would fight it.
      spec.withReplicas(g.replicas());
    }
    return spec.endSpec().build();
  }

  /** The pod the webhook injects: labels and annotations that select the gateway template. */
  public static PodTemplateSpec podTemplate(ControlPlane cp, Gateway g) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.putAll(injectionLabels(cp));
    labels.putAll(g.labels());
    labels.putAll(selector(g));
    labels.put(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE);
    labels.put(MeshLabels.PART_OF, "istio");
    labels.put(MeshLabels.INSTANCE, cp.name());
    labels.put(DATAPLANE_MODE, "none");
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(injectionAnnotations())
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(MeshNames.gateway(g))
        .withNewSecurityContext()
        // Envoy binds 80/443 (or any port) without root or NET_BIND_SERVICE.
        .addNewSysctl()
        .withName("net.ipv4.ip_unprivileged_port_start")
        .withValue("0")
        .endSysctl()
        .endSecurityContext()
        .withContainers(proxy(g))
        .withNodeSelector(g.nodeSelector().isEmpty() ? null : g.nodeSelector())
        .withTolerations(g.tolerations().isEmpty() ? null : g.tolerations())
        .withAffinity(g.affinity())
        .withTerminationGracePeriodSeconds(30L)
        .endSpec()
        .build();
  }

  /**
   * The labels that send the pod to this revision's injector: {@code sidecar.istio.io/inject} for
   * the default revision (the object-selector webhook of an unlabeled namespace), {@code
   * istio.io/rev} for others, as the chart does.
   */
  static Map<String, String> injectionLabels(ControlPlane cp) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("sidecar.istio.io/inject", "true");
    if (!cp.isDefaultRevision()) {
      labels.put(MeshLabels.ISTIO_REV, cp.revision());
    }
    return labels;
  }

  /** The chart's pod annotations: Prometheus scraping of merged metrics, the gateway template. */
  static Map<String, String> injectionAnnotations() {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("prometheus.io/port", METRICS_PORT);
    annotations.put("prometheus.io/scrape", "true");
    annotations.put("prometheus.io/path", "/stats/prometheus");
    annotations.put("inject.istio.io/templates", TEMPLATE);
    annotations.put("sidecar.istio.io/inject", "true");
    return annotations;
  }

  /** The placeholder proxy; the webhook replaces {@code auto} and adds args, env and mounts. */
  static Container proxy(Gateway g) {
    return new ContainerBuilder()
        .withName("istio-proxy")
        .withImage("auto")
        .withNewSecurityContext()
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .endSecurityContext()
        .addNewPort()
        .withContainerPort(15090)
        .withProtocol("TCP")
        .withName("http-envoy-prom")
        .endPort()
        .withResources(g.resources())
        .build();
  }

  public static Service service(ControlPlane cp, Gateway g) {
    List<ServicePort> ports =
        g.ports().stream()
            .map(
                p ->
                    new ServicePortBuilder()
                        .withName(p.name())
                        .withPort(p.port())
                        .withTargetPort(new IntOrString(p.targetPort()))
                        .withNodePort(
                            g.serviceType()
                                    == dev.meshoperator.api.v1alpha1.GatewaySpec.ServiceType
                                        .ClusterIP
                                ? null
                                : p.nodePort())
                        .withProtocol(p.protocol())
                        .build())
            .toList();
    var metadata =
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(MeshNames.gateway(g))
            .withNamespace(g.namespace())
            .withLabels(labels(cp, g));
    // JOSDK adds its own annotations to this map: leave it unset when empty, never null.
    if (!g.serviceAnnotations().isEmpty()) {
      metadata.withAnnotations(new java.util.LinkedHashMap<>(g.serviceAnnotations()));
    }
    return new ServiceBuilder()
        .withMetadata(metadata.build())
        .withNewSpec()
        .withType(g.serviceType().name())
        .withSelector(g.labels())
        .withPorts(ports)
        .withExternalTrafficPolicy(
            g.externalTrafficPolicy() == null ? null : g.externalTrafficPolicy().name())
        .endSpec()
        .build();
  }

  public static boolean autoscaled(Gateway g) {
    return g.autoscaling();
  }

  public static HorizontalPodAutoscaler autoscaler(ControlPlane cp, Gateway g) {
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withName(MeshNames.gateway(g))
        .withNamespace(g.namespace())
        .withLabels(labels(cp, g))
        .endMetadata()
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(MeshNames.gateway(g))
        .endScaleTargetRef()
        .withMinReplicas(g.minReplicas())
        .withMaxReplicas(g.maxReplicas())
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(g.targetCpu())
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }

  /** As the chart (a workaround for kubernetes#93476): only with more than one replica. */
  public static boolean disruptionBudgeted(Gateway g) {
    return g.podDisruptionBudget() && g.minimumReplicas() > 1;
  }

  public static PodDisruptionBudget disruptionBudget(ControlPlane cp, Gateway g) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(MeshNames.gateway(g))
        .withNamespace(g.namespace())
        .withLabels(labels(cp, g))
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(selector(g))
        .endSelector()
        .endSpec()
        .build();
  }
}
