package dev.meshoperator.api.v1alpha1;

import static dev.meshoperator.api.v1alpha1.SchemaTypes.DNS_LABEL;
import static dev.meshoperator.api.v1alpha1.SchemaTypes.LABEL_VALUE;
import static dev.meshoperator.api.v1alpha1.SchemaTypes.QUALIFIED_KEY_CEL;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * One ingress or egress gateway of a control plane (an entry of {@code spec.gateways}). An entry
 * whose name is one of the profile's gateways changes only the fields it sets; {@code enabled:
 * false} removes it; other names add gateways. Unset fields take the defaults of the gateway's type
 * (Istio's ingress and egress gateway values) and profile.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewaySpec {

  /**
   * Most gateways one control plane may declare: every CEL rule of an entry costs once per item.
   */
  public static final int MAX_GATEWAYS = 8;

  @JsonPropertyDescription(
      "Name of the gateway's Deployment, Service, ServiceAccount and RoleBinding (a DNS label"
          + " starting with a letter, at most 63). The profile's gateways are"
          + " istio-ingressgateway and istio-egressgateway (with -<revision> for a non-default"
          + " revision).")
  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  public String name;

  @JsonPropertyDescription(
      "ingress (Service LoadBalancer, status-port 15021, http2 80 and https 443) or egress"
          + " (Service ClusterIP, http2 80 and https 443). Default: the profile gateway's of the"
          + " same name, otherwise ingress.")
  public Type type;

  @JsonPropertyDescription("Run this gateway. Default true; false removes a profile gateway.")
  public Boolean enabled;

  @JsonPropertyDescription(
      "Namespace of the gateway (created if missing). Default: the control plane's. Not the"
          + " operator's namespace nor a system namespace (the injection webhook never sees"
          + " them).")
  @Size(max = 63)
  @Pattern(DNS_LABEL)
  public String namespace;

  @JsonPropertyDescription("Replicas when autoscaling is off, 0-1000. Default 1.")
  @Min(0)
  @Max(IstiodSpec.MAX_REPLICAS)
  public Integer replicas;

  @JsonPropertyDescription(
      "Horizontal pod autoscaling (default profile: on, 1-5 replicas at 80% CPU; demo: off).")
  public IstiodSpec.AutoscalingSpec autoscaling;

  @JsonPropertyDescription(
      "PodDisruptionBudget (minAvailable 1), created only when the gateway runs more than one"
          + " replica.")
  public IstiodSpec.PodDisruptionBudgetSpec podDisruptionBudget;

  @JsonPropertyDescription(
      "Resources of istio-proxy. Default requests 100m/128Mi, limits 2/1Gi (demo: requests"
          + " 10m/40Mi).")
  @SchemaFrom(type = SchemaTypes.ItemResources.class)
  public ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the gateway's pods must match (at most 64).")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(k, " + QUALIFIED_KEY_CEL + ")",
      message =
          "gateways[].nodeSelector keys must be label keys: an optional DNS-subdomain prefix and"
              + " /, then a name of at most 63 alphanumerics, -, _ or .")
  public Map<String, @Size(max = 63) @Pattern(LABEL_VALUE) String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the gateway's pods (at most 32).")
  @Size(max = 32)
  @SchemaFrom(type = SchemaTypes.TolerationList.class)
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Scheduling affinity of the gateway's pods.")
  @SchemaFrom(type = SchemaTypes.AffinitySchema.class)
  public Affinity affinity;

  @JsonPropertyDescription(
      "Labels of the gateway's pods, also its Deployment's and Service's selector (at most 16)."
          + " Default app: <name>, istio: <name without istio->, so istio-ingressgateway keeps"
          + " Istio's app: istio-ingressgateway, istio: ingressgateway that Gateway objects"
          + " select. Set labels replace the default set.")
  @Size(max = 16)
  @ValidationRule(
      value = "self.all(k, " + QUALIFIED_KEY_CEL + ")",
      message =
          "gateways[].labels keys must be label keys: an optional DNS-subdomain prefix and /,"
              + " then a name of at most 63 alphanumerics, -, _ or .")
  public Map<String, @Size(max = 63) @Pattern(LABEL_VALUE) String> labels;

  @JsonPropertyDescription("The gateway's Service.")
  public GatewayServiceSpec service;

  /** Ingress or egress. */
  public enum Type {
    @JsonProperty("ingress")
    INGRESS,
    @JsonProperty("egress")
    EGRESS
  }

  /** The Service in front of a gateway. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "!has(self.externalTrafficPolicy) || self.externalTrafficPolicy == 'Cluster'"
              + " || !has(self.type) || self.type != 'ClusterIP'",
      message = "service.externalTrafficPolicy Local needs type LoadBalancer or NodePort")
  public static class GatewayServiceSpec {
    @JsonPropertyDescription("Default: LoadBalancer for ingress, ClusterIP for egress.")
    public ServiceType type;

    @JsonPropertyDescription(
        "Ports (at most 32, names unique). Set ports replace the defaults: keep status-port"
            + " 15021 on ingress gateways, load balancers health-check it.")
    @Size(max = 32)
    @ValidationRule(
        value = "self.all(p, self.exists_one(q, q.name == p.name))",
        message = "service.ports names must be unique")
    @ValidationRule(
        value = "self.all(p, self.exists_one(q, q.port == p.port))",
        message = "service.ports port numbers must be unique")
    public List<GatewayPort> ports;

    @JsonPropertyDescription("Annotations of the Service (at most 64), e.g. for a cloud LB.")
    @Size(max = 64)
    @ValidationRule(
        value = "self.all(k, " + QUALIFIED_KEY_CEL + ")",
        message =
            "service.annotations keys must be annotation keys: an optional DNS-subdomain prefix"
                + " and /, then a name of at most 63 alphanumerics, -, _ or .")
    public Map<String, @Size(max = 4096) String> annotations;

    @JsonPropertyDescription("Cluster or Local (keeps client source IPs). Default: Kubernetes'.")
    public ExternalTrafficPolicy externalTrafficPolicy;
  }

  /** One Service port. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class GatewayPort {
    @JsonPropertyDescription(
        "Port name (an IANA service name, at most 15), e.g. http2, https, status-port.")
    @Required
    @Size(min = 1, max = 15)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    public String name;

    @JsonPropertyDescription("Service port, 1-65535.")
    @Required
    @Min(1)
    @Max(65535)
    public Integer port;

    @JsonPropertyDescription("Container port Envoy listens on, 1-65535. Default: port.")
    @Min(1)
    @Max(65535)
    public Integer targetPort;

    @JsonPropertyDescription("Node port for NodePort and LoadBalancer Services, 30000-32767.")
    @Min(30000)
    @Max(32767)
    public Integer nodePort;

    @JsonPropertyDescription("TCP (default), UDP or SCTP.")
    public Protocol protocol;
  }

  /** Service types a gateway may have. */
  public enum ServiceType {
    LoadBalancer,
    NodePort,
    ClusterIP
  }

  /** Service externalTrafficPolicy. */
  public enum ExternalTrafficPolicy {
    Cluster,
    Local
  }

  /** Port protocols. */
  public enum Protocol {
    TCP,
    UDP,
    SCTP
  }
}
