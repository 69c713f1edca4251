package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;
import java.util.function.Function;

/**
 * istiod's Roles, ClusterRoles and their bindings, named per revision and namespace so several
 * control planes coexist. The rules themselves come from {@link IstiodRbac}; istiod's Secret access
 * comes from bindings to the operator's static ClusterRoles ({@link OperatorRbac}).
 */
public final class IstiodRoles {

  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";

  private IstiodRoles() {}

  /** The cluster roles istiod's revision gets, each bound to one ServiceAccount. */
  public enum Kind {
    /** istiod itself. */
    ISTIOD(
        MeshNames::istiodClusterRole,
        IstiodRbac::istiodClusterRules,
        MeshNames::istiodServiceAccount),
    /** istiod's Gateway API deployment controller. */
    GATEWAY_CONTROLLER(
        MeshNames::gatewayControllerClusterRole,
        r -> IstiodRbac.gatewayControllerClusterRules(),
        MeshNames::istiodServiceAccount),
    /** Read-only access for remote clusters and tools. */
    READER(
        MeshNames::readerClusterRole,
        IstiodRbac::readerClusterRules,
        IstiodRoles::readerServiceAccountName);

    private final Function<ControlPlane, String> name;
    private final Function<IstioRelease, List<PolicyRule>> rules;
    private final Function<ControlPlane, String> subject;

    Kind(
        Function<ControlPlane, String> name,
        Function<IstioRelease, List<PolicyRule>> rules,
        Function<ControlPlane, String> subject) {
      this.name = name;
      this.rules = rules;
      this.subject = subject;
    }
  }

  /** The ServiceAccount remote clusters and istioctl use to read this cluster. */
  public static String readerServiceAccountName(ControlPlane cp) {
    return cp.revisioned("istio-reader-service-account");
  }

  public static ServiceAccount readerServiceAccount(ControlPlane cp) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(readerServiceAccountName(cp))
        .withNamespace(cp.namespace())
        .withLabels(MeshLabels.of(cp, "istio-reader"))
        .endMetadata()
        .build();
  }

  public static ClusterRole clusterRole(ControlPlane cp, Kind kind) {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName(kind.name.apply(cp))
        .withLabels(MeshLabels.of(cp, IstiodModel.COMPONENT))
        .endMetadata()
        .withRules(kind.rules.apply(cp.release()))
        .build();
  }

  public static ClusterRoleBinding clusterRoleBinding(ControlPlane cp, Kind kind) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(kind.name.apply(cp))
        .withLabels(MeshLabels.of(cp, IstiodModel.COMPONENT))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup(RBAC_GROUP)
        .withKind("ClusterRole")
        .withName(kind.name.apply(cp))
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(kind.subject.apply(cp))
        .withNamespace(cp.namespace())
        .endSubject()
        .build();
  }

  /** istiod's Role in its own namespace (its CA secrets, config maps). */
  public static Role role(ControlPlane cp) {
    return new RoleBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiodRole(cp))
        .withNamespace(cp.namespace())
        .withLabels(MeshLabels.of(cp, IstiodModel.COMPONENT))
        .endMetadata()
        .withRules(IstiodRbac.istiodNamespaceRules())
        .build();
  }

  /**
   * Binds the static ClusterRole {@value OperatorRbac#ISTIOD_SECRETS_READER} (read every Secret) to
   * istiod's and the reader's ServiceAccounts: the chart's Secret rules of their ClusterRoles.
   */
  public static ClusterRoleBinding secretsReaderBinding(ControlPlane cp) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiodSecretsReaderBinding(cp))
        .withLabels(MeshLabels.of(cp, IstiodModel.COMPONENT))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup(RBAC_GROUP)
        .withKind("ClusterRole")
        .withName(OperatorRbac.ISTIOD_SECRETS_READER)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(MeshNames.istiodServiceAccount(cp))
        .withNamespace(cp.namespace())
        .endSubject()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(readerServiceAccountName(cp))
        .withNamespace(cp.namespace())
        .endSubject()
        .build();
  }

  /**
   * Binds the static ClusterRole {@value OperatorRbac#ISTIOD_NAMESPACE_SECRETS} to istiod's
   * ServiceAccount in istiod's namespace only: the chart's Secret rule of istiod's Role.
   */
  public static RoleBinding namespaceSecretsBinding(ControlPlane cp) {
    return istiodRoleBinding(
        cp,
        MeshNames.istiodSecretsRoleBinding(cp),
        "ClusterRole",
        OperatorRbac.ISTIOD_NAMESPACE_SECRETS);
  }

  public static RoleBinding roleBinding(ControlPlane cp) {
    return istiodRoleBinding(cp, MeshNames.istiodRole(cp), "Role", MeshNames.istiodRole(cp));
  }

  /** A RoleBinding {@code name} in istiod's namespace of {@code roleKind/roleName} to istiod. */
  private static RoleBinding istiodRoleBinding(
      ControlPlane cp, String name, String roleKind, String roleName) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(cp.namespace())
        .withLabels(MeshLabels.of(cp, IstiodModel.COMPONENT))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup(RBAC_GROUP)
        .withKind(roleKind)
        .withName(roleName)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(MeshNames.istiodServiceAccount(cp))
        .withNamespace(cp.namespace())
        .endSubject()
        .build();
  }
}
