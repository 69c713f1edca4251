package dev.meshoperator.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Gauges of the webhook's serving side. The expiry is that of the certificate the HTTPS server
 * presents right now (read from the key manager at scrape time), in seconds since the epoch, as
 * cert-manager's {@code certmanager_certificate_expiration_timestamp_seconds}: alert on {@code
 * istio_operator_webhook_certificate_expiration_timestamp_seconds - time() < 7 * 86400}.
 */
@ApplicationScoped
public class WebhookMetrics {

  private final MeterRegistry meters;
  private final ServingTls tls;
  private final MeshRegistry registry;

  public WebhookMetrics(
      MeterRegistry meters,
      @Identifier(WebhookCertificateManager.TLS_CONFIGURATION) ServingTls tls,
      MeshRegistry registry) {
    this.meters = meters;
    this.tls = tls;
    this.registry = registry;
  }

  void onStart(@Observes StartupEvent event) {
    Gauge.builder(
            "istio_operator_webhook_certificate_expiration_timestamp_seconds",
            tls,
            t -> t.keyManager().current().notAfter().getEpochSecond())
        .description("Expiry of the certificate the webhook serves now, seconds since the epoch")
        .register(meters);
    Gauge.builder(
            "istio_operator_webhook_certificate_placeholder",
            tls,
            t -> t.servingPlaceholder() ? 1 : 0)
        .description("1 while only the untrusted start-up placeholder is served")
        .register(meters);
    Gauge.builder("istio_operator_webhook_caches_synced", registry, r -> r.ready() ? 1 : 0)
        .description("1 while every informer the webhook answers from is synced and running")
        .register(meters);
    Gauge.builder("istio_operator_webhook_nodes_known", registry, r -> r.nodeFacts().count())
        .description("Nodes known to the webhook (0: native sidecars fall back to classic)")
        .register(meters);
  }
}
