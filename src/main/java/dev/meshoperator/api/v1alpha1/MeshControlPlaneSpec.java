package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * Desired state of a {@link MeshControlPlane}. Defaults live in the CRD schema ({@code @Default})
 * and, for objects stored before a default existed, in {@code ControlPlane}; fields here have no
 * Java initializers, because a freshly constructed object (for example the one JOSDK applies to add
 * its finalizer) must not claim and overwrite the user's values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = LenientSpecDeserializer.class)
@JsonSerialize(using = LenientSpecSerializer.class)
public class MeshControlPlaneSpec {

  @JsonPropertyDescription(
      "Istio release to run, e.g. 1.30.3. Unsupported versions and downgrades by more than one"
          + " minor release are refused with a Reconciled=False condition that says why.")
  @Default(IstioVersions.DEFAULT)
  @Pattern("^[0-9]+\\.[0-9]+\\.[0-9]+$")
  public String version;

  @JsonPropertyDescription(
      "Installation profile: default (istiod + ingress gateway), demo (default + egress gateway,"
          + " access logs, full trace sampling, small requests, addons), minimal (istiod only),"
          + " empty (nothing unless enabled). Explicit fields override the profile's defaults.")
  @Default("default")
  public Profile profile;

  @JsonPropertyDescription(
      "Namespace the control plane runs in (istiod, its ConfigMap and Secrets, gateways and"
          + " addons by default). Created if missing, never deleted. Immutable. Not the operator's"
          + " own namespace.")
  @Default("istio-system")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  // On the field, not the spec: the apiserver (1.35) estimates a spec-level
  // oldSelf.namespace == self.namespace at over 100x the CEL cost budget and refuses the CRD.
  // The default keeps the field present, so removing it cannot dodge the rule.
  @ValidationRule(
      value = "self == oldSelf",
      message =
          "spec.namespace is immutable: create another MeshControlPlane for a control plane in"
              + " another namespace")
  public String namespace;

  @JsonPropertyDescription("Registry of the Istio images.")
  @Default("docker.io/istio")
  public String hub;

  @JsonPropertyDescription("Tag of the Istio images. Defaults to the version.")
  public String tag;

  @JsonPropertyDescription(
      "Names of Secrets in each workload's namespace used to pull Istio images (istiod, gateways,"
          + " injected sidecars).")
  public List<String> imagePullSecrets;

  @JsonPropertyDescription("Cluster ID reported by istiod and the proxies. Default Kubernetes.")
  @Default("Kubernetes")
  public String clusterId;

  @JsonPropertyDescription(
      "Istio's MeshConfig (accessLogFile, enableTracing, outboundTrafficPolicy, defaultConfig,"
          + " extensionProviders, trustDomain, ...), rendered into the istio[-revision] ConfigMap"
          + " over the profile's defaults. Free-form: unknown fields are kept as they are.")
  @PreserveUnknownFields
  @SchemaFrom(type = MeshConfigSchema.class)
  public Map<String, Object> meshConfig;

  @JsonPropertyDescription("The istiod deployment.")
  public IstiodSpec istiod;

  @JsonPropertyDescription(
      "Observability addons (Prometheus, Grafana, Kiali, Jaeger) in the control plane's"
          + " namespace. Default: all on for the demo profile, off otherwise.")
  public AddonsSpec addons;

  @JsonPropertyDescription("Sidecar defaults used when injecting workloads of this revision.")
  public ProxySpec proxy;

  @JsonPropertyDescription("When and how the operator injects sidecars for this revision.")
  public InjectionSpec injection;

  @JsonPropertyDescription(
      "Ingress and egress gateways (at most 8, names unique). The profile's gateways (default:"
          + " istio-ingressgateway; demo: istio-ingressgateway and istio-egressgateway; minimal"
          + " and empty: none) are kept unless listed: an entry with a profile gateway's name"
          + " changes only the fields it sets, enabled: false removes it, other names add"
          + " gateways.")
  @Size(max = GatewaySpec.MAX_GATEWAYS)
  @ValidationRule(
      value = "self.all(g, self.exists_one(h, h.name == g.name))",
      message = "spec.gateways names must be unique")
  public List<GatewaySpec> gateways;

  @JsonPropertyDescription(
      "Who signs workload certificates. istiod: istiod's self-signed root (Istio's default)."
          + " operator: an operator-managed root and intermediate, written to the cacerts Secret"
          + " istiod reads, with the intermediate rotated before it expires.")
  @Default("istiod")
  public CertificateAuthority certificateAuthority;

  @JsonPropertyDescription(
      "Delete Istio's CRDs (and with them all Istio configuration in the cluster) when this"
          + " MeshControlPlane is deleted. Off by default: users' Istio config lives in them.")
  @Default("false")
  public Boolean purgeIstioCrdsOnDelete;

  /** Why the stored spec could not be read, or null: set only by the lenient deserializer. */
  @JsonIgnore String invalid;

  /** The unreadable spec as stored (written back unchanged by {@link LenientSpecSerializer}). */
  @JsonIgnore JsonNode raw;

  /** Why this spec could not be read (the field and the problem), or null when it was read. */
  public String invalid() {
    return invalid;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public Profile getProfile() {
    return profile;
  }

  public void setProfile(Profile profile) {
    this.profile = profile;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getHub() {
    return hub;
  }

  public void setHub(String hub) {
    this.hub = hub;
  }

  public String getTag() {
    return tag;
  }

  public void setTag(String tag) {
    this.tag = tag;
  }

  /** The mesh's certificate authority. */
  public enum CertificateAuthority {
    @com.fasterxml.jackson.annotation.JsonProperty("istiod")
    ISTIOD,
    @com.fasterxml.jackson.annotation.JsonProperty("operator")
    OPERATOR
  }

  /** The plain bean reading, used by {@link LenientSpecDeserializer} itself. */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonSerialize(using = JsonSerializer.None.class)
  static final class Strict extends MeshControlPlaneSpec {}
}
