package dev.meshoperator.webhook;

import dev.meshoperator.certs.CertificateInfo;
import dev.meshoperator.certs.RenewalPolicy;
import dev.meshoperator.certs.SubjectAlternativeNames;
import dev.meshoperator.certs.WebhookCertificates;
import dev.meshoperator.cli.CliMode;
import dev.meshoperator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Keeps the webhook's serving certificate: the Secret is the source of truth, so every replica
 * serves the same certificate and a restart reuses it. Creation is race-free (create, and on
 * AlreadyExists adopt the winner's); updates use optimistic concurrency. The served files are
 * refreshed from the Secret and the HTTPS server reloads them without a restart.
 */
@ApplicationScoped
public class WebhookCertificateManager {

  private static final Logger LOG = Logger.getLogger(WebhookCertificateManager.class);
  public static final String TLS_CONFIGURATION = "webhook";

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final Clock clock;
  private final TlsConfigurationRegistry tls;
  private final Event<CertificateUpdatedEvent> updated;
  private final AtomicReference<Status> status = new AtomicReference<>();
  private ScheduledExecutorService scheduler;

  /** What is served now. */
  public record Status(String caBundlePem, Instant notAfter, String fingerprint, String error) {}

  public WebhookCertificateManager(
      KubernetesClient client,
      OperatorConfig config,
      Clock clock,
      TlsConfigurationRegistry tls,
      Event<CertificateUpdatedEvent> updated) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.tls = tls;
    this.updated = updated;
  }

  void onStart(@Observes StartupEvent event) {
    if (Boolean.getBoolean(CliMode.PROPERTY)) {
      return; // a command-line run (kube-inject) serves no webhook and needs no cluster
    }
    if (!selfSigned()) {
      LOG.infof("Webhook certificates are provided externally in %s", tlsDir());
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "webhook-certificates");
              t.setDaemon(true);
              return t;
            });
    // First run synchronously, so the served certificate is the Secret's from the start.
    check();
    long every = config.certificates().checkInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  public boolean selfSigned() {
    return "self-signed".equals(config.certificates().source());
  }

  public Optional<Status> status() {
    return Optional.ofNullable(status.get());
  }

  /** What a forced rotation replaces. */
  public enum Rotation {
    /** A new serving certificate from the same CA. */
    LEAF,
    /** A new CA (the old one stays in the bundle until it expires) and a new leaf. */
    CA
  }

  /** Reads the Secret, renews what is due, writes it back, and serves its certificate. */
  public synchronized void check() {
    run(null);
  }

  /**
   * Rotates now, without waiting for the renewal window (compromise, policy change, tests). Other
   * replicas pick the new certificate up from the Secret.
   */
  public synchronized void rotate(Rotation what) {
    run(what);
  }

  private void run(Rotation forced) {
    try {
      Secret secret = reconcileSecret(forced);
      serve(secret);
    } catch (RuntimeException e) {
      Status previous = status.get();
      String message = "webhook certificate check failed: " + e.getMessage();
      LOG.error(message, e);
      status.set(
          previous == null
              ? new Status(null, null, null, message)
              : new Status(
                  previous.caBundlePem(), previous.notAfter(), previous.fingerprint(), message));
    }
  }

  private Secret reconcileSecret(Rotation forced) {
    var secrets = client.secrets().inNamespace(config.namespace());
    for (int attempt = 0; attempt < 5; attempt++) {
      Secret current = secrets.withName(config.certificates().secretName()).get();
      Map<String, String> data =
          current == null || current.getData() == null
              ? Map.of()
              : new java.util.HashMap<>(current.getData());
      if (forced != null && current != null) {
        // What is missing is issued anew; a CA whose key is gone stays trusted in the bundle.
        data.remove(WebhookCertificates.TLS_CERT);
        data.remove(WebhookCertificates.TLS_KEY);
        if (forced == Rotation.CA) {
          data.remove(WebhookCertificates.CA_KEY);
        }
      }
      var result = issuer().reconcileBase64(data, wantedNames());
      if (!result.changed() && current != null) {
        return current;
      }
      Secret desired =
          new SecretBuilder()
              .withNewMetadata()
              .withName(config.certificates().secretName())
              .withNamespace(config.namespace())
              .withLabels(
                  Map.of(
                      "app.kubernetes.io/managed-by",
                      "istio-operator",
                      "app.kubernetes.io/component",
                      "webhook"))
              .withResourceVersion(
                  current == null ? null : current.getMetadata().getResourceVersion())
              .endMetadata()
              .withType("kubernetes.io/tls")
              .withData(result.base64Data())
              .build();
      try {
        Secret written =
            current == null
                ? secrets.resource(desired).create()
                : secrets.resource(desired).update();
        LOG.infof(
            "Webhook certificate Secret %s/%s %s (%s)",
            config.namespace(),
            config.certificates().secretName(),
            current == null ? "created" : "renewed",
            result.reasons());
        return written;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          // Another replica wrote first: start over from what it wrote.
          continue;
        }
        throw e;
      }
    }
    throw new IllegalStateException("the webhook Secret kept changing under us");
  }

  private void serve(Secret secret) {
    var data = dev.meshoperator.certs.SecretData.fromBase64(secret.getData());
    byte[] cert = data.get(WebhookCertificates.TLS_CERT);
    byte[] key = data.get(WebhookCertificates.TLS_KEY);
    Path dir = tlsDir();
    boolean fresh =
        !Arrays.equals(cert, TlsFiles.read(dir.resolve(TlsFiles.CERT)))
            || !Arrays.equals(key, TlsFiles.read(dir.resolve(TlsFiles.KEY)));
    if (fresh && !trustedByEveryWebhook(data.get(WebhookCertificates.CA_CERT))) {
      // After a CA rotation the apiserver must trust the new CA before it sees a leaf signed by
      // it; the reconciler publishes the bundle. Until then the old leaf (still trusted) serves.
      LOG.info("Waiting for every injector webhook to trust the new CA before serving its leaf");
      scheduler.schedule(this::check, 2, TimeUnit.SECONDS);
      fresh = false;
    }
    if (fresh) {
      TlsFiles.write(dir, cert, key);
      tls.get(TLS_CONFIGURATION)
          .ifPresent(
              c -> {
                if (c.reload()) {
                  updated.fire(new CertificateUpdatedEvent(TLS_CONFIGURATION, c));
                }
              });
      LOG.info("Serving the webhook certificate from the Secret");
    }
    var leaf =
        dev.meshoperator.certs.Pem.decodeCertificate(
            new String(cert, java.nio.charset.StandardCharsets.US_ASCII));

    String bundle =
        new String(
            data.get(WebhookCertificates.CA_BUNDLE), java.nio.charset.StandardCharsets.US_ASCII);
    status.set(
        new Status(
            bundle,
            CertificateInfo.expiresAt(leaf),
            CertificateInfo.sha256Fingerprint(leaf),
            null));
  }

  /** Whether each MutatingWebhookConfiguration of this operator lists {@code caPem} in caBundle. */
  private boolean trustedByEveryWebhook(byte[] caPem) {
    if (caPem == null || scheduler == null) {
      return true;
    }
    var ca =
        dev.meshoperator.certs.Pem.decodeCertificate(
            new String(caPem, java.nio.charset.StandardCharsets.US_ASCII));
    var hooks =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withLabel("app.kubernetes.io/managed-by", "istio-operator")
            .list()
            .getItems();
    for (var configuration : hooks) {
      for (var hook : configuration.getWebhooks()) {
        String bundle = hook.getClientConfig().getCaBundle();
        if (bundle == null) {
          return false;
        }
        String pem =
            new String(
                java.util.Base64.getDecoder().decode(bundle),
                java.nio.charset.StandardCharsets.US_ASCII);
        if (dev.meshoperator.certs.Pem.decodeCertificates(pem).stream().noneMatch(ca::equals)) {
          return false;
        }
      }
    }
    return true;
  }

  private WebhookCertificates issuer() {
    var c = config.certificates();
    return new WebhookCertificates(
        new RenewalPolicy(
            OperatorConfig.duration(c.caValidity()),
            OperatorConfig.duration(c.leafValidity()),
            c.renewAtFraction(),
            OperatorConfig.duration(c.renewBefore())),
        clock);
  }

  /** The Service's DNS names, plus loopback for the local control plane's URL mode. */
  SubjectAlternativeNames wantedNames() {
    return SubjectAlternativeNames.forService(config.webhook().serviceName(), config.namespace())
        .withLoopback();
  }

  Path tlsDir() {
    return Path.of(config.webhook().tlsDirectory());
  }
}
