package dev.meshoperator.packaging;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.OperatorRbac;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.APIResourceReferenceBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.CRDDescription;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.CRDDescriptionBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersionBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.InstallMode;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.RelatedImage;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.SpecDescriptor;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StatusDescriptor;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDeploymentPermissions;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDeploymentSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's ClusterServiceVersion, as data: pure functions of the inputs, no clock, no files.
 * {@link BundleGenerator} writes it into {@code olm-bundle/}.
 *
 * <p>What comes from where, so nothing is copied by hand that could drift from kustomize:
 *
 * <ul>
 *   <li>{@code install.spec.deployments}: {@link OperatorInstall#deployment} (the same Deployment
 *       kustomize ships).
 *   <li>{@code clusterPermissions}: {@link OperatorRbac#clusterRules()}; {@code permissions}:
 *       {@link OperatorRbac#namespaceRules()} (the Role in the operator's namespace). OLM makes the
 *       bindings to the Deployment's ServiceAccount {@value OperatorRbac#NAME}.
 *   <li>The owned CRD's name, version and kind: the CRD in {@code crds/} (copied into the bundle).
 * </ul>
 *
 * <p>Webhooks: no {@code webhookdefinitions}. With them OLM would create the webhook configuration
 * and its certificate; but the operator creates one MutatingWebhookConfiguration per revision (per
 * MeshControlPlane) at run time, with namespace selectors derived from the CR, and rotates its own
 * CA and serving certificate (the webhook TLS Secret is shared by every replica). So the operator
 * owns its webhooks and certificates, as in the kustomize install.
 */
public final class ClusterServiceVersionModel {

  /** The OLM package. */
  public static final String PACKAGE = "istio-operator";

  /** The one channel, also the default: the API is v1alpha1. */
  public static final String CHANNEL = "alpha";

  /** The namespace OperatorHub suggests; any namespace works (AllNamespaces). */
  public static final String SUGGESTED_NAMESPACE = OperatorRbac.DEFAULT_NAMESPACE;

  /**
   * The oldest Kubernetes the CRD's schema works on: its validation rules use CEL's {@code isCIDR}
   * (Kubernetes 1.31). Tested here on 1.35 only.
   */
  public static final String MIN_KUBE_VERSION = "1.31.0";

  /** Everything the CSV is made from. */
  public record Inputs(
      String version,
      String image,
      Optional<String> replaces,
      String crdName,
      String crdVersion,
      String crdKind,
      String almExamplesJson,
      String description,
      String iconBase64) {}

  private ClusterServiceVersionModel() {}

  /**
   * A CSV's version and name must be lower-case (Kubernetes names are), so a Maven {@code
   * 0.1.0-SNAPSHOT} becomes the semver {@code 0.1.0-snapshot}.
   */
  public static String bundleVersion(String projectVersion) {
    return projectVersion.toLowerCase(Locale.ROOT);
  }

  public static String csvName(String projectVersion) {
    return PACKAGE + ".v" + bundleVersion(projectVersion);
  }

  /** The CSV's {@code clusterPermissions} rules: the ClusterRole {@value OperatorRbac#NAME}. */
  public static List<PolicyRule> clusterPermissionRules() {
    return OperatorRbac.clusterRules();
  }

  /** The CSV's {@code permissions} rules: the Role in the operator's namespace. */
  public static List<PolicyRule> namespacePermissionRules() {
    return OperatorRbac.namespaceRules();
  }

  public static ClusterServiceVersion csv(Inputs in) {
    Deployment deployment = OperatorInstall.deployment(SUGGESTED_NAMESPACE, in.image());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("alm-examples", in.almExamplesJson());
    // Level 2: operand upgrades (spec.version rolls istiod in place, refuses bad downgrades).
    annotations.put("capabilities", "Seamless Upgrades");
    annotations.put("categories", "Networking, Security");
    annotations.put("containerImage", in.image());
    annotations.put("description", "Installs Istio control planes and injects Istio sidecars.");
    annotations.put("operatorframework.io/suggested-namespace", SUGGESTED_NAMESPACE);
    annotations.put("operators.operatorframework.io/builder", "dev.meshoperator.packaging");
    annotations.put("repository", "https://istio.io");
    annotations.put("support", "meshoperator.dev");
    return new ClusterServiceVersionBuilder()
        .withNewMetadata()
        .withName(csvName(in.version()))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withDisplayName("Istio Operator (meshoperator.dev)")
        .withDescription(in.description())
        .withVersion(bundleVersion(in.version()))
        .withReplaces(in.replaces().orElse(null))
        .withMaturity(CHANNEL)
        .withMinKubeVersion(MIN_KUBE_VERSION)
        .withKeywords("istio", "service mesh", "sidecar injection", "envoy", "mtls")
        .addNewMaintainer()
        .withName("meshoperator.dev maintainers")
        .withEmail("maintainers@meshoperator.dev")
        .endMaintainer()
        .addNewLink()
        .withName("Istio")
        .withUrl("https://istio.io")
        .endLink()
        .addNewLink()
        .withName("Istio documentation")
        .withUrl("https://istio.io/latest/docs/")
        .endLink()
        .withNewProvider()
        .withName("meshoperator.dev")
        .endProvider()
        .addNewIcon()
        .withBase64data(in.iconBase64())
        .withMediatype("image/svg+xml")
        .endIcon()
        .withInstallModes(
            new InstallMode(false, "OwnNamespace"),
            new InstallMode(false, "SingleNamespace"),
            new InstallMode(false, "MultiNamespace"),
            new InstallMode(true, "AllNamespaces"))
        .withNewCustomresourcedefinitions()
        .withOwned(ownedCrd(in))
        .endCustomresourcedefinitions()
        .withNewInstall()
        .withStrategy("deployment")
        .withNewSpec()
        .withDeployments(
            new StrategyDeploymentSpec(
                deployment.getMetadata().getLabels(),
                deployment.getMetadata().getName(),
                deployment.getSpec()))
        .withClusterPermissions(
            new StrategyDeploymentPermissions(clusterPermissionRules(), serviceAccount(deployment)))
        .withPermissions(
            new StrategyDeploymentPermissions(
                namespacePermissionRules(), serviceAccount(deployment)))
        .endSpec()
        .endInstall()
        .withRelatedImages(relatedImages(in.image()))
        .endSpec()
        .build();
  }

  /**
   * The operator's image and the images it deploys by default (istiod's {@code pilot}, the injected
   * {@code proxyv2}) for every supported Istio version, so mirroring tools for disconnected
   * clusters find them.
   */
  static List<RelatedImage> relatedImages(String image) {
    List<RelatedImage> images = new ArrayList<>();
    images.add(new RelatedImage(image, "istio-operator"));
    for (String v : IstioVersions.SUPPORTED) {
      String tag = v.replace('.', '-');
      images.add(new RelatedImage(ControlPlane.DEFAULT_HUB + "/pilot:" + v, "pilot-" + tag));
      images.add(new RelatedImage(ControlPlane.DEFAULT_HUB + "/proxyv2:" + v, "proxyv2-" + tag));
    }
    return images;
  }

  private static String serviceAccount(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  private static CRDDescription ownedCrd(Inputs in) {
    return new CRDDescriptionBuilder()
        .withName(in.crdName())
        .withVersion(in.crdVersion())
        .withKind(in.crdKind())
        .withDisplayName("Mesh Control Plane")
        .withDescription(
            "An Istio control plane (istiod and its objects) of one revision, the CR's name;"
                + " cluster-scoped.")
        .withResources(
            resource("Deployment", "v1"),
            resource("Service", "v1"),
            resource("ConfigMap", "v1"),
            resource("ServiceAccount", "v1"),
            resource("HorizontalPodAutoscaler", "v2"),
            resource("PodDisruptionBudget", "v1"),
            resource("MutatingWebhookConfiguration", "v1"),
            resource("ValidatingWebhookConfiguration", "v1"),
            resource("Secret", "v1"))
        .withSpecDescriptors(
            spec("profile", "Profile", "Istio profile: default, demo, minimal or empty.", select()),
            spec("version", "Istio version", "Supported: " + IstioVersions.SUPPORTED + ".", text()),
            spec(
                "namespace",
                "Namespace",
                "Where the control plane runs (immutable; created when missing).",
                "urn:alm:descriptor:io.kubernetes:Namespace"),
            spec("hub", "Image hub", "Registry of istiod's and the proxy's images.", text()),
            spec(
                "istiod.replicas",
                "istiod replicas",
                "istiod's replicas.",
                "urn:alm:descriptor:com.tectonic.ui:podCount"),
            spec(
                "certificateAuthority",
                "Certificate authority",
                "istiod (its own CA) or operator (a mesh CA in cacerts).",
                select()),
            spec(
                "purgeIstioCrdsOnDelete",
                "Purge Istio CRDs on delete",
                "Delete Istio's CRDs when the last control plane goes.",
                "urn:alm:descriptor:com.tectonic.ui:booleanSwitch"))
        .withStatusDescriptors(
            status(
                "conditions",
                "Conditions",
                MeshControlPlaneStatus.RECONCILED + ", " + MeshControlPlaneStatus.READY + ", ...",
                "urn:alm:descriptor:io.kubernetes.conditions"),
            status(
                "version",
                "Running version",
                "The Istio version istiod runs.",
                "urn:alm:descriptor:text"),
            status(
                "revision", "Revision", "The revision (the CR's name).", "urn:alm:descriptor:text"),
            status(
                "webhookCertificateExpiry",
                "Webhook certificate expiry",
                "When the served webhook certificate expires.",
                "urn:alm:descriptor:text"))
        .build();
  }

  private static io.fabric8.openshift.api.model.operatorhub.v1alpha1.APIResourceReference resource(
      String kind, String version) {
    return new APIResourceReferenceBuilder()
        .withKind(kind)
        .withName("")
        .withVersion(version)
        .build();
  }

  private static String text() {
    return "urn:alm:descriptor:com.tectonic.ui:text";
  }

  private static String select() {
    return "urn:alm:descriptor:com.tectonic.ui:select";
  }

  private static SpecDescriptor spec(String path, String name, String description, String xd) {
    SpecDescriptor d = new SpecDescriptor();
    d.setPath(path);
    d.setDisplayName(name);
    d.setDescription(description);
    d.setXDescriptors(List.of(xd));
    return d;
  }

  private static StatusDescriptor status(String path, String name, String description, String xd) {
    StatusDescriptor d = new StatusDescriptor();
    d.setPath(path);
    d.setDisplayName(name);
    d.setDescription(description);
    d.setXDescriptors(List.of(xd));
    return d;
  }
}
