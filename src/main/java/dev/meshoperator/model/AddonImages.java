package dev.meshoperator.model;

/**
 * The pinned default image of each addon: the versions Istio 1.30.3's addon manifests
 * (samples/addons) run, so the addons match what that release was tested with. The one place these
 * versions live; {@code spec.addons.<name>.image} overrides each.
 */
public final class AddonImages {

  private AddonImages() {}

  public static final String PROMETHEUS = "docker.io/prom/prometheus:v3.10.0";
  public static final String GRAFANA = "docker.io/grafana/grafana:12.0.1";
  public static final String KIALI = "quay.io/kiali/kiali:v2.26";
  public static final String JAEGER = "docker.io/jaegertracing/jaeger:2.14.0";
}
