package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IstiodRbacTest {

  private static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection", "*");
  private static final String[] READ = {"get", "list", "watch"};

  /** Whether any rule grants {@code verb} on {@code group/resource}, honouring wildcards. */
  private static boolean allows(
      List<PolicyRule> rules, String group, String resource, String verb) {
    return rules.stream()
        .anyMatch(
            r ->
                (r.getApiGroups().contains(group) || r.getApiGroups().contains("*"))
                    && (r.getResources().contains(resource) || r.getResources().contains("*"))
                    && (r.getVerbs().contains(verb) || r.getVerbs().contains("*")));
  }

  /** Every verb granted on {@code group/resource}. */
  private static Set<String> verbs(List<PolicyRule> rules, String group, String resource) {
    Set<String> verbs = new TreeSet<>();
    rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .forEach(r -> verbs.addAll(r.getVerbs()));
    return verbs;
  }

  @Test
  void istiodReadsWhatDiscoveryNeeds() {
    var rules = IstiodRbac.istiodClusterRules(IstioRelease.newest());
    for (String resource : List.of("services", "pods", "namespaces", "nodes", "endpoints")) {
      for (String verb : List.of("get", "list", "watch")) {
        assertThat(allows(rules, "", resource, verb)).as(verb + " " + resource).isTrue();
      }
    }
    assertThat(verbs(rules, "discovery.k8s.io", "endpointslices"))
        .containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(verbs(rules, "apiextensions.k8s.io", "customresourcedefinitions"))
        .containsExactlyInAnyOrder("get", "list", "watch");
    for (String group : IstiodRbac.ISTIO_CONFIG_GROUPS) {
      assertThat(allows(rules, group, "virtualservices", "watch")).as(group).isTrue();
    }
    assertThat(allows(rules, "gateway.networking.k8s.io", "httproutes", "list")).isTrue();
  }

  @Test
  void secretsAreGrantedApartAsTheChartHasThem() {
    // istiod's ClusterRole and the reader's read every Secret (gateway SDS, remote secrets).
    assertThat(verbs(IstiodRbac.istiodClusterRules(IstioRelease.newest()), "", "secrets"))
        .isEmpty();
    assertThat(verbs(IstiodRbac.secretsReadRules(), "", "secrets")).containsExactlyInAnyOrder(READ);
    assertThat(IstiodRbac.secretsReadRules())
        .allSatisfy(r -> assertThat(r.getResources()).containsExactly("secrets"));
    assertThat(IstiodRbac.namespaceSecretsRules())
        .allSatisfy(r -> assertThat(r.getResources()).containsExactly("secrets"));
  }

  @Test
  void ingressStatusHasTheVerbsOfAStatusSubresourceNotAWildcard() {
    assertThat(
            verbs(
                IstiodRbac.istiodClusterRules(IstioRelease.newest()),
                "networking.k8s.io",
                "ingresses/status"))
        .containsExactlyInAnyOrder("get", "update", "patch");
  }

  @Test
  void istiodMaintainsTheValidationWebhookButNotTheInjector() {
    var rules = IstiodRbac.istiodClusterRules(IstioRelease.newest());
    // As the chart: istiod updates (never patches) the validating webhook's caBundle.
    assertThat(verbs(rules, "admissionregistration.k8s.io", "validatingwebhookconfigurations"))
        .containsExactlyInAnyOrder("get", "list", "watch", "update");
    // Deviation: the operator owns injection, so istiod may only read the mutating webhook.
    assertThat(verbs(rules, "admissionregistration.k8s.io", "mutatingwebhookconfigurations"))
        .containsExactlyInAnyOrder("get", "list", "watch")
        .doesNotContainAnyElementsOf(WRITE_VERBS);
    assertThat(
            allows(rules, "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "patch"))
        .isFalse();
    assertThat(
            allows(
                rules, "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "update"))
        .isFalse();
  }

  @Test
  void istiodCanReviewTokensAndAccess() {
    var rules = IstiodRbac.istiodClusterRules(IstioRelease.newest());
    assertThat(verbs(rules, "authentication.k8s.io", "tokenreviews")).containsExactly("create");
    assertThat(verbs(rules, "authorization.k8s.io", "subjectaccessreviews"))
        .containsExactly("create");
  }

  @Test
  void istiodWritesOnlyTheStatusAndObjectsItOwns() {
    var rules = IstiodRbac.istiodClusterRules(IstioRelease.newest());
    assertThat(allows(rules, "networking.istio.io", "workloadentries", "create")).isTrue();
    assertThat(allows(rules, "networking.istio.io", "virtualservices", "update")).isFalse();
    assertThat(allows(rules, "", "secrets", "update")).isFalse();
    assertThat(verbs(rules, "", "configmaps"))
        .containsExactlyInAnyOrder("create", "get", "list", "watch", "update");
    assertThat(allows(rules, "gateway.networking.k8s.io", "gateways/status", "patch")).isTrue();
    assertThat(allows(rules, "gateway.networking.k8s.io", "gateways", "update")).isFalse();
    assertThat(verbs(rules, IstiodRbac.MCS_API_GROUP, "serviceexports"))
        .containsExactlyInAnyOrder("get", "watch", "list", "create", "delete");
  }

  @Test
  void csrRulesOnlyWhenKubernetesSignsCertificates() {
    // Chart default pilotCertProvider is istiod: no CSR access.
    assertThat(IstiodRbac.istiodClusterRules(IstioRelease.newest()))
        .noneMatch(r -> r.getApiGroups().contains("certificates.k8s.io"));

    var csr = IstiodRbac.certificateSigningRules(List.of("clusterissuers.istio.io/istio-ca"));
    for (String resource :
        List.of(
            "certificatesigningrequests",
            "certificatesigningrequests/approval",
            "certificatesigningrequests/status")) {
      assertThat(verbs(csr, "certificates.k8s.io", resource))
          .as(resource)
          .containsExactlyInAnyOrder("update", "create", "get", "delete", "watch");
    }
    var approve =
        csr.stream().filter(r -> r.getResources().contains("signers")).findFirst().orElseThrow();
    assertThat(approve.getVerbs()).containsExactly("approve");
    assertThat(approve.getResourceNames()).containsExactly("clusterissuers.istio.io/istio-ca");
    assertThatThrownBy(() -> IstiodRbac.certificateSigningRules(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gatewayControllerManagesGatewayDeployments() {
    var rules = IstiodRbac.gatewayControllerClusterRules();
    for (String[] gr :
        List.of(
            new String[] {"apps", "deployments"},
            new String[] {"autoscaling", "horizontalpodautoscalers"},
            new String[] {"policy", "poddisruptionbudgets"},
            new String[] {"", "services"},
            new String[] {"", "serviceaccounts"})) {
      assertThat(verbs(rules, gr[0], gr[1]))
          .as(gr[1])
          .containsExactlyInAnyOrder("get", "watch", "list", "update", "patch", "create", "delete");
    }
    assertThat(allows(rules, "", "secrets", "get")).isFalse();
  }

  @Test
  void readerIsReadOnlyApartFromReviewsAndServiceExports() {
    var rules = IstiodRbac.readerClusterRules(IstioRelease.newest());
    for (String resource :
        List.of("pods", "services", "nodes", "namespaces", "configmaps", "endpoints")) {
      assertThat(verbs(rules, "", resource)).as(resource).containsExactlyInAnyOrder(READ);
    }
    // The chart's read on Secrets is granted through a static ClusterRole (secretsReadRules).
    assertThat(verbs(rules, "", "secrets")).isEmpty();
    assertThat(verbs(rules, "discovery.k8s.io", "endpointslices")).containsExactlyInAnyOrder(READ);
    assertThat(allows(rules, "security.istio.io", "authorizationpolicies", "list")).isTrue();
    assertThat(verbs(rules, "authentication.k8s.io", "tokenreviews")).containsExactly("create");
    assertThat(verbs(rules, "authorization.k8s.io", "subjectaccessreviews"))
        .containsExactly("create");
    for (PolicyRule r : rules) {
      boolean writes = r.getVerbs().stream().anyMatch(WRITE_VERBS::contains);
      if (writes) {
        assertThat(r.getResources())
            .as(r.toString())
            .isSubsetOf("tokenreviews", "subjectaccessreviews", "serviceexports");
      }
    }
    assertThat(rules).noneMatch(r -> r.getResources().contains("mutatingwebhookconfigurations"));
  }

  @Test
  void namespaceRoleCoversConfigmapsLeasesAndGateways() {
    var rules = IstiodRbac.istiodNamespaceRules();
    // The CA's Secrets: namespaceSecretsRules, through a static ClusterRole.
    assertThat(verbs(rules, "", "secrets")).isEmpty();
    assertThat(verbs(IstiodRbac.namespaceSecretsRules(), "", "secrets"))
        .containsExactlyInAnyOrder("create", "get", "watch", "list", "update", "delete");
    assertThat(verbs(rules, "", "configmaps")).containsExactly("delete");
    assertThat(verbs(rules, "coordination.k8s.io", "leases"))
        .containsExactlyInAnyOrder("get", "update", "patch", "create");
    assertThat(verbs(rules, "networking.istio.io", "gateways")).containsExactly("create");
  }

  @Test
  void everyRuleIsWellFormed() {
    for (List<PolicyRule> rules :
        List.of(
            IstiodRbac.istiodClusterRules(IstioRelease.newest()),
            IstiodRbac.gatewayControllerClusterRules(),
            IstiodRbac.readerClusterRules(IstioRelease.newest()),
            IstiodRbac.istiodNamespaceRules(),
            IstiodRbac.secretsReadRules(),
            IstiodRbac.namespaceSecretsRules(),
            IstiodRbac.certificateSigningRules(List.of("example.com/signer")))) {
      assertThat(rules).isNotEmpty();
      for (PolicyRule r : rules) {
        assertThat(r.getApiGroups()).as(r.toString()).isNotEmpty();
        assertThat(r.getResources()).as(r.toString()).isNotEmpty();
        assertThat(r.getVerbs()).as(r.toString()).isNotEmpty().doesNotHaveDuplicates();
        assertThat(r.getNonResourceURLs()).as(r.toString()).isNullOrEmpty();
      }
      assertThat(Serialization.asYaml(rules)).contains("verbs:");
    }
  }

  @Test
  void rulesAreDeterministicAndNotShared() {
    for (Supplier<List<PolicyRule>> f :
        List.<Supplier<List<PolicyRule>>>of(
            () -> IstiodRbac.istiodClusterRules(IstioRelease.newest()),
            IstiodRbac::gatewayControllerClusterRules,
            () -> IstiodRbac.readerClusterRules(IstioRelease.newest()),
            IstiodRbac::istiodNamespaceRules,
            IstiodRbac::secretsReadRules,
            IstiodRbac::namespaceSecretsRules)) {
      var first = f.get();
      assertThat(first).isEqualTo(f.get());
      first.get(0).getVerbs().add("escalate");
      assertThat(f.get().get(0).getVerbs()).doesNotContain("escalate");
    }
  }
}
