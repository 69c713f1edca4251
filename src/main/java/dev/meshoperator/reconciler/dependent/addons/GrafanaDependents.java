package dev.meshoperator.reconciler.dependent.addons;

import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.addons.GrafanaModel;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The Grafana addon's objects, one dependent each. */
public final class GrafanaDependents {

  /** Informers see only this addon's objects. */
  static final String SELECTOR = MeshLabels.SELECTOR + "," + MeshLabels.ADDON + "=grafana";

  private GrafanaDependents() {}

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ServiceAccountDependent extends AddonDependent<ServiceAccount> {
    public ServiceAccountDependent() {
      super(ServiceAccount.class, GrafanaModel::serviceAccount);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ConfigMapDependent extends AddonDependent<ConfigMap> {
    public ConfigMapDependent() {
      super(ConfigMap.class, GrafanaModel::configMap);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class DashboardsDependent extends AddonDependent<ConfigMap> {
    public DashboardsDependent() {
      super(ConfigMap.class, GrafanaModel::dashboards);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class DeploymentDependent extends AddonDependent<Deployment> {
    public DeploymentDependent() {
      super(Deployment.class, GrafanaModel::deployment);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ServiceDependent extends AddonDependent<Service> {
    public ServiceDependent() {
      super(Service.class, GrafanaModel::service);
    }
  }
}
