package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.certs.Pem;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator-managed mesh CA: the cacerts Secret istiod reads, and its root. */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class MeshCaIT {

  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  void cacertsHasIstiodsLayoutAndAChainThatVerifiesToTheRoot() throws Exception {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("mesh-ca").endMetadata().build())
        .serverSideApply();
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: meshca}
                spec: {profile: minimal, namespace: mesh-ca, certificateAuthority: operator}
                """,
                GenericKubernetesResource.class))
        .serverSideApply();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> admin.secrets().inNamespace("mesh-ca").withName("cacerts").get() != null);
    Secret cacerts = admin.secrets().inNamespace("mesh-ca").withName("cacerts").get();
    assertThat(cacerts.getData())
        .containsOnlyKeys("ca-cert.pem", "ca-key.pem", "root-cert.pem", "cert-chain.pem");
    assertThat(pem(cacerts, "ca-key.pem")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(cacerts.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("MeshControlPlane"));

    X509Certificate intermediate = Pem.decodeCertificate(pem(cacerts, "ca-cert.pem"));
    List<X509Certificate> chain = Pem.decodeCertificates(pem(cacerts, "cert-chain.pem"));
    List<X509Certificate> roots = Pem.decodeCertificates(pem(cacerts, "root-cert.pem"));
    assertThat(chain.get(0)).isEqualTo(intermediate);
    assertThat(intermediate.getBasicConstraints()).isEqualTo(0);
    var params = new PKIXParameters(Set.of(new TrustAnchor(roots.get(0), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(intermediate)),
            params);

    // The root's key stays with the operator, out of istiod's namespace.
    Secret root =
        admin.secrets().inNamespace("istio-operator").withName("mesh-root-ca-mesh-ca").get();
    assertThat(root).isNotNull();
    assertThat(Pem.decodeCertificates(pem(root, "root-cert.pem")).get(0)).isEqualTo(roots.get(0));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                admin.apps().deployments().inNamespace("mesh-ca").withName("istiod-meshca").get()
                    != null);
    assertThat(
            admin
                .apps()
                .deployments()
                .inNamespace("mesh-ca")
                .withName("istiod-meshca")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getSecret() != null && "cacerts".equals(v.getSecret().getSecretName()))
                    .isTrue());

    // Deleting the control plane removes the root and, by garbage collection, cacerts.
    admin.resources(MeshControlPlane.class).withName("meshca").delete();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(
                      admin
                          .secrets()
                          .inNamespace("istio-operator")
                          .withName("mesh-root-ca-mesh-ca")
                          .get())
                  .isNull();
              assertThat(admin.secrets().inNamespace("mesh-ca").withName("cacerts").get()).isNull();
            });
  }

  private static String pem(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
  }
}
