package dev.meshoperator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Desired state of istiod's namespaced objects and its validating webhook, after Istio's
 * istio-discovery chart. Pure functions of the {@link ControlPlane}: no client, no clock.
 */
public final class IstiodModel {

  public static final String COMPONENT = "istiod";
  static final int XDS_PORT = 15010;
  static final int XDS_TLS_PORT = 15012;
  static final int WEBHOOK_PORT = 15017;
  static final int MONITORING_PORT = 15014;
  static final int DEBUG_PORT = 8080;
  static final long ISTIO_UID = 1337L;

  private static final ObjectMapper YAML =
      new ObjectMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .stringQuotingChecker(new UnambiguousQuoting())
                  .build())
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /**
   * Leaves a string bare only when no YAML 1.1 reader (istiod's) can take it for anything else:
   * {@code 15}, {@code 1e3}, {@code 0x1F}, {@code .inf} or {@code 2001-12-14} would otherwise reach
   * istiod as numbers or dates where MeshConfig wants a string (a proxyMetadata value, say).
   */
  static final class UnambiguousQuoting extends StringQuotingChecker.Default {
    private static final java.util.regex.Pattern PLAIN =
        java.util.regex.Pattern.compile("[A-Za-z_/][-A-Za-z0-9_./:%@]*");

    @Override
    public boolean needToQuoteName(String name) {
      return super.needToQuoteName(name) || !PLAIN.matcher(name).matches();
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || !PLAIN.matcher(value).matches();
    }
  }

  private IstiodModel() {}

  /** Pod and selector labels: stable across upgrades, so the Deployment selector never changes. */
  public static Map<String, String> selector(ControlPlane cp) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("app", "istiod");
    s.put(MeshLabels.ISTIO_REV, cp.revision());
    return s;
  }

  private static Map<String, String> labels(ControlPlane cp) {
    Map<String, String> extra = new LinkedHashMap<>(selector(cp));
    extra.put("istio", "pilot");
    extra.put(MeshLabels.NAME, "istiod");
    return MeshLabels.of(cp, COMPONENT, extra);
  }

  /** The ServiceAccount istiod runs as. */
  public static ServiceAccount serviceAccount(ControlPlane cp) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiodServiceAccount(cp))
        .withNamespace(cp.namespace())
        .withLabels(labels(cp))
        .endMetadata()
        .withImagePullSecrets(pullSecrets(cp))
        .build();
  }

  static List<LocalObjectReference> pullSecrets(ControlPlane cp) {
    return cp.imagePullSecrets().stream().map(LocalObjectReference::new).toList();
  }

  /** The mesh config ConfigMap {@code istio[-rev]} with the keys istiod reads. */
  public static ConfigMap meshConfigMap(ControlPlane cp) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("mesh", toYaml(meshConfig(cp)));
    data.put("meshNetworks", "networks: {}\n");
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(MeshNames.meshConfigMap(cp))
        .withNamespace(cp.namespace())
        .withLabels(MeshLabels.of(cp, COMPONENT, Map.of("istio.io/config", "true")))
        .endMetadata()
        .withData(data)
        .build();
  }

  /**
   * The effective MeshConfig: what the operator must set for the mesh to work (discovery address,
   * root namespace, trust domain), then the profile's and the user's values over it.
   */
  public static Map<String, Object> meshConfig(ControlPlane cp) {
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("defaultConfig", Map.of("discoveryAddress", cp.discoveryAddress()));
    base.put("defaultProviders", Map.of("metrics", List.of("prometheus")));
    base.put("enablePrometheusMerge", true);
    base.put("rootNamespace", cp.namespace());
    base.put("trustDomain", ControlPlane.CLUSTER_DOMAIN);
    return ControlPlane.deepMerge(base, cp.meshConfig());
  }

  static String toYaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("meshConfig cannot be rendered as YAML", e);
    }
  }

  /**
   * On istiod's pod template: which CA signs workload certificates ({@code
   * spec.certificateAuthority}).
   */
  public static final String CA_ANNOTATION = "meshoperator.dev/certificate-authority";

  /** istiod's Deployment. With autoscaling on, replicas are left to the HPA. */
  public static Deployment deployment(ControlPlane cp) {
    var istiod = cp.istiod();
    Map<String, String> podAnnotations = new TreeMap<>();
    podAnnotations.put("prometheus.io/port", String.valueOf(MONITORING_PORT));
    podAnnotations.put("prometheus.io/scrape", "true");
    podAnnotations.put("sidecar.istio.io/inject", "false");
    // istiod reads cacerts only at start: a switch of the signing CA (istiod's self-signed root
    // <-> the operator's plug-in CA) must roll it, and nothing else in the template changes then.
    podAnnotations.put(CA_ANNOTATION, cp.operatorCa() ? "operator" : "istiod");
    podAnnotations.putAll(istiod.podAnnotations());
    Map<String, String> podLabels = new LinkedHashMap<>(labels(cp));
    podLabels.put("sidecar.istio.io/inject", "false");
    // Never captured by ambient mode's node agent, even in an ambient-enabled namespace.
    podLabels.put("istio.io/dataplane-mode", "none");
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiod(cp))
        .withNamespace(cp.namespace())
        .withLabels(labels(cp))
        .endMetadata()
        .withNewSpec()
        .withReplicas(istiod.autoscaling() ? null : istiod.replicas())
        .withNewSelector()
        .withMatchLabels(selector(cp))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString("100%"))
        .withMaxUnavailable(new IntOrString("25%"))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(MeshNames.istiodServiceAccount(cp))
        .withPriorityClassName(istiod.priorityClassName())
        .withNodeSelector(
            istiod.nodeSelector().isEmpty() ? null : new TreeMap<>(istiod.nodeSelector()))
        .withTolerations(tolerations(istiod.tolerations()))
        .withAffinity(istiod.affinity())
        .withImagePullSecrets(pullSecrets(cp))
        .withContainers(discoveryContainer(cp))
        .withVolumes(volumes())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The chart's toleration of istio-cni's not-ready taint, then the user's: istiod must run on a
   * node whose CNI agent is not ready yet (the agent needs istiod, not the reverse).
   */
  private static List<Toleration> tolerations(List<Toleration> user) {
    List<Toleration> all = new ArrayList<>();
    all.add(
        new TolerationBuilder().withKey("cni.istio.io/not-ready").withOperator("Exists").build());
    all.addAll(user);
    return all;
  }

  private static Container discoveryContainer(ControlPlane cp) {
    return new ContainerBuilder()
        .withName("discovery")
        .withImage(cp.istiod().image())
        .withArgs(
            "discovery",
            "--monitoringAddr=:" + MONITORING_PORT,
            "--log_output_level=default:info",
            "--domain",
            ControlPlane.CLUSTER_DOMAIN,
            "--keepaliveMaxServerConnectionAge",
            "30m")
        .addNewPort()
        .withName("http-debug")
        .withContainerPort(DEBUG_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("grpc-xds")
        .withContainerPort(XDS_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("tls-xds")
        .withContainerPort(XDS_TLS_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("https-webhooks")
        .withContainerPort(WEBHOOK_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("http-monitoring")
        .withContainerPort(MONITORING_PORT)
        .withProtocol("TCP")
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/ready")
        .withPort(new IntOrString(DEBUG_PORT))
        .endHttpGet()
        .withInitialDelaySeconds(1)
        .withPeriodSeconds(3)
        .withTimeoutSeconds(5)
        .endReadinessProbe()
        .withEnv(env(cp))
        .withResources(cp.istiod().resources())
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withRunAsUser(ISTIO_UID)
        .withRunAsGroup(ISTIO_UID)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withVolumeMounts(volumeMounts())
        .build();
  }

  /** istiod's environment; user-supplied variables replace ones of the same name. */
  static List<EnvVar> env(ControlPlane cp) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    put(env, value("REVISION", cp.revision()));
    put(env, value("PILOT_CERT_PROVIDER", "istiod"));
    put(env, field("POD_NAME", "metadata.name"));
    put(env, field("POD_NAMESPACE", "metadata.namespace"));
    put(env, field("SERVICE_ACCOUNT", "spec.serviceAccountName"));
    put(env, value("KUBECONFIG", "/var/run/secrets/remote/config"));
    // The node agents istiod's CA trusts to ask for certificates on behalf of their node's pods:
    // ztunnel in istiod's namespace, the chart's default.
    put(env, value("CA_TRUSTED_NODE_ACCOUNTS", cp.namespace() + "/ztunnel"));
    put(env, value("PILOT_TRACE_SAMPLING", formatSampling(cp.traceSampling())));
    put(env, value("PILOT_ENABLE_ANALYSIS", "false"));
    put(env, value("CLUSTER_ID", cp.clusterId()));
    if (!cp.release().has(IstioRelease.Change.ISTIOD_NO_GOMEMLIMIT_ENV)) {
      put(env, resource("GOMEMLIMIT", "limits.memory"));
    }
    put(env, resource("GOMAXPROCS", "limits.cpu"));
    put(env, value("PLATFORM", ""));
    // This operator serves sidecar injection itself: istiod must neither serve it nor patch any
    // MutatingWebhookConfiguration, or the two would fight over the webhook's caBundle.
    put(env, value("INJECT_ENABLED", "false"));
    put(env, value("INJECTION_WEBHOOK_CONFIG_NAME", ""));
    // Gateway API gateways of class istio are deployed by the operator (KubeGatewayModel), whose
    // webhook injects them: istiod's deployment controller would need the kube-gateway template,
    // which istiod loads only with its own injection on. Its status controller stays on.
    put(env, value("PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER", "false"));
    // istiod keeps the caBundle of its own validating webhook up to date.
    put(env, value("VALIDATION_WEBHOOK_CONFIG_NAME", MeshNames.validatingWebhook(cp)));
    cp.istiod().env().forEach(e -> put(env, e));
    return new ArrayList<>(env.values());
  }

  private static String formatSampling(double sampling) {
    return sampling == Math.rint(sampling)
        ? String.valueOf((long) sampling)
        : String.format(Locale.ROOT, "%s", sampling);
  }

  private static void put(Map<String, EnvVar> env, EnvVar var) {
    env.put(var.getName(), var);
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withApiVersion("v1")
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar resource(String name, String resource) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewResourceFieldRef()
        .withResource(resource)
        .withDivisor(new Quantity("1"))
        .endResourceFieldRef()
        .endValueFrom()
        .build();
  }

  private static List<Volume> volumes() {
    return List.of(
        new VolumeBuilder()
            .withName("local-certs")
            .withNewEmptyDir()
            .withMedium("Memory")
            .endEmptyDir()
            .build(),
        new VolumeBuilder()
            .withName("istio-token")
            .withNewProjected()
            .addNewSource()
            .withNewServiceAccountToken()
            .withAudience("istio-ca")
            .withExpirationSeconds(43200L)
            .withPath("istio-token")
            .endServiceAccountToken()
            .endSource()
            .endProjected()
            .build(),
        new VolumeBuilder()
            .withName("cacerts")
            .withNewSecret()
            .withSecretName("cacerts")
            .withOptional(true)
            .endSecret()
            .build(),
        new VolumeBuilder()
            .withName("istio-kubeconfig")
            .withNewSecret()
            .withSecretName("istio-kubeconfig")
            .withOptional(true)
            .endSecret()
            .build(),
        new VolumeBuilder()
            .withName("istio-csr-dns-cert")
            .withNewSecret()
            .withSecretName("istiod-tls")
            .withOptional(true)
            .endSecret()
            .build(),
        new VolumeBuilder()
            .withName("istio-csr-ca-configmap")
            .withNewConfigMap()
            .withName("istio-ca-root-cert")
            .withDefaultMode(420)
            .withOptional(true)
            .endConfigMap()
            .build());
  }

  private static List<VolumeMount> volumeMounts() {
    return List.of(
        mount("istio-token", "/var/run/secrets/tokens", true),
        mount("local-certs", "/var/run/secrets/istio-dns", false),
        mount("cacerts", "/etc/cacerts", true),
        mount("istio-kubeconfig", "/var/run/secrets/remote", true),
        mount("istio-csr-dns-cert", "/var/run/secrets/istiod/tls", true),
        mount("istio-csr-ca-configmap", "/var/run/secrets/istiod/ca", true));
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? true : null)
        .build();
  }

  /** The {@code istiod[-rev]} Service: xDS, DNS certificates, validation webhook, metrics. */
  public static Service service(ControlPlane cp) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiod(cp))
        .withNamespace(cp.namespace())
        .withLabels(labels(cp))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector(cp))
        .addNewPort()
        .withName("grpc-xds")
        .withPort(XDS_PORT)
        .withTargetPort(new IntOrString(XDS_PORT))
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("https-dns")
        .withPort(XDS_TLS_PORT)
        .withTargetPort(new IntOrString(XDS_TLS_PORT))
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("https-webhook")
        .withPort(443)
        .withTargetPort(new IntOrString(WEBHOOK_PORT))
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("http-monitoring")
        .withPort(MONITORING_PORT)
        .withTargetPort(new IntOrString(MONITORING_PORT))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** Whether istiod gets a HorizontalPodAutoscaler. */
  public static boolean autoscaled(ControlPlane cp) {
    return cp.istiodEnabled() && cp.istiod().autoscaling();
  }

  public static HorizontalPodAutoscaler autoscaler(ControlPlane cp) {
    var istiod = cp.istiod();
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiod(cp))
        .withNamespace(cp.namespace())
        .withLabels(labels(cp))
        .endMetadata()
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(MeshNames.istiod(cp))
        .endScaleTargetRef()
        .withMinReplicas(istiod.minReplicas())
        .withMaxReplicas(istiod.maxReplicas())
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(istiod.targetCpu())
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }

  /**
   * Whether istiod gets a PodDisruptionBudget: only with more than one replica, because
   * minAvailable 1 over a single replica blocks every node drain.
   */
  public static boolean disruptionBudgeted(ControlPlane cp) {
    return cp.istiodEnabled()
        && cp.istiod().podDisruptionBudget()
        && cp.istiod().minimumReplicas() > 1;
  }

  public static PodDisruptionBudget disruptionBudget(ControlPlane cp) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiod(cp))
        .withNamespace(cp.namespace())
        .withLabels(labels(cp))
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(selector(cp))
        .endSelector()
        .endSpec()
        .build();
  }

  /**
   * The ValidatingWebhookConfiguration for Istio config, served by istiod. caBundle and
   * failurePolicy are left out on purpose: istiod patches them once it is serving, and the operator
   * must not fight it over those fields.
   */
  public static ValidatingWebhookConfiguration validatingWebhook(ControlPlane cp) {
    List<ValidatingWebhook> hooks = new ArrayList<>();
    hooks.add(validatingWebhook(cp, "rev.validation.istio.io", "In", List.of(cp.revision())));
    if (cp.isDefaultRevision()) {
      // Config without an istio.io/rev label belongs to the default revision.
      hooks.add(validatingWebhook(cp, "validation.istio.io", "DoesNotExist", List.of()));
    }
    return new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(MeshNames.validatingWebhook(cp))
        .withLabels(MeshLabels.of(cp, COMPONENT, Map.of("app", "istiod", "istio", "istiod")))
        .endMetadata()
        .withWebhooks(hooks)
        .build();
  }

  private static ValidatingWebhook validatingWebhook(
      ControlPlane cp, String name, String operator, List<String> values) {
    return new ValidatingWebhookBuilder()
        .withName(name)
        .withNewClientConfig()
        .withNewService()
        .withName(MeshNames.istiod(cp))
        .withNamespace(cp.namespace())
        .withPath("/validate")
        .withPort(443)
        .endService()
        .endClientConfig()
        .addNewRule()
        .withOperations("CREATE", "UPDATE")
        .withApiGroups(
            "security.istio.io", "networking.istio.io", "telemetry.istio.io", "extensions.istio.io")
        .withApiVersions("*")
        .withResources("*")
        .endRule()
        .withSideEffects("None")
        .withAdmissionReviewVersions("v1")
        .withNewObjectSelector()
        .addNewMatchExpression()
        .withKey(MeshLabels.ISTIO_REV)
        .withOperator(operator)
        .withValues(values.isEmpty() ? null : values)
        .endMatchExpression()
        .endObjectSelector()
        .build();
  }
}
