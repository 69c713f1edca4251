package dev.meshoperator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshoperator.certs.CaSpec;
import dev.meshoperator.certs.CertificateAuthority;
import dev.meshoperator.certs.IssuedCertificate;
import dev.meshoperator.certs.ServingSpec;
import dev.meshoperator.certs.SubjectAlternativeNames;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The serving key manager behind a real Vert.x HTTPS server (the stack Quarkus runs): many
 * handshakes while the certificate is switched hundreds of times, across two CAs, and none fails.
 * This is what the webhook does on a leaf or CA rotation.
 */
class ServingKeyManagerTest {

  private static final Clock CLOCK = Clock.systemUTC();
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void noHandshakeFailsWhileTheCertificateIsSwitched() throws Exception {
    CertificateAuthority oldCa = ca("old"), newCa = ca("new");
    List<IssuedCertificate> leaves =
        List.of(leaf(oldCa), leaf(oldCa), leaf(newCa), leaf(newCa), leaf(newCa));
    ServingKeyManager keys = new ServingKeyManager();
    keys.serve(chain(leaves.get(0)), leaves.get(0).privateKey());
    int port = serve(keys);
    SSLContext client = trusting(oldCa, newCa);

    var stop = new AtomicBoolean();
    var handshakes = new AtomicInteger();
    var failures = new ConcurrentHashMap<String, Integer>();
    Set<X509Certificate> seen = ConcurrentHashMap.newKeySet();
    var pool = Executors.newFixedThreadPool(9);
    var done = new CountDownLatch(8);
    for (int c = 0; c < 8; c++) {
      // Half TLS 1.3, half TLS 1.2: their key managers are asked at different points.
      String protocol = c % 2 == 0 ? "TLSv1.3" : "TLSv1.2";
      pool.submit(
          () -> {
            try {
              // Bounded in count and time; loopback only.
              for (int i = 0; i < 60 && !stop.get(); i++) {
                try (SSLSocket s =
                    (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
                  s.setSoTimeout(10_000);
                  s.setEnabledProtocols(new String[] {protocol});
                  s.startHandshake();
                  seen.add((X509Certificate) s.getSession().getPeerCertificates()[0]);
                  handshakes.incrementAndGet();
                } catch (Exception e) {
                  failures.merge(
                      e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                }
              }
            } finally {
              done.countDown();
            }
          });
    }
    var swaps = new AtomicInteger();
    pool.submit(
        () -> {
          int i = 1;
          while (!stop.get()) {
            IssuedCertificate next = leaves.get(i++ % leaves.size());
            keys.serve(chain(next), next.privateKey());
            swaps.incrementAndGet();
            Thread.sleep(2);
          }
          return null;
        });
    boolean finished = done.await(90, TimeUnit.SECONDS);
    stop.set(true);
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    System.out.printf(
        "[serving-key-manager] handshakes=%d swaps=%d distinct-certs=%d failures=%s%n",
        handshakes.get(), swaps.get(), seen.size(), failures);
    assertThat(finished).isTrue();
    assertThat(failures).isEmpty();
    assertThat(handshakes.get()).isEqualTo(8 * 60);
    assertThat(swaps.get()).isGreaterThan(50);
    assertThat(seen).as("certificates presented across the switches").hasSizeGreaterThan(2);
  }

  @Test
  void aChainTakesEffectAtTheNextHandshakeAndAMismatchedKeyIsRefused() throws Exception {
    CertificateAuthority ca = ca("one");
    IssuedCertificate a = leaf(ca), b = leaf(ca);
    ServingKeyManager keys = new ServingKeyManager();
    assertThat(keys.serve(chain(a), a.privateKey())).isTrue();
    assertThat(keys.serve(chain(a), a.privateKey())).as("same pair again").isFalse();
    int port = serve(keys);
    SSLContext client = trusting(ca);
    assertThat(presented(client, port)).isEqualTo(a.certificate());
    keys.serve(chain(b), b.privateKey());
    assertThat(presented(client, port)).isEqualTo(b.certificate());
    assertThatThrownBy(() -> keys.serve(chain(a), b.privateKey()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(presented(client, port)).isEqualTo(b.certificate());
  }

  private int serve(ServingKeyManager keys) throws Exception {
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setKeyCertOptions(KeyCertOptions.wrap(keys)))
            .requestHandler(r -> r.response().end("ok"));
    return server
        .listen()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private static X509Certificate presented(SSLContext client, int port) throws Exception {
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  private static CertificateAuthority ca(String name) {
    return CertificateAuthority.selfSigned(
        CaSpec.of("test " + name, "istio-operator", Duration.ofDays(1)), CLOCK);
  }

  private static IssuedCertificate leaf(CertificateAuthority ca) {
    return ca.issueServing(
        ServingSpec.of(
            SubjectAlternativeNames.of(List.of("localhost"), List.of("127.0.0.1")),
            Duration.ofDays(1)),
        CLOCK);
  }

  private static List<X509Certificate> chain(IssuedCertificate leaf) {
    var chain = new ArrayList<X509Certificate>();
    chain.add(leaf.certificate());
    chain.addAll(leaf.issuers());
    return chain;
  }

  private static SSLContext trusting(CertificateAuthority... cas) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < cas.length; i++) {
      trust.setCertificateEntry("ca-" + i, cas[i].certificate());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
