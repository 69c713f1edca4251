package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.certs.CertificateInfo;
import dev.meshoperator.certs.Pem;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.testing.AuditLog;
import dev.meshoperator.testing.ConfigOverrides;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import dev.meshoperator.webhook.ServingTls;
import dev.meshoperator.webhook.WebhookCertificateManager;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webhook's certificate lifecycle against the real apiserver, which calls it over TLS. */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class WebhookCertificateIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String SECRET = "istio-operator-webhook-tls";
  private final KubernetesClient admin = LocalCluster.get().admin();

  @Inject WebhookCertificateManager manager;
  @Inject OperatorConfig config;
  @Inject KubernetesClient operatorClient;
  @Inject Clock clock;

  @BeforeAll
  static void defaultRevision() {
    KubernetesClient admin = LocalCluster.get().admin();
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .resources(MeshControlPlane.class)
                            .withName("default")
                            .get()
                            .getStatus()
                            .condition(MeshControlPlaneStatus.INJECTION_READY))
                    .get()
                    .extracting(StatusCondition::getStatus)
                    .isEqualTo("True"));
  }

  @Test
  void statusReportsTheServingCertificateExpiry() {
    var mcp = admin.resources(MeshControlPlane.class).withName("default").get();
    assertThat(Instant.parse(mcp.getStatus().getWebhookCertificateExpiry()))
        .isAfter(Instant.now().plus(Duration.ofDays(30)));
  }

  @Test
  void aRestartReusesTheSecretWithoutWritingIt() throws Exception {
    String before =
        admin
            .secrets()
            .inNamespace("istio-operator")
            .withName(SECRET)
            .get()
            .getMetadata()
            .getResourceVersion();
    var restarted = replica(SECRET);
    restarted.check();
    assertThat(restarted.status())
        .get()
        .satisfies(
            s -> {
              assertThat(s.error()).isNull();
              assertThat(s.fingerprint()).isEqualTo(manager.status().orElseThrow().fingerprint());
            });
    assertThat(
            admin
                .secrets()
                .inNamespace("istio-operator")
                .withName(SECRET)
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(before);
  }

  @Test
  void twoReplicasStartingTogetherEndWithOneCertificate() throws Exception {
    String name = "race-webhook-tls";
    Instant since = Instant.now();
    var a = replica(name);
    var b = replica(name);
    var start = new CountDownLatch(1);
    var pool = Executors.newFixedThreadPool(2);
    for (var replica : List.of(a, b)) {
      pool.submit(
          () -> {
            start.await();
            replica.check();
            return null;
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(a.status().orElseThrow().error()).isNull();
    assertThat(b.status().orElseThrow().error()).isNull();
    assertThat(a.status().orElseThrow().fingerprint())
        .isEqualTo(b.status().orElseThrow().fingerprint());
    long created =
        AuditLog.writesBy(AuditLog.operatorUser(), since).stream()
            .filter(
                w -> w.resource().equals("secrets") && w.verb().equals("create") && w.code() == 201)
            .count();
    assertThat(created).as("Secrets created by the two replicas").isEqualTo(1);
    admin.secrets().inNamespace("istio-operator").withName(name).delete();
  }

  @Test
  void aRemovedCaBundleIsPutBack() {
    String name = "istio-sidecar-injector-istio-system";
    var hooks = admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name);
    String bundle = hooks.get().getWebhooks().get(0).getClientConfig().getCaBundle();
    hooks.patch(
        PatchContext.of(PatchType.JSON),
        "[{\"op\":\"remove\",\"path\":\"/webhooks/0/clientConfig/caBundle\"}]");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(hooks.get().getWebhooks().get(0).getClientConfig().getCaBundle())
                    .isEqualTo(bundle));
  }

  /**
   * A leaf and then a CA rotation while three clients create pods and four open fresh TLS
   * connections to the webhook, with a second control plane whose spec is refused (unsupported
   * version): its webhook must get the new CA too, or the rotation could never complete.
   */
  @Test
  void podsKeepBeingInjectedAcrossLeafAndCaRotation() throws Exception {
    WebhookEndpoint.namespace(admin, "rotation", Map.of("istio-injection", "enabled"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                admin.serviceAccounts().inNamespace("rotation").withName("default").get() != null);
    String refusedHook = refusedControlPlane();

    X509Certificate first =
        await()
            .atMost(TIMEOUT)
            .ignoreExceptions()
            .until(WebhookCertificateIT::served, c -> c != null);
    AdmissionTraffic traffic;
    try (var t = new AdmissionTraffic(admin, "rotation", "p", 3, 150, 4, port())) {
      traffic = t;
      await().atMost(TIMEOUT).until(() -> t.created() >= 5);

      manager.rotate(WebhookCertificateManager.Rotation.LEAF);
      await().atMost(TIMEOUT).ignoreExceptions().until(() -> !served().equals(first));
      X509Certificate afterLeaf = served();
      assertThat(afterLeaf.getIssuerX500Principal()).isEqualTo(first.getIssuerX500Principal());
      int mark = t.created();
      await().atMost(TIMEOUT).until(() -> t.created() >= mark + 10);

      manager.rotate(WebhookCertificateManager.Rotation.CA);
      X509Certificate afterCa =
          await()
              .atMost(TIMEOUT)
              .ignoreExceptions()
              .until(
                  WebhookCertificateIT::served,
                  c -> !c.getIssuerX500Principal().equals(first.getIssuerX500Principal()));
      var secret = admin.secrets().inNamespace("istio-operator").withName(SECRET).get();
      List<X509Certificate> bundle =
          Pem.decodeCertificates(decode(secret.getData().get("ca-bundle.crt")));
      assertThat(bundle).as("old and new CA during the overlap").hasSize(2);
      X509Certificate newCa = Pem.decodeCertificate(decode(secret.getData().get("ca.crt")));
      assertThat(CertificateInfo.isIssuedBy(afterCa, newCa)).isTrue();
      // Every injector webhook trusts the new CA, the refused control plane's included.
      var hooks =
          admin
              .admissionRegistration()
              .v1()
              .mutatingWebhookConfigurations()
              .withLabel("app.kubernetes.io/managed-by", "istio-operator")
              .list()
              .getItems();
      assertThat(hooks).extracting(h -> h.getMetadata().getName()).contains(refusedHook);
      assertThat(hooks.stream().flatMap(h -> h.getWebhooks().stream()))
          .allSatisfy(
              w ->
                  assertThat(Pem.decodeCertificates(decode(w.getClientConfig().getCaBundle())))
                      .as(w.getName())
                      .contains(newCa));
      int mark2 = t.created();
      await().atMost(TIMEOUT).until(() -> t.created() >= mark2 + 10);
    }
    System.out.println("[rotation] across leaf and CA rotation: " + traffic.summary());
    assertThat(traffic.failures()).isEmpty();
    assertThat(traffic.handshakeFailures()).isEmpty();
    assertThat(traffic.created()).isGreaterThanOrEqualTo(25);
    assertThat(traffic.handshakes()).isGreaterThan(100);
  }

  /**
   * A canary control plane that first gets its injector webhook, then is refused (an unsupported
   * version), so its workflow no longer runs. Returns its webhook's name.
   */
  private String refusedControlPlane() {
    WebhookEndpoint.namespace(admin, "rotation-refused", Map.of());
    String manifest =
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: refused}
        spec: {profile: minimal, namespace: rotation-refused, version: %s}
        """;
    admin
        .resource(
            Serialization.unmarshal(
                manifest.formatted(IstioVersions.DEFAULT), GenericKubernetesResource.class))
        .serverSideApply();
    String hook = "istio-sidecar-injector-refused-rotation-refused";
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                admin
                        .admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName(hook)
                        .get()
                    != null);
    admin
        .resource(
            Serialization.unmarshal(manifest.formatted("1.20.0"), GenericKubernetesResource.class))
        .serverSideApply();
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .resources(MeshControlPlane.class)
                            .withName("refused")
                            .get()
                            .getStatus()
                            .condition(MeshControlPlaneStatus.RECONCILED))
                    .get()
                    .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"))
                    .satisfies(c -> assertThat(c.getMessage()).contains("1.20.0")));
    return hook;
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }

  /**
   * A second operator "replica": same cluster and config, its own in-memory serving key manager
   * (its own process would have its own HTTPS server), another Secret name, and another webhook
   * URL, so it never publishes its CA bundle to the webhooks this operator serves.
   */
  private WebhookCertificateManager replica(String secretName) {
    OperatorConfig overridden =
        ConfigOverrides.of(
            config,
            Map.of(
                "certificates.secretName",
                secretName,
                "webhook.url",
                java.util.Optional.of("https://127.0.0.1:9/replica-of-" + secretName)));
    return new WebhookCertificateManager(operatorClient, overridden, clock, new ServingTls());
  }

  /** The certificate the HTTPS server presents right now. */
  private static X509Certificate served() throws Exception {
    SSLContext ctx = AdmissionTraffic.trustAll();
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** The HTTPS port of this run (moved by -D%test.quarkus.http.test-ssl-port beside others). */
  static int port() {
    return java.net.URI.create(WebhookEndpoint.URL).getPort();
  }

  static String fingerprint(X509Certificate c) {
    return CertificateInfo.sha256Fingerprint(c);
  }
}
