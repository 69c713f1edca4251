package dev.meshoperator.webhook;

import dev.meshoperator.certs.CertificateInfo;
import dev.meshoperator.certs.Pem;
import dev.meshoperator.certs.RenewalPolicy;
import dev.meshoperator.certs.SecretData;
import dev.meshoperator.certs.SubjectAlternativeNames;
import dev.meshoperator.certs.WebhookCertificates;
import dev.meshoperator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Keeps the webhook's serving certificate: the Secret is the source of truth, so every replica
 * serves the same certificate and a restart reuses it. Creation is race-free (create, and on
 * AlreadyExists adopt the winner's); updates use optimistic concurrency. The Secret's CA bundle is
 * published to every injector webhook ({@link CaBundlePublisher}), and its leaf is switched into
 * the running HTTPS server in memory ({@link ServingKeyManager}), never through a reload.
 */
@ApplicationScoped
public class WebhookCertificateManager {

  private static final Logger LOG = Logger.getLogger(WebhookCertificateManager.class);
  public static final String TLS_CONFIGURATION = "webhook";

  /** How long every webhook must have trusted a new CA before its leaf is served. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final Clock clock;
  private final ServingTls tls;
  private final CaBundlePublisher bundles;
  private final AtomicReference<Status> status = new AtomicReference<>();
  private ScheduledExecutorService scheduler;

  /** The one pending re-check while a new CA settles (never a chain of them). */
  private ScheduledFuture<?> gate;

  private String trustedCa;
  private long trustedSince;

  /** What is served now (notAfter and fingerprint of the certificate the server presents). */
  public record Status(String caBundlePem, Instant notAfter, String fingerprint, String error) {}

  public WebhookCertificateManager(
      KubernetesClient client,
      OperatorConfig config,
      Clock clock,
      @Identifier(TLS_CONFIGURATION) ServingTls tls) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.tls = tls;
    this.bundles = new CaBundlePublisher(client, config);
  }

  void onStart(@Observes StartupEvent event) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "webhook-certificates");
              t.setDaemon(true);
              return t;
            });
    // The first check on the scheduler too: a slow or unreachable apiserver must not hold up the
    // start (readiness stays DOWN until a real certificate is served).
    long every = config.certificates().checkInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::check, 0, every, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** Whether the Secret's (or the mounted files') certificate is what the server presents. */
  public boolean serving() {
    return !tls.servingPlaceholder();
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
      if (selfSigned()) {
        serve(reconcileSecret(forced));
      } else {
        serveExternalFiles();
      }
    } catch (RuntimeException e) {
      String message = "webhook certificate check failed: " + e.getMessage();
      LOG.error(message, e);
      Status previous = status.get();
      status.set(
          new Status(
              previous == null ? null : previous.caBundlePem(),
              previous == null ? null : previous.notAfter(),
              previous == null ? null : previous.fingerprint(),
              message));
    }
  }

  private Secret reconcileSecret(Rotation forced) {
    var secrets = client.secrets().inNamespace(config.namespace());
    for (int attempt = 0; attempt < 5; attempt++) {
      Secret current = secrets.withName(config.certificates().secretName()).get();
      Map<String, String> data =
          current == null || current.getData() == null
              ? Map.of()
              : new HashMap<>(current.getData());
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
    var data = SecretData.fromBase64(secret.getData());
    String bundleBase64 = secret.getData().get(WebhookCertificates.CA_BUNDLE);
    // Every injector webhook gets the bundle (old and new CA during a rotation) first, whether or
    // not its control plane's spec is accepted.
    bundles.publish(bundleBase64);
    List<X509Certificate> chain =
        Pem.decodeCertificates(ascii(data.get(WebhookCertificates.TLS_CERT)));
    PrivateKey key = Pem.decodePrivateKey(ascii(data.get(WebhookCertificates.TLS_KEY)));
    ServingKeyManager keys = tls.keyManager();
    boolean fresh = !keys.current().chain().equals(chain);
    if (fresh && !tls.servingPlaceholder() && !caSettled(data)) {
      // A leaf from a new CA is served only once the apiserver trusts that CA; until then the old
      // leaf (still trusted, still valid) serves. One re-check is pending at a time.
      LOG.info("Waiting for every injector webhook to trust the new CA before serving its leaf");
      if (scheduler != null && (gate == null || gate.isDone())) {
        gate = scheduler.schedule(this::check, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
      }
      fresh = false;
    }
    if (fresh && keys.serve(chain, key)) {
      LOG.infof("Serving the webhook certificate %s", keys.current().fingerprint());
    }
    publishStatus(ascii(data.get(WebhookCertificates.CA_BUNDLE)));
  }

  /**
   * Whether the CA of {@code leaf} has been trusted by every injector webhook for at least {@link
   * #SETTLE}: the apiserver reads webhook configurations from its own informer, so a patch it has
   * just acknowledged may not be in use for a moment.
   */
  private boolean caSettled(Map<String, byte[]> data) {
    X509Certificate ca = Pem.decodeCertificate(ascii(data.get(WebhookCertificates.CA_CERT)));
    if (CertificateInfo.isIssuedBy(tls.keyManager().current().leaf(), ca)) {
      return true; // a new leaf from the CA already in use: trusted already
    }
    if (!bundles.trustedByEveryWebhook(ca)) {
      trustedCa = null;
      return false;
    }
    String fingerprint = CertificateInfo.sha256Fingerprint(ca);
    if (!fingerprint.equals(trustedCa)) {
      trustedCa = fingerprint;
      trustedSince = System.nanoTime();
      return false;
    }
    return System.nanoTime() - trustedSince >= SETTLE.toNanos();
  }

  /** source=external: the mounted files, served once they change (and parse). */
  private void serveExternalFiles() {
    Path dir =
        tlsDirectory()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "mesh-operator.webhook.tls-directory is required with"
                            + " mesh-operator.certificates.source=external"));
    byte[] cert = read(dir.resolve(WebhookCertificates.TLS_CERT));
    byte[] key = read(dir.resolve(WebhookCertificates.TLS_KEY));
    List<X509Certificate> chain = Pem.decodeCertificates(ascii(cert));
    if (tls.keyManager().serve(chain, Pem.decodePrivateKey(ascii(key)))) {
      LOG.infof("Serving the webhook certificate from %s", dir);
    }
    publishStatus(null);
  }

  private void publishStatus(String bundlePem) {
    var served = tls.keyManager().current();
    // What the server presents now, not what the Secret holds (they differ while a new CA
    // settles).
    status.set(new Status(bundlePem, served.notAfter(), served.fingerprint(), null));
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String ascii(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalStateException("the webhook Secret lacks a certificate or key");
    }
    return new String(bytes, StandardCharsets.US_ASCII);
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

  Optional<Path> tlsDirectory() {
    return config.webhook().tlsDirectory().map(Path::of);
  }
}
