package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.testing.IstiodProcess;
import dev.meshoperator.testing.QuickStartCluster;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** What the real istiod serves, checked against the operator's CA (the cacerts Secret). */
final class OperatorCa {

  private OperatorCa() {}

  /**
   * istiod's serving certificate (its webhook port, the DNS certificate its CA signed) chains to
   * the root in the operator's cacerts: signed by cacerts' ca-cert.pem, itself signed by
   * root-cert.pem; and istio-ca-root-cert (what sidecars trust), written by istiod, is that root.
   */
  static void assertServedChainedToOperatorRoot(QuickStartCluster qs, IstiodProcess istiod)
      throws Exception {
    Secret cacerts =
        qs.admin().secrets().inNamespace(QuickStartCluster.MESH_NS).withName("cacerts").get();
    assertThat(cacerts).as("the operator's cacerts Secret").isNotNull();
    X509Certificate ca = pem(cacerts.getData().get("ca-cert.pem"));
    X509Certificate root = pem(cacerts.getData().get("root-cert.pem"));
    List<X509Certificate> served = served(istiod.webhookHostPort());
    X509Certificate leaf = served.get(0);
    leaf.verify(ca.getPublicKey());
    ca.verify(root.getPublicKey());
    System.err.println(
        "[quickstart-it] istiod serves "
            + leaf.getSubjectX500Principal()
            + " SAN "
            + leaf.getSubjectAlternativeNames()
            + ", issued by "
            + leaf.getIssuerX500Principal()
            + " (the operator's intermediate), root "
            + root.getSubjectX500Principal());
    String rootPem =
        qs.admin()
            .configMaps()
            .inNamespace("default")
            .withName("istio-ca-root-cert")
            .get()
            .getData()
            .get("root-cert.pem");
    assertThat(rootPem.strip())
        .isEqualTo(
            new String(Base64.getDecoder().decode(cacerts.getData().get("root-cert.pem"))).strip());
  }

  private static X509Certificate pem(String b64) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
  }

  /** The chain istiod presents, accepted without checks (they are made above, explicitly). */
  private static List<X509Certificate> served(int port) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        new SecureRandom());
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      var params = s.getSSLParameters();
      params.setServerNames(List.of(new javax.net.ssl.SNIHostName("istiod.istio-system.svc")));
      s.setSSLParameters(params);
      s.startHandshake();
      return List.of((X509Certificate[]) s.getSession().getPeerCertificates());
    }
  }
}
