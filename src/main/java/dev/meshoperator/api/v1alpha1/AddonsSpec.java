package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * The observability addons of a control plane (Prometheus, Grafana, Kiali, Jaeger), deployed into
 * its namespace and configured to work with each other and the mesh. Unset fields take the
 * profile's defaults (demo: all on; other profiles: all off).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AddonsSpec {

  /**
   * A Prometheus duration of one unit, e.g. 6h, 15d, 2w. At most 4 digits and no years, so the
   * longest (9999w, 191 years) still fits Prometheus' int64 nanoseconds.
   */
  public static final String DURATION = "^[1-9][0-9]{0,3}(ms|s|m|h|d|w)$";

  /** The CEL check of a non-negative quantity string. */
  static final String QUANTITY_RULE = "isQuantity(self) && !self.startsWith('-')";

  @JsonPropertyDescription(
      "Prometheus (Service prometheus:9090): scrapes istiod, the gateways and every injected pod.")
  public PrometheusAddon prometheus;

  @JsonPropertyDescription(
      "Grafana (Service grafana:3000) with Prometheus and Jaeger as datasources and mesh"
          + " dashboards.")
  public Addon grafana;

  @JsonPropertyDescription(
      "Kiali (Service kiali:20001), view-only, pointing at Prometheus, Grafana, Jaeger and istiod.")
  public Addon kiali;

  @JsonPropertyDescription(
      "Jaeger (Services tracing:80 for the UI and jaeger-collector for OTLP 4317/4318 and Zipkin"
          + " 9411); when on, the mesh config gets a tracing provider for it.")
  public JaegerAddon jaeger;

  /** What every addon has. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Addon {
    @JsonPropertyDescription("Deploy this addon. Default: true for the demo profile, else false.")
    public Boolean enabled;

    @JsonPropertyDescription("Full image reference overriding the pinned default.")
    @Size(max = 512)
    @Pattern(SchemaTypes.IMAGE)
    public String image;

    @JsonPropertyDescription("Compute resources of the addon's container.")
    @SchemaFrom(type = SchemaTypes.Resources.class)
    public ResourceRequirements resources;
  }

  /** Prometheus, with its storage basics. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusAddon extends Addon {
    @JsonPropertyDescription(
        "How long samples are kept (--storage.tsdb.retention.time), e.g. 6h, 15d. Default 6h.")
    @Size(max = 16)
    @Pattern(DURATION)
    public String retention;

    @JsonPropertyDescription(
        "Size limit of the emptyDir holding the samples, a quantity such as 1Gi. Default 1Gi."
            + " Prometheus is told to keep 80% of it (--storage.tsdb.retention.size), so it"
            + " deletes old blocks before the kubelet would evict the pod.")
    @Size(max = 32)
    @ValidationRule(
        value = QUANTITY_RULE,
        message = "addons.prometheus.storageSize must be a non-negative quantity such as 1Gi")
    public String storageSize;
  }

  /** Jaeger, with its in-memory storage bound. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class JaegerAddon extends Addon {
    @JsonPropertyDescription(
        "Traces kept in memory (Jaeger's memory storage, max_traces), 1-10000000. Default 50000."
            + " Older traces are dropped; size the memory limit accordingly.")
    @Min(1)
    @Max(10_000_000)
    public Integer maxTraces;
  }
}
