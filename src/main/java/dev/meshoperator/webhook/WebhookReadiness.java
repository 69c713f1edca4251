package dev.meshoperator.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the injection webhook: UP only while every informer it answers from is synced and
 * running and the real serving certificate (not the start-up placeholder) is presented. A replica
 * that is not ready leaves the Service's endpoints, so the apiserver calls one that is; and the
 * webhook itself refuses pods while not ready rather than admitting them uninjected.
 */
@Readiness
@ApplicationScoped
public class WebhookReadiness implements HealthCheck {

  private final MeshRegistry registry;
  private final WebhookCertificateManager certificates;

  public WebhookReadiness(MeshRegistry registry, WebhookCertificateManager certificates) {
    this.registry = registry;
    this.certificates = certificates;
  }

  @Override
  public HealthCheckResponse call() {
    boolean informers = registry.ready();
    boolean serving = certificates.serving();
    var b = HealthCheckResponse.named("injection-webhook").status(informers && serving);
    registry.informerStates().forEach((kind, state) -> b.withData("informer " + kind, state));
    b.withData("certificate", serving ? "served" : "start-up placeholder only (not trusted)");
    certificates
        .status()
        .ifPresent(
            s -> {
              if (s.fingerprint() != null && serving) {
                b.withData("certificate sha256", s.fingerprint());
              }
              if (s.error() != null) {
                b.withData("certificate error", s.error());
              }
            });
    return b.build();
  }
}
