package dev.meshoperator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Secret's tls.crt/tls.key serve real TLS, and a client trusting only ca-bundle.crt (what the
 * API server gets as caBundle) accepts it with hostname verification. JSSE checks validity against
 * the real time, so this test uses the system clock.
 */
class TlsHandshakeTest {

  @ParameterizedTest
  @EnumSource(
      value = KeyAlgorithm.class,
      names = {"EC_P256", "RSA_2048"})
  void clientTrustingOnlyTheBundleTalksToTheServingCertificate(KeyAlgorithm algorithm)
      throws Exception {
    WebhookCertificates webhook =
        new WebhookCertificates(RenewalPolicy.webhookDefaults(), algorithm, Clock.systemUTC());
    SubjectAlternativeNames sans =
        SubjectAlternativeNames.forService("istio-operator", "mesh-system").withLoopback();
    WebhookCertificates.Result result = webhook.reconcile(Map.of(), sans);

    assertThat(roundTrip(result, "localhost")).isEqualTo(42);
    assertThat(roundTrip(result, "127.0.0.1")).isEqualTo(42);
    assertThatThrownBy(() -> roundTrip(result, "not-in-the-certificate"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  private static int roundTrip(WebhookCertificates.Result result, String hostName)
      throws Exception {
    SSLContext server = serverContext(result);
    SSLContext client = clientContext(result.caBundlePem());
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> serving =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  InputStream in = socket.getInputStream();
                  socket.getOutputStream().write(in.read() + 1);
                  socket.getOutputStream().flush();
                } catch (Exception e) {
                  // the client reports handshake failures; the server side just ends
                }
              });
      // Layering over a connected socket lets the client name the host it "connected to"
      // (checked against the SANs with HTTPS endpoint identification) without any DNS lookup.
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
          SSLSocket socket =
              (SSLSocket)
                  client
                      .getSocketFactory()
                      .createSocket(plain, hostName, listener.getLocalPort(), true)) {
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        OutputStream out = socket.getOutputStream();
        out.write(41);
        out.flush();
        return socket.getInputStream().read();
      } finally {
        serving.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static SSLContext serverContext(WebhookCertificates.Result result) throws Exception {
    var key = Pem.decodePrivateKey(new String(result.data().get(WebhookCertificates.TLS_KEY)));
    List<X509Certificate> chain =
        Pem.decodeCertificates(new String(result.data().get(WebhookCertificates.TLS_CERT)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "changeit".toCharArray();
    store.setKeyEntry("tls", key, password, chain.toArray(Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static SSLContext clientContext(String bundlePem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : Pem.decodeCertificates(bundlePem)) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
