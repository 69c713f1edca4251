package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.GatewaySpec;
import dev.meshoperator.api.v1alpha1.GatewaySpec.ExternalTrafficPolicy;
import dev.meshoperator.api.v1alpha1.GatewaySpec.GatewayPort;
import dev.meshoperator.api.v1alpha1.GatewaySpec.GatewayServiceSpec;
import dev.meshoperator.api.v1alpha1.GatewaySpec.ServiceType;
import dev.meshoperator.api.v1alpha1.GatewaySpec.Type;
import dev.meshoperator.api.v1alpha1.IstiodSpec;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.Profile;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateways of one control plane, resolved: the profile's gateways with {@code spec.gateways}
 * laid over them. The merge rule, by name: an entry naming a profile gateway changes only the
 * fields it sets (lists and maps it sets replace the profile's whole), {@code enabled: false}
 * removes it, and an entry with another name adds a gateway with its type's defaults. Pure.
 */
public final class Gateways {

  /** The profile's ingress gateway (Istio's name; {@code -<rev>} for other revisions). */
  public static final String INGRESS = "istio-ingressgateway";

  /** The profile's egress gateway. */
  public static final String EGRESS = "istio-egressgateway";

  private Gateways() {}

  /** One Service port. */
  public record Port(String name, int port, int targetPort, Integer nodePort, String protocol) {}

  /** One resolved gateway. */
  public record Gateway(
      String name,
      Type type,
      String namespace,
      int replicas,
      boolean autoscaling,
      int minReplicas,
      int maxReplicas,
      int targetCpu,
      boolean podDisruptionBudget,
      ResourceRequirements resources,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations,
      Affinity affinity,
      Map<String, String> labels,
      ServiceType serviceType,
      List<Port> ports,
      Map<String, String> serviceAnnotations,
      ExternalTrafficPolicy externalTrafficPolicy) {

    /** The replica count a PodDisruptionBudget has to protect. */
    public int minimumReplicas() {
      return autoscaling ? minReplicas : replicas;
    }

    public String typeName() {
      return type == Type.EGRESS ? "egress" : "ingress";
    }
  }

  /** The enabled gateways of {@code cr}, profile gateways first, then added ones in spec order. */
  public static List<Gateway> of(MeshControlPlane cr) {
    ControlPlane cp = ControlPlane.of(cr);
    Profile profile =
        cr.getSpec() == null || cr.getSpec().profile == null
            ? Profile.DEFAULT
            : cr.getSpec().profile;
    List<GatewaySpec> spec =
        cr.getSpec() == null || cr.getSpec().gateways == null ? List.of() : cr.getSpec().gateways;
    return of(cp, profile, spec);
  }

  static List<Gateway> of(ControlPlane cp, Profile profile, List<GatewaySpec> spec) {
    boolean demo = profile == Profile.DEMO;
    Map<String, Base> bases = new LinkedHashMap<>();
    var defaults = Profiles.of(profile);
    if (defaults.ingressGateway()) {
      bases.put(cp.revisioned(INGRESS), new Base(Type.INGRESS, demo));
    }
    if (defaults.egressGateway()) {
      bases.put(cp.revisioned(EGRESS), new Base(Type.EGRESS, demo));
    }
    Map<String, GatewaySpec> overrides = new LinkedHashMap<>();
    for (GatewaySpec g : spec) {
      if (g != null && g.name != null) {
        overrides.putIfAbsent(g.name, g);
      }
    }
    List<Gateway> out = new ArrayList<>();
    bases.forEach((name, base) -> resolve(cp, name, base, overrides.get(name), out));
    overrides.forEach(
        (name, g) -> {
          if (!bases.containsKey(name)) {
            resolve(cp, name, new Base(g.type == null ? Type.INGRESS : g.type, demo), g, out);
          }
        });
    return List.copyOf(out);
  }

  /** What a gateway is before the spec's entry: its type and whether the profile is demo. */
  private record Base(Type type, boolean demo) {}

  private static void resolve(
      ControlPlane cp, String name, Base base, GatewaySpec g, List<Gateway> out) {
    GatewaySpec s = g == null ? new GatewaySpec() : g;
    if (Boolean.FALSE.equals(s.enabled)) {
      return;
    }
    Type type = s.type != null ? s.type : base.type();
    boolean ingress = type == Type.INGRESS;
    var auto = s.autoscaling == null ? new IstiodSpec.AutoscalingSpec() : s.autoscaling;
    int min = orElse(auto.minReplicas, 1);
    GatewayServiceSpec svc = s.service == null ? new GatewayServiceSpec() : s.service;
    out.add(
        new Gateway(
            name,
            type,
            blank(s.namespace) ? cp.namespace() : s.namespace,
            orElse(s.replicas, 1),
            // Istio's profiles: autoscaling on (1-5 at 80%), off in demo.
            orElse(auto.enabled, !base.demo()),
            min,
            Math.max(min, orElse(auto.maxReplicas, 5)),
            orElse(auto.targetCPUUtilizationPercentage, 80),
            s.podDisruptionBudget == null || !Boolean.FALSE.equals(s.podDisruptionBudget.enabled),
            s.resources != null ? s.resources : resources(base.demo()),
            s.nodeSelector == null ? Map.of() : Map.copyOf(s.nodeSelector),
            s.tolerations == null ? List.of() : s.tolerations,
            s.affinity,
            s.labels == null || s.labels.isEmpty()
                ? defaultLabels(name)
                : new LinkedHashMap<>(s.labels),
            svc.type != null
                ? svc.type
                : ingress ? ServiceType.LoadBalancer : ServiceType.ClusterIP,
            svc.ports != null && !svc.ports.isEmpty()
                ? svc.ports.stream().map(Gateways::port).toList()
                : defaultPorts(ingress, base.demo()),
            svc.annotations == null ? Map.of() : new LinkedHashMap<>(svc.annotations),
            svc.externalTrafficPolicy));
  }

  /**
   * As Istio's gateway chart: {@code app: <name>}, {@code istio: <name without "istio-">}. For
   * {@code istio-ingressgateway} that is Istio's {@code istio: ingressgateway}, which Gateway
   * objects select. A non-default revision's profile gateway keeps the unrevisioned selector value,
   * so the same Gateway objects select it during a canary upgrade.
   */
  static Map<String, String> defaultLabels(String name) {
    String base = name;
    for (String known : List.of(INGRESS, EGRESS)) {
      if (name.startsWith(known + "-")) {
        base = known;
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", base);
    labels.put("istio", base.startsWith("istio-") ? base.substring("istio-".length()) : base);
    return labels;
  }

  /** Istio's profile ports: envoy listens on 8080/8443 behind 80/443. */
  static List<Port> defaultPorts(boolean ingress, boolean demo) {
    List<Port> ports = new ArrayList<>();
    if (ingress) {
      ports.add(new Port("status-port", 15021, 15021, null, "TCP"));
    }
    ports.add(new Port("http2", 80, 8080, null, "TCP"));
    ports.add(new Port("https", 443, 8443, null, "TCP"));
    if (ingress && demo) {
      ports.add(new Port("tcp", 31400, 31400, null, "TCP"));
      ports.add(new Port("tls", 15443, 15443, null, "TCP"));
    }
    return List.copyOf(ports);
  }

  /** Istio's gateway resources, as its values write them: 100m/128Mi, limits 2000m/1024Mi. */
  static ResourceRequirements resources(boolean demo) {
    return new ResourceRequirementsBuilder()
        .withRequests(
            Map.of(
                "cpu", new Quantity(demo ? "10m" : "100m"),
                "memory", new Quantity(demo ? "40Mi" : "128Mi")))
        .withLimits(Map.of("cpu", new Quantity("2000m"), "memory", new Quantity("1024Mi")))
        .build();
  }

  /**
   * A gateway in the operator's namespace or a system namespace would never be injected (the
   * webhook never sees those namespaces) and keep its placeholder image: the message refusing it.
   */
  public static java.util.Optional<String> namespaceProblem(
      List<Gateway> gateways, String operatorNamespace) {
    for (Gateway g : gateways) {
      if (g.namespace().equals(operatorNamespace)
          || MutatingWebhookModel.isSystemNamespace(g.namespace())) {
        return java.util.Optional.of(
            "spec.gateways["
                + g.name()
                + "].namespace "
                + g.namespace()
                + " is the operator's or a system namespace, which the injection webhook never"
                + " sees: the gateway's pods would not be injected");
      }
    }
    return java.util.Optional.empty();
  }

  /** A non-negative Kubernetes quantity: 500m, 2, 128Mi, 1e9, +1. */
  private static final java.util.regex.Pattern QUANTITY =
      java.util.regex.Pattern.compile(
          "^\\+?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE]\\+?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$");

  /**
   * The first gateway resource quantity that is not a non-negative quantity, as a message naming
   * the field. The CRD cannot check these with CEL (see {@code SchemaTypes.ItemResources}), so the
   * reconciler refuses such a spec before applying anything, rather than the apiserver failing the
   * Deployment on every retry.
   */
  public static java.util.Optional<String> problem(List<GatewaySpec> spec) {
    if (spec == null) {
      return java.util.Optional.empty();
    }
    for (int i = 0; i < spec.size(); i++) {
      GatewaySpec g = spec.get(i);
      if (g == null || g.resources == null) {
        continue;
      }
      for (var kind : List.of("limits", "requests")) {
        Map<String, Quantity> values =
            kind.equals("limits") ? g.resources.getLimits() : g.resources.getRequests();
        if (values == null) {
          continue;
        }
        for (var e : new java.util.TreeMap<>(values).entrySet()) {
          String text = e.getValue() == null ? "" : e.getValue().toString();
          if (!QUANTITY.matcher(text).matches()) {
            return java.util.Optional.of(
                "spec.gateways["
                    + i
                    + "].resources."
                    + kind
                    + "."
                    + e.getKey()
                    + " must be a non-negative quantity such as 500m, 2, 128Mi or 1Gi, not \""
                    + text
                    + "\"");
          }
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static Port port(GatewayPort p) {
    return new Port(
        p.name,
        p.port,
        p.targetPort == null ? p.port : p.targetPort,
        p.nodePort,
        p.protocol == null ? "TCP" : p.protocol.name());
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
