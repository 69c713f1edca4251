package dev.meshoperator.it;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDeploymentPermissions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ServiceAccounts and RBAC a CSV asks for, made from its {@code permissions} (Roles in the
 * install namespace) and {@code clusterPermissions} (ClusterRoles), as the catalog operator's
 * InstallPlan makes them: labeled {@code olm.managed: "true"}, the only label the olm-operator's
 * informers see. Nothing here comes from kustomize or {@code OperatorRbac}: the CSV alone.
 */
final class CsvRbac {

  private static final String OWNER = "meshoperator.dev/olm-test";

  private CsvRbac() {}

  static void create(KubernetesClient admin, String ns, ClusterServiceVersion csv) {
    var spec = csv.getSpec().getInstall().getSpec();
    Map<String, String> labels = Map.of("olm.managed", "true", OWNER, ns);
    Set<String> accounts = new LinkedHashSet<>();
    spec.getPermissions().forEach(p -> accounts.add(p.getServiceAccountName()));
    spec.getClusterPermissions().forEach(p -> accounts.add(p.getServiceAccountName()));
    for (String sa : accounts) {
      admin
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName(sa)
                  .withNamespace(ns)
                  .withLabels(labels)
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
    List<StrategyDeploymentPermissions> perms = spec.getPermissions();
    for (int i = 0; i < perms.size(); i++) {
      String name = csv.getMetadata().getName() + "-" + i;
      admin
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .withLabels(labels)
                  .endMetadata()
                  .withRules(perms.get(i).getRules())
                  .build())
          .serverSideApply();
      admin
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .withLabels(labels)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(perms.get(i).getServiceAccountName())
                  .withNamespace(ns)
                  .endSubject()
                  .build())
          .serverSideApply();
    }
    List<StrategyDeploymentPermissions> cluster = spec.getClusterPermissions();
    for (int i = 0; i < cluster.size(); i++) {
      // Cluster-scoped: the namespace in the name keeps two installs (and tests) apart.
      String name = ns + "-" + csv.getMetadata().getName() + "-" + i;
      admin
          .resource(
              new ClusterRoleBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withLabels(labels)
                  .endMetadata()
                  .withRules(cluster.get(i).getRules())
                  .build())
          .serverSideApply();
      admin
          .resource(
              new ClusterRoleBindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withLabels(labels)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", name)
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(cluster.get(i).getServiceAccountName())
                  .withNamespace(ns)
                  .endSubject()
                  .build())
          .serverSideApply();
    }
  }

  /** The ClusterRoles and bindings {@link #create} made for {@code ns}. */
  static void deleteClusterScoped(KubernetesClient admin, String ns) {
    admin.rbac().clusterRoleBindings().withLabel(OWNER, ns).delete();
    admin.rbac().clusterRoles().withLabel(OWNER, ns).delete();
  }
}
