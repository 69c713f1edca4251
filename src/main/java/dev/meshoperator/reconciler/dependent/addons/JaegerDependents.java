package dev.meshoperator.reconciler.dependent.addons;

import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.addons.JaegerModel;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The Jaeger addon's objects, one dependent each. */
public final class JaegerDependents {

  /** Informers see only this addon's objects. */
  static final String SELECTOR = MeshLabels.SELECTOR + "," + MeshLabels.ADDON + "=jaeger";

  private JaegerDependents() {}

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ServiceAccountDependent extends AddonDependent<ServiceAccount> {
    public ServiceAccountDependent() {
      super(ServiceAccount.class, JaegerModel::serviceAccount);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class ConfigMapDependent extends AddonDependent<ConfigMap> {
    public ConfigMapDependent() {
      super(ConfigMap.class, JaegerModel::configMap);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class DeploymentDependent extends AddonDependent<Deployment> {
    public DeploymentDependent() {
      super(Deployment.class, JaegerModel::deployment);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class TracingServiceDependent extends AddonDependent<Service> {
    public TracingServiceDependent() {
      super(Service.class, JaegerModel::tracingService);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = SELECTOR))
  public static class CollectorServiceDependent extends AddonDependent<Service> {
    public CollectorServiceDependent() {
      super(Service.class, JaegerModel::collectorService);
    }
  }
}
