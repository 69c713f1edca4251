package dev.meshoperator.webhook;

import dev.meshoperator.certs.CaSpec;
import dev.meshoperator.certs.CertificateAuthority;
import dev.meshoperator.certs.IssuedCertificate;
import dev.meshoperator.certs.Pem;
import dev.meshoperator.certs.ServingSpec;
import dev.meshoperator.certs.SubjectAlternativeNames;
import io.quarkus.arc.Unremovable;
import io.quarkus.tls.runtime.KeyStoreAndKeyCertOptions;
import io.quarkus.tls.runtime.KeyStoreProvider;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import jakarta.inject.Singleton;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The key store of the TLS configuration {@code webhook} ({@code quarkus.tls.webhook.*}), which the
 * HTTPS server uses: instead of files, one {@link ServingKeyManager} that {@link
 * WebhookCertificateManager} switches in memory. Nothing is written to disk, so no two operator
 * processes on a machine can share or overwrite each other's key, and a {@code kube-inject} run
 * leaves no key behind.
 *
 * <p>Only the {@code @Identifier("webhook")} qualifier, never {@code @Default}: a default
 * KeyStoreProvider would become the key store of the default TLS configuration too, and turn the
 * plain-HTTP management interface (probes, metrics) into HTTPS.
 *
 * <p>Quarkus asks for the key store at start-up, before the operator can read its Secret; until
 * then a throwaway self-signed certificate (made here, in memory, valid one day) is served. The
 * apiserver never trusts it: caBundle only ever carries the Secret's CA.
 */
@Singleton
@Unremovable
@Identifier(WebhookCertificateManager.TLS_CONFIGURATION)
public class ServingTls implements KeyStoreProvider {

  private final ServingKeyManager keyManager = new ServingKeyManager();
  private final String placeholderAlias;

  public ServingTls() {
    Clock clock = Clock.systemUTC();
    var ca =
        CertificateAuthority.selfSigned(
            CaSpec.of("istio-operator bootstrap", "istio-operator", Duration.ofDays(1)), clock);
    IssuedCertificate leaf =
        ca.issueServing(
            ServingSpec.of(
                SubjectAlternativeNames.of(List.of("localhost"), List.of("127.0.0.1")),
                Duration.ofDays(1)),
            clock);
    keyManager.serve(Pem.decodeCertificates(leaf.chainPem()), leaf.privateKey());
    placeholderAlias = keyManager.current().alias();
  }

  public ServingKeyManager keyManager() {
    return keyManager;
  }

  /** Whether only the start-up placeholder has been served so far. */
  public boolean servingPlaceholder() {
    return placeholderAlias.equals(keyManager.current().alias());
  }

  @Override
  public KeyStoreAndKeyCertOptions getKeyStore(Vertx vertx) {
    // The key store is informational (Quarkus may list what it holds); the server itself uses
    // the key manager, asked afresh on every handshake.
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      var current = keyManager.current();
      store.setKeyEntry(
          current.alias(), current.key(), new char[0], current.chain().toArray(Certificate[]::new));
      return new KeyStoreAndKeyCertOptions(store, KeyCertOptions.wrap(keyManager));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the webhook key store", e);
    }
  }
}
