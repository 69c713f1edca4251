package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Observed state of a {@link MeshControlPlane}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MeshControlPlaneStatus {

  public static final String RECONCILED = "Reconciled";
  public static final String READY = "Ready";
  public static final String UPGRADE_IN_PROGRESS = "UpgradeInProgress";
  public static final String INJECTION_READY = "InjectionReady";

  /** Whether Istio's CRDs were installed by the operator or found installed by someone else. */
  public static final String ISTIO_CRDS = "IstioCRDs";

  /** Whether every pod in the namespaces enabled for this revision runs its current sidecar. */
  public static final String SIDECARS_UP_TO_DATE = "SidecarsUpToDate";

  private Long observedGeneration;
  private List<StatusCondition> conditions = new ArrayList<>();
  private String version;
  private String revision;
  private List<ComponentStatus> components = new ArrayList<>();
  private String webhookCertificateExpiry;
  private List<AddonStatus> addons;

  /** The enabled addons: ready or not, and their in-cluster URLs. */
  public List<AddonStatus> getAddons() {
    return addons;
  }

  public void setAddons(List<AddonStatus> addons) {
    this.addons = addons;
  }

  private List<GatewayStatus> gateways = new ArrayList<>();

  private HealthStatus health;

  /** The health report: enabled namespaces and pods needing a restart (bounded). */
  public HealthStatus getHealth() {
    return health;
  }

  public void setHealth(HealthStatus health) {
    this.health = health;
  }

  /** Each enabled gateway: replicas and the Service's addresses. */
  public List<GatewayStatus> getGateways() {
    return gateways;
  }

  public void setGateways(List<GatewayStatus> gateways) {
    this.gateways = gateways;
  }

  /** When the injection webhook's serving certificate expires (it is renewed well before). */
  public String getWebhookCertificateExpiry() {
    return webhookCertificateExpiry;
  }

  public void setWebhookCertificateExpiry(String webhookCertificateExpiry) {
    this.webhookCertificateExpiry = webhookCertificateExpiry;
  }

  public List<ComponentStatus> getComponents() {
    return components;
  }

  public void setComponents(List<ComponentStatus> components) {
    this.components = components;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<StatusCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<StatusCondition> conditions) {
    this.conditions = conditions;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public Optional<StatusCondition> condition(String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MeshControlPlaneStatus s)) {
      return false;
    }
    return Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(version, s.version)
        && Objects.equals(revision, s.revision)
        && Objects.equals(components, s.components)
        && Objects.equals(webhookCertificateExpiry, s.webhookCertificateExpiry)
        && Objects.equals(addons, s.addons)
        && Objects.equals(gateways, s.gateways)
        && Objects.equals(health, s.health);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        conditions,
        version,
        revision,
        components,
        webhookCertificateExpiry,
        addons,
        gateways,
        health);
  }
}
