package dev.meshoperator.reconciler.dependent.addons;

import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.addons.PrometheusModel;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The Prometheus addon's objects, one dependent each. */
public final class PrometheusDependents {

  /** Informers see only this addon's objects. */
  static final String SELECTOR = MeshLabels.SELECTOR + "," + MeshLabels.ADDON + "=prometheus";

  private PrometheusDependents() {}

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ServiceAccountDependent extends AddonDependent<ServiceAccount> {
    public ServiceAccountDependent() {
      super(ServiceAccount.class, PrometheusModel::serviceAccount);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ClusterRoleDependent extends AddonDependent<ClusterRole> {
    public ClusterRoleDependent() {
      super(ClusterRole.class, PrometheusModel::clusterRole);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ClusterRoleBindingDependent extends AddonDependent<ClusterRoleBinding> {
    public ClusterRoleBindingDependent() {
      super(ClusterRoleBinding.class, PrometheusModel::clusterRoleBinding);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ConfigMapDependent extends AddonDependent<ConfigMap> {
    public ConfigMapDependent() {
      super(ConfigMap.class, PrometheusModel::configMap);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class DeploymentDependent extends AddonDependent<Deployment> {
    public DeploymentDependent() {
      super(Deployment.class, PrometheusModel::deployment);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ServiceDependent extends AddonDependent<Service> {
    public ServiceDependent() {
      super(Service.class, PrometheusModel::service);
    }
  }
}
