package dev.meshoperator.reconciler.dependent.addons;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.AddonSettings;
import dev.meshoperator.model.ControlPlane;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Reconcile preconditions: an addon's objects exist exactly while the addon is enabled. */
public final class AddonConditions {

  private AddonConditions() {}

  abstract static class Enabled implements Condition<Object, MeshControlPlane> {
    private final AddonSettings.Name addon;

    Enabled(AddonSettings.Name addon) {
      this.addon = addon;
    }

    @Override
    public boolean isMet(
        DependentResource<Object, MeshControlPlane> dr,
        MeshControlPlane primary,
        Context<MeshControlPlane> context) {
      return ControlPlane.of(primary).addons().enabled(addon);
    }
  }

  public static class PrometheusEnabled extends Enabled {
    public PrometheusEnabled() {
      super(AddonSettings.Name.PROMETHEUS);
    }
  }

  public static class GrafanaEnabled extends Enabled {
    public GrafanaEnabled() {
      super(AddonSettings.Name.GRAFANA);
    }
  }

  public static class KialiEnabled extends Enabled {
    public KialiEnabled() {
      super(AddonSettings.Name.KIALI);
    }
  }

  public static class JaegerEnabled extends Enabled {
    public JaegerEnabled() {
      super(AddonSettings.Name.JAEGER);
    }
  }
}
