package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodRoles;
import dev.meshoperator.model.OperatorRbac;
import dev.meshoperator.model.TestResources;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's RBAC is least privilege: authenticated as its ServiceAccount, with exactly the
 * installed {@link OperatorRbac}, it cannot make itself cluster-admin, read Secrets it does not
 * manage or bind roles other than the two static ones, yet it can create istiod's real roles (it
 * holds every permission in them, so it needs no escalate).
 */
@ExtendWith(LocalClusterExtension.class)
class OperatorPrivilegeIT {

  private static final String CP_NS = "privilege-cp";
  private static final String PREFIX = "privilege-it-";

  private static KubernetesClient admin;
  private static KubernetesClient operator;

  @BeforeAll
  static void setUp(LocalCluster cluster) {
    admin = cluster.admin();
    operator = cluster.operator();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(CP_NS).endMetadata().build())
        .serverSideApply();
    for (String name : List.of("istio-ca-secret", OperatorRbac.CACERTS)) {
      admin
          .secrets()
          .inNamespace(CP_NS)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(CP_NS)
                  .endMetadata()
                  .withStringData(Map.of("k", "v"))
                  .build())
          .serverSideApply();
    }
  }

  @AfterAll
  static void tearDown() {
    admin.namespaces().withName(CP_NS).delete();
    admin.rbac().clusterRoles().withLabel("privilege-it", "true").delete();
    admin.rbac().clusterRoleBindings().withLabel("privilege-it", "true").delete();
  }

  private static void refused(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  private static boolean allowed(String verb, String group, String resource, String namespace) {
    return allowed(verb, group, resource, namespace, null);
  }

  private static boolean allowed(
      String verb, String group, String resource, String namespace, String name) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withVerb(verb)
            .withGroup(group)
            .withResource(resource)
            .withNamespace(namespace)
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    return operator
        .authorization()
        .v1()
        .selfSubjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }

  private static ClusterRoleBinding bindingToOperator(String name, String clusterRole) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("privilege-it", "true"))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(clusterRole)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(ClusterSetup.OPERATOR_SERVICE_ACCOUNT)
        .withNamespace(ClusterSetup.OPERATOR_NAMESPACE)
        .endSubject()
        .build();
  }

  @Test
  void theOperatorIsNotClusterAdmin() {
    // kubectl auth can-i '*' '*' (as the operator): no.
    assertThat(allowed("*", "*", "*", null)).isFalse();
    assertThat(allowed("escalate", "rbac.authorization.k8s.io", "clusterroles", null)).isFalse();
    assertThat(allowed("bind", "rbac.authorization.k8s.io", "clusterroles", null)).isFalse();
    assertThat(allowed("impersonate", "", "serviceaccounts", "kube-system")).isFalse();
    assertThat(allowed("create", "", "serviceaccounts/token", "kube-system")).isFalse();
    assertThat(allowed("create", "", "pods", "kube-system")).isFalse();
    assertThat(allowed("create", "", "pods/exec", "kube-system")).isFalse();
    assertThat(allowed("list", "", "secrets", null)).isFalse();
    assertThat(allowed("delete", "apiextensions.k8s.io", "customresourcedefinitions", null))
        .isFalse();
    // What it does hold, to show the reviews are not simply all "no".
    assertThat(allowed("list", "meshoperator.dev", "meshcontrolplanes", null)).isTrue();
    assertThat(allowed("get", "", "secrets", CP_NS, OperatorRbac.CACERTS)).isTrue();
    assertThat(
            allowed(
                "delete",
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                null,
                "virtualservices.networking.istio.io"))
        .isTrue();
  }

  @Test
  void creatingAClusterRoleThatAllowsEverythingIsRefused() {
    ClusterRole everything =
        new ClusterRoleBuilder()
            .withNewMetadata()
            .withName(PREFIX + "everything")
            .withLabels(Map.of("privilege-it", "true"))
            .endMetadata()
            .addToRules(
                new PolicyRuleBuilder()
                    .withApiGroups("*")
                    .withResources("*")
                    .withVerbs("*")
                    .build())
            .build();
    refused(() -> operator.resource(everything).create());
    refused(() -> operator.resource(everything).serverSideApply());
    assertThat(admin.rbac().clusterRoles().withName(PREFIX + "everything").get()).isNull();
  }

  @Test
  void wideningItsOwnClusterRoleIsRefused() {
    ClusterRole own = operator.rbac().clusterRoles().withName(OperatorRbac.NAME).get();
    own.getRules()
        .add(
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("secrets")
                .withVerbs("get", "list", "watch")
                .build());
    refused(() -> operator.resource(own).update());
    assertThat(admin.rbac().clusterRoles().withName(OperatorRbac.NAME).get().getRules())
        .hasSameSizeAs(OperatorRbac.clusterRules());
  }

  @Test
  void bindingClusterAdminToItselfIsRefused() {
    refused(
        () ->
            operator
                .resource(bindingToOperator(PREFIX + "cluster-admin", "cluster-admin"))
                .create());
    RoleBinding adminHere =
        new RoleBindingBuilder()
            .withNewMetadata()
            .withName(PREFIX + "admin")
            .withNamespace(CP_NS)
            .endMetadata()
            .withNewRoleRef()
            .withApiGroup("rbac.authorization.k8s.io")
            .withKind("ClusterRole")
            .withName("admin")
            .endRoleRef()
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(ClusterSetup.OPERATOR_SERVICE_ACCOUNT)
            .withNamespace(ClusterSetup.OPERATOR_NAMESPACE)
            .endSubject()
            .build();
    refused(() -> operator.resource(adminHere).create());
  }

  @Test
  void bindingAnyClusterRoleButTheTwoStaticOnesIsRefused() {
    // A role the operator does not hold and may not bind: cluster-wide Secret read, under
    // another name than the static role's.
    admin
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(PREFIX + "secrets-reader")
                .withLabels(Map.of("privilege-it", "true"))
                .endMetadata()
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("secrets")
                        .withVerbs("get", "list", "watch")
                        .build())
                .build())
        .serverSideApply();
    refused(
        () ->
            operator
                .resource(bindingToOperator(PREFIX + "other", PREFIX + "secrets-reader"))
                .create());
    // The static one it may bind (residual power, documented in the README): to itself too.
    var binding =
        operator
            .resource(bindingToOperator(PREFIX + "static", OperatorRbac.ISTIOD_SECRETS_READER))
            .create();
    admin.resource(binding).delete();
  }

  @Test
  void secretsOutsideItsNamespaceAndCacertsAreNotReadable() {
    refused(() -> operator.secrets().inNamespace("kube-system").list());
    refused(() -> operator.secrets().inNamespace(CP_NS).list());
    refused(() -> operator.secrets().inNamespace(CP_NS).withName("istio-ca-secret").get());
    refused(() -> operator.secrets().inNamespace(CP_NS).withName("istio-ca-secret").delete());
    assertThat(allowed("watch", "", "secrets", null)).isFalse();
    assertThat(allowed("get", "", "secrets", CP_NS, "istio-ca-secret")).isFalse();
    // cacerts, which it manages, it reads; its own namespace it reads whole.
    assertThat(operator.secrets().inNamespace(CP_NS).withName(OperatorRbac.CACERTS).get())
        .isNotNull();
    assertThat(operator.secrets().inNamespace(ClusterSetup.OPERATOR_NAMESPACE).list().getItems())
        .isNotNull();
  }

  @Test
  void creatingIstiodsRealRolesNeedsNoEscalate() {
    ControlPlane cp = ControlPlane.of(TestResources.mcp(CP_NS, "privtest", s -> {}));
    List<HasMetadata> objects = new ArrayList<>();
    for (IstiodRoles.Kind kind : IstiodRoles.Kind.values()) {
      objects.add(IstiodRoles.clusterRole(cp, kind));
      objects.add(IstiodRoles.clusterRoleBinding(cp, kind));
    }
    objects.add(IstiodRoles.role(cp));
    objects.add(IstiodRoles.roleBinding(cp));
    objects.add(IstiodRoles.secretsReaderBinding(cp));
    objects.add(IstiodRoles.namespaceSecretsBinding(cp));
    try {
      for (HasMetadata o : objects) {
        // As the operator's dependents write them: server-side apply.
        operator.resource(o).fieldManager("privilege-it").serverSideApply();
      }
      for (HasMetadata o : objects) {
        assertThat(admin.resource(o).get())
            .as(o.getKind() + "/" + o.getMetadata().getName())
            .isNotNull();
      }
    } finally {
      for (HasMetadata o : objects) {
        admin.resource(o).delete();
      }
    }
  }
}
