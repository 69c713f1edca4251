package dev.meshoperator.model.addons;

import dev.meshoperator.model.AddonSettings;
import dev.meshoperator.model.ControlPlane;

/** Facts about each addon that status and tests need, in one place. */
public final class Addons {

  private Addons() {}

  /** The in-cluster URL of the addon's UI (Prometheus, Grafana, Kiali, Jaeger's query UI). */
  public static String url(ControlPlane cp, AddonSettings.Name addon) {
    return switch (addon) {
      case PROMETHEUS -> PrometheusModel.url(cp);
      case GRAFANA -> GrafanaModel.url(cp);
      case KIALI -> KialiModel.url(cp);
      case JAEGER -> JaegerModel.queryUrl(cp);
    };
  }
}
