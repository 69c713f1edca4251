package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.reconciler.EventRecorder;
import dev.meshoperator.reconciler.MeshCaSecrets;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OperatorRbacTest {

  /** One (apiGroup, resource, verb, resourceName) a rule grants; name null for "any name". */
  record Grant(String group, String resource, String verb, String name) {}

  /** A rule broken down into single grants, as the apiserver's escalation check does. */
  static List<Grant> breakdown(PolicyRule r) {
    List<Grant> grants = new ArrayList<>();
    List<String> names = r.getResourceNames() == null ? List.of() : r.getResourceNames();
    for (String g : r.getApiGroups()) {
      for (String res : r.getResources()) {
        for (String v : r.getVerbs()) {
          if (names.isEmpty()) {
            grants.add(new Grant(g, res, v, null));
          } else {
            names.forEach(n -> grants.add(new Grant(g, res, v, n)));
          }
        }
      }
    }
    return grants;
  }

  /**
   * Whether {@code owner} covers {@code grant}, with the semantics of Kubernetes' {@code
   * ruleCovers} (pkg/registry/rbac/validation): {@code *} in the owner covers everything, a {@code
   * *} asked for is a literal that only an owner's {@code *} covers, {@code x/sub} is covered by
   * {@code *}/{@code sub}, and an owner's resourceNames cover only requests for those names.
   */
  static boolean covers(PolicyRule owner, Grant grant) {
    boolean group =
        owner.getApiGroups().contains("*") || owner.getApiGroups().contains(grant.group);
    boolean resource =
        owner.getResources().contains("*")
            || owner.getResources().contains(grant.resource)
            || (grant.resource.contains("/")
                && owner.getResources().contains("*/" + grant.resource.split("/", 2)[1]));
    boolean verb = owner.getVerbs().contains("*") || owner.getVerbs().contains(grant.verb);
    List<String> ownerNames =
        owner.getResourceNames() == null ? List.of() : owner.getResourceNames();
    boolean name = ownerNames.isEmpty() || (grant.name != null && ownerNames.contains(grant.name));
    return group && resource && verb && name;
  }

  /** The grants of {@code servant} that no rule of {@code owner} covers (empty: no escalation). */
  static List<Grant> uncovered(List<PolicyRule> owner, List<PolicyRule> servant) {
    return servant.stream()
        .flatMap(r -> breakdown(r).stream())
        .filter(g -> owner.stream().noneMatch(o -> covers(o, g)))
        .toList();
  }

  private static PolicyRule rule(
      String group, String resource, List<String> names, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withResourceNames(names)
        .withVerbs(verbs)
        .build();
  }

  @Test
  void theCoveringFunctionHasTheApiserversSemantics() {
    var getPods = List.of(rule("", "pods", List.of(), "get"));
    assertThat(uncovered(getPods, List.of(rule("", "pods", List.of(), "get")))).isEmpty();
    assertThat(uncovered(getPods, List.of(rule("", "pods", List.of("a"), "get")))).isEmpty();
    assertThat(uncovered(getPods, List.of(rule("", "pods", List.of(), "list")))).hasSize(1);
    assertThat(uncovered(getPods, List.of(rule("apps", "pods", List.of(), "get")))).hasSize(1);
    // A requested wildcard is a literal: only a wildcard covers it.
    assertThat(uncovered(getPods, List.of(rule("", "*", List.of(), "get")))).hasSize(1);
    assertThat(uncovered(getPods, List.of(rule("", "pods", List.of(), "*")))).hasSize(1);
    assertThat(
            uncovered(
                List.of(rule("", "*", List.of(), "*")), List.of(rule("", "*", List.of(), "*"))))
        .isEmpty();
    // Subresources are resources of their own, unless the owner has */sub.
    assertThat(uncovered(getPods, List.of(rule("", "pods/status", List.of(), "get")))).hasSize(1);
    assertThat(
            uncovered(
                List.of(rule("", "*/status", List.of(), "get")),
                List.of(rule("", "pods/status", List.of(), "get"))))
        .isEmpty();
    // Names: an owner limited by name covers only requests for those names.
    var getA = List.of(rule("", "secrets", List.of("a"), "get"));
    assertThat(uncovered(getA, List.of(rule("", "secrets", List.of("a"), "get")))).isEmpty();
    assertThat(uncovered(getA, List.of(rule("", "secrets", List.of("b"), "get")))).hasSize(1);
    assertThat(uncovered(getA, List.of(rule("", "secrets", List.of(), "get")))).hasSize(1);
  }

  private static List<ControlPlane> controlPlanes() {
    return List.of(
        ControlPlane.of(TestResources.mcp()),
        ControlPlane.of(TestResources.mcp("mesh-ns", "canary", s -> {})));
  }

  @Test
  void theOperatorHoldsEveryPermissionItGrantsIstiod() {
    // So creating and updating istiod's roles needs no escalate. Cluster-wide rules only: the
    // Role lives in whatever namespace a control plane runs in.
    var operator = OperatorRbac.clusterRules();
    for (ControlPlane cp : controlPlanes()) {
      for (IstiodRoles.Kind kind : IstiodRoles.Kind.values()) {
        var role = IstiodRoles.clusterRole(cp, kind);
        assertThat(uncovered(operator, role.getRules())).as(role.getMetadata().getName()).isEmpty();
      }
      assertThat(uncovered(operator, IstiodRoles.role(cp).getRules())).isEmpty();
    }
  }

  @Test
  void theOperatorHoldsEveryPermissionItGrantsTheAddons() {
    // Prometheus' and Kiali's ClusterRoles: created without escalate, so the operator holds them.
    var operator = OperatorRbac.clusterRules();
    for (ControlPlane cp : controlPlanes()) {
      for (var role :
          List.of(
              dev.meshoperator.model.addons.PrometheusModel.clusterRole(cp),
              dev.meshoperator.model.addons.KialiModel.clusterRole(cp))) {
        assertThat(uncovered(operator, role.getRules())).as(role.getMetadata().getName()).isEmpty();
      }
    }
  }

  @Test
  void theAddonsOnlyRead() {
    // Kiali runs view-only: no addon may write anything, reach pods (portforward, exec) or
    // nodes, or review tokens.
    for (var r : AddonRbac.all()) {
      assertThat(r.getVerbs()).as(r.toString()).isSubsetOf("get", "list", "watch");
      assertThat(r.getResources())
          .as(r.toString())
          .doesNotContain("secrets", "pods/portforward", "pods/exec", "nodes/proxy", "nodes");
    }
    assertThat(AddonRbac.prometheusRules())
        .singleElement()
        .satisfies(r -> assertThat(r.getResources()).containsExactly("pods"));
  }

  @Test
  void theOperatorDoesNotHoldIstiodsSecretAccessButMayBindIt() {
    var operator = OperatorRbac.clusterRules();
    assertThat(uncovered(operator, IstiodRbac.secretsReadRules())).isNotEmpty();
    assertThat(uncovered(operator, IstiodRbac.namespaceSecretsRules())).isNotEmpty();
    for (ControlPlane cp : controlPlanes()) {
      ClusterRoleBinding reader = IstiodRoles.secretsReaderBinding(cp);
      RoleBinding ns = IstiodRoles.namespaceSecretsBinding(cp);
      for (String roleName : List.of(reader.getRoleRef().getName(), ns.getRoleRef().getName())) {
        var bind =
            new PolicyRuleBuilder()
                .withApiGroups("rbac.authorization.k8s.io")
                .withResources("clusterroles")
                .withResourceNames(roleName)
                .withVerbs("bind")
                .build();
        assertThat(uncovered(operator, List.of(bind))).as(roleName).isEmpty();
      }
    }
  }

  @Test
  void istiodKeepsTheChartsSecretAccessThroughTheStaticRoles() {
    // What the chart's three roles had on Secrets, now only in the static roles.
    for (ControlPlane cp : controlPlanes()) {
      for (IstiodRoles.Kind kind : IstiodRoles.Kind.values()) {
        assertThat(IstiodRoles.clusterRole(cp, kind).getRules())
            .noneMatch(r -> r.getResources().contains("secrets"));
      }
      assertThat(IstiodRoles.role(cp).getRules())
          .noneMatch(r -> r.getResources().contains("secrets"));

      var reader = IstiodRoles.secretsReaderBinding(cp);
      assertThat(reader.getRoleRef().getKind()).isEqualTo("ClusterRole");
      assertThat(reader.getRoleRef().getName()).isEqualTo(OperatorRbac.ISTIOD_SECRETS_READER);
      assertThat(reader.getSubjects())
          .extracting(s -> s.getNamespace() + "/" + s.getName())
          .containsExactly(
              cp.namespace() + "/" + MeshNames.istiodServiceAccount(cp),
              cp.namespace() + "/" + IstiodRoles.readerServiceAccountName(cp));
      var ns = IstiodRoles.namespaceSecretsBinding(cp);
      assertThat(ns.getMetadata().getNamespace()).isEqualTo(cp.namespace());
      assertThat(ns.getRoleRef().getKind()).isEqualTo("ClusterRole");
      assertThat(ns.getRoleRef().getName()).isEqualTo(OperatorRbac.ISTIOD_NAMESPACE_SECRETS);
      assertThat(ns.getSubjects())
          .extracting(s -> s.getNamespace() + "/" + s.getName())
          .containsExactly(cp.namespace() + "/" + MeshNames.istiodServiceAccount(cp));
    }
    assertThat(OperatorRbac.istiodSecretsReader().getRules())
        .isEqualTo(IstiodRbac.secretsReadRules());
    assertThat(breakdown(OperatorRbac.istiodSecretsReader().getRules().get(0)))
        .extracting(Grant::verb)
        .containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(OperatorRbac.istiodNamespaceSecrets().getRules())
        .isEqualTo(IstiodRbac.namespaceSecretsRules());
  }

  private static Stream<PolicyRule> everyOperatorRule() {
    return Stream.of(
            OperatorRbac.clusterRules(), OperatorRbac.namespaceRules(), OperatorRbac.eventRules())
        .flatMap(List::stream);
  }

  /**
   * Resources {@code *} only where istiod's chart reads every kind: Istio's config groups and the
   * Gateway API groups. Holding the literal {@code *} is the only way to create those roles without
   * escalate, and these groups hold mesh and gateway configuration, no credentials.
   */
  private static final Set<String> READ_ALL_GROUPS =
      Stream.concat(
              IstiodRbac.ISTIO_CONFIG_GROUPS.stream(),
              Stream.of("gateway.networking.k8s.io", "gateway.networking.x-k8s.io"))
          .collect(java.util.stream.Collectors.toSet());

  @Test
  void noEscalateNoWildcardVerbsNoWildcardResourcesBeyondIstiosReadRules() {
    everyOperatorRule()
        .forEach(
            r -> {
              assertThat(r.getVerbs())
                  .as(r.toString())
                  .doesNotContain("escalate", "*", "impersonate");
              assertThat(r.getApiGroups()).as(r.toString()).doesNotContain("*");
              assertThat(r.getNonResourceURLs()).as(r.toString()).isNullOrEmpty();
              if (r.getResources().contains("*")) {
                assertThat(r.getApiGroups()).as(r.toString()).isSubsetOf(READ_ALL_GROUPS);
                assertThat(r.getVerbs()).as(r.toString()).isSubsetOf("get", "list", "watch");
              }
            });
  }

  @Test
  void bindOnlyOnTheStaticRoles() {
    var binds =
        everyOperatorRule().flatMap(r -> breakdown(r).stream()).filter(g -> g.verb.equals("bind"));
    assertThat(binds.toList())
        .containsExactlyInAnyOrder(
            new Grant(
                "rbac.authorization.k8s.io",
                "clusterroles",
                "bind",
                OperatorRbac.ISTIOD_SECRETS_READER),
            new Grant(
                "rbac.authorization.k8s.io",
                "clusterroles",
                "bind",
                OperatorRbac.ISTIOD_NAMESPACE_SECRETS),
            new Grant(
                "rbac.authorization.k8s.io",
                "clusterroles",
                "bind",
                OperatorRbac.GATEWAY_SECRETS_READER));
  }

  @Test
  void theGatewaySecretsRoleIsTheChartsSdsRule() {
    assertThat(OperatorRbac.gatewaySecretsReader().getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("");
              assertThat(r.getResources()).containsExactly("secrets");
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "watch", "list");
              assertThat(r.getResourceNames()).isNullOrEmpty();
            });
  }

  @Test
  void secretsClusterWideOnlyCreateAndTheCacertsByName() {
    var secrets =
        OperatorRbac.clusterRules().stream()
            .flatMap(r -> breakdown(r).stream())
            .filter(g -> g.group.isEmpty() && g.resource.equals("secrets"))
            .toList();
    assertThat(secrets)
        .containsExactlyInAnyOrder(
            new Grant("", "secrets", "create", null),
            new Grant("", "secrets", "get", "cacerts"),
            new Grant("", "secrets", "update", "cacerts"),
            new Grant("", "secrets", "patch", "cacerts"),
            new Grant("", "secrets", "delete", "cacerts"));
    assertThat(OperatorRbac.CACERTS).isEqualTo(MeshCaSecrets.CACERTS);
    // In its own namespace: everything (webhook TLS, mesh roots, the webhook Secret informer).
    assertThat(
            uncovered(
                OperatorRbac.namespaceRules(),
                List.of(
                    rule(
                        "", "secrets", List.of(), "get", "list", "watch", "create", "update",
                        "patch", "delete"))))
        .isEmpty();
  }

  @Test
  void crdWritesOnlyOnIstiosCrds() {
    var writes =
        OperatorRbac.clusterRules().stream()
            .flatMap(r -> breakdown(r).stream())
            .filter(g -> g.resource.equals("customresourcedefinitions"))
            .filter(g -> Set.of("update", "patch", "delete", "deletecollection").contains(g.verb))
            .toList();
    assertThat(writes).isNotEmpty().allMatch(g -> IstioCrds.names().contains(g.name));
    assertThat(writes.stream().map(Grant::name).distinct()).hasSameSizeAs(IstioCrds.names());
    // JOSDK checks its own CRD at start-up; the CRDs dependent lists and watches them.
    assertThat(
            uncovered(
                OperatorRbac.clusterRules(),
                List.of(
                    rule(
                        "apiextensions.k8s.io",
                        "customresourcedefinitions",
                        List.of(),
                        "get",
                        "list",
                        "watch",
                        "create"))))
        .isEmpty();
  }

  @Test
  void eventsWriteOnlyInTheClusterRole() {
    // Cluster-wide (an OLM bundle cannot ship a Role in "default"), but create and patch only.
    assertThat(OperatorRbac.EVENTS_NAMESPACE).isEqualTo(EventRecorder.EVENT_NAMESPACE);
    assertThat(OperatorRbac.clusterRules()).containsAll(OperatorRbac.eventRules());
    assertThat(
            OperatorRbac.clusterRules().stream().filter(r -> r.getResources().contains("events")))
        .allSatisfy(r -> assertThat(r.getVerbs()).containsExactlyInAnyOrder("create", "patch"));
    assertThat(OperatorRbac.objects("ops"))
        .noneMatch(o -> OperatorRbac.EVENTS_NAMESPACE.equals(o.getMetadata().getNamespace()));
  }

  @Test
  void everyBindingPointsAtTheOperatorsServiceAccount() {
    for (HasMetadata o : OperatorRbac.objects("ops")) {
      var subjects =
          o instanceof ClusterRoleBinding crb
              ? crb.getSubjects()
              : o instanceof RoleBinding rb ? rb.getSubjects() : null;
      if (subjects != null) {
        assertThat(subjects)
            .singleElement()
            .satisfies(
                s -> {
                  assertThat(s.getKind()).isEqualTo("ServiceAccount");
                  assertThat(s.getName()).isEqualTo(OperatorRbac.NAME);
                  assertThat(s.getNamespace()).isEqualTo("ops");
                });
      }
      // The operator's informers (managed-by=istio-operator) must not see its own RBAC.
      assertThat(o.getMetadata().getLabels()).doesNotContainKey(MeshLabels.MANAGED_BY);
    }
    assertThat(OperatorRbac.objects("ops"))
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .doesNotHaveDuplicates()
        .contains(
            "ServiceAccount/istio-operator",
            "ClusterRole/istio-operator",
            "ClusterRole/" + OperatorRbac.ISTIOD_SECRETS_READER,
            "ClusterRole/" + OperatorRbac.ISTIOD_NAMESPACE_SECRETS,
            "ClusterRole/" + OperatorRbac.GATEWAY_SECRETS_READER);
  }

  @Test
  void theManifestIsDeterministicAndReadsBack() {
    String yaml = OperatorRbac.yaml(OperatorRbac.DEFAULT_NAMESPACE);
    assertThat(OperatorRbac.yaml(OperatorRbac.DEFAULT_NAMESPACE)).isEqualTo(yaml);
    assertThat(yaml).startsWith("# Generated from").doesNotContain("escalate");
    List<HasMetadata> read = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---$")) {
      if (doc.contains("kind:")) {
        read.add(Serialization.unmarshal(doc, HasMetadata.class));
      }
    }
    assertThat(read).isEqualTo(OperatorRbac.objects(OperatorRbac.DEFAULT_NAMESPACE));
  }
}
