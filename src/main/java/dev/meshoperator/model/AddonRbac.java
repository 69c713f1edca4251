package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The ClusterRole rules of the addons that read the Kubernetes API: Prometheus (service discovery)
 * and Kiali (view-only). Kept to what this project's configuration of them needs, because the
 * operator holds every rule it grants ({@link OperatorRbac}: no {@code escalate}). Grafana and
 * Jaeger read nothing from the API and get no role (and no token).
 */
public final class AddonRbac {

  private static final String CORE = "";
  private static final String[] READ = {"get", "list", "watch"};

  private AddonRbac() {}

  /**
   * Prometheus: every scrape job this project writes uses Kubernetes service discovery with {@code
   * role: pod} (istiod's pods, the gateways, every injected pod), which lists and watches pods and
   * nothing else. No nodes, nodes/metrics or nodes/proxy: cAdvisor and kubelet metrics are not
   * scraped (they are not mesh metrics, and nodes/proxy reaches the kubelet's API).
   */
  public static List<PolicyRule> prometheusRules() {
    return List.of(rule(List.of(CORE), List.of("pods"), READ));
  }

  /**
   * Kiali in view-only mode ({@code deployment.view_only_mode: true}): reads the workloads,
   * Services and Istio config it draws, nothing it could change. Not granted, unlike Kiali's own
   * chart: any write (its edit mode patches workloads and Istio config), {@code pods/portforward}
   * (it reaches every pod's ports, e.g. Envoy's admin API; Kiali's Envoy and proxy-status views
   * need it and are off here), {@code tokenreviews} (only for token login; it runs anonymous) and
   * the OpenShift groups.
   */
  public static List<PolicyRule> kialiRules() {
    return List.of(
        // Namespaces, workloads and their pods, logs and Services: the graph and detail pages.
        rule(
            List.of(CORE),
            List.of(
                "configmaps",
                "endpoints",
                "namespaces",
                "pods",
                "pods/log",
                "replicationcontrollers",
                "services"),
            READ),
        rule(
            List.of("apps"),
            List.of("daemonsets", "deployments", "replicasets", "statefulsets"),
            READ),
        rule(List.of("batch"), List.of("cronjobs", "jobs"), READ),
        // Istio's and the Gateway API's config: what Kiali validates and shows. "*" because Kiali
        // reads every kind of these groups; the operator holds the same reads for istiod.
        rule(
            List.of(
                "networking.istio.io",
                "security.istio.io",
                "extensions.istio.io",
                "telemetry.istio.io",
                "gateway.networking.k8s.io"),
            List.of("*"),
            READ),
        rule(List.of("inference.networking.k8s.io"), List.of("inferencepools"), READ),
        // Which revisions inject which namespaces.
        rule(
            List.of("admissionregistration.k8s.io"),
            List.of("mutatingwebhookconfigurations"),
            READ));
  }

  /** Every rule granted to an addon, without exact duplicates: what the operator must hold. */
  public static List<PolicyRule> all() {
    LinkedHashSet<PolicyRule> rules = new LinkedHashSet<>();
    rules.addAll(prometheusRules());
    rules.addAll(kialiRules());
    return List.copyOf(rules);
  }

  private static PolicyRule rule(List<String> apiGroups, List<String> resources, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(apiGroups)
        .withResources(resources)
        .withVerbs(verbs)
        .build();
  }
}
