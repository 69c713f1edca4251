package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
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
                            .inNamespace("istio-system")
                            .withName("demo")
                            .get()
                            .getStatus()
                            .condition(MeshControlPlaneStatus.INJECTION_READY))
                    .get()
                    .extracting(StatusCondition::getStatus)
                    .isEqualTo("True"));
  }

  @Test
  void statusReportsTheServingCertificateExpiry() {
    var mcp =
        admin.resources(MeshControlPlane.class).inNamespace("istio-system").withName("demo").get();
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

  @Test
  void podsKeepBeingInjectedAcrossLeafAndCaRotation() throws Exception {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("rotation")
                .withLabels(Map.of("istio-injection", "enabled"))
                .endMetadata()
                .build())
        .serverSideApply();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                admin.serviceAccounts().inNamespace("rotation").withName("default").get() != null);

    var created = new AtomicInteger();
    var failures = new ArrayList<String>();
    var stop = new AtomicBoolean();
    var creator = Executors.newSingleThreadExecutor();
    creator.submit(
        () -> {
          int i = 0;
          while (!stop.get() && i < 400) {
            try {
              Pod p =
                  admin
                      .pods()
                      .inNamespace("rotation")
                      .resource(
                          new PodBuilder()
                              .withNewMetadata()
                              .withName("p" + i)
                              .endMetadata()
                              .withNewSpec()
                              .addNewContainer()
                              .withName("app")
                              .withImage("registry.example/app:1")
                              .endContainer()
                              .endSpec()
                              .build())
                      .create();
              boolean injected =
                  p.getSpec().getInitContainers().stream()
                          .anyMatch(c -> c.getName().equals("istio-proxy"))
                      || p.getSpec().getContainers().stream()
                          .anyMatch(c -> c.getName().equals("istio-proxy"));
              if (!injected) {
                synchronized (failures) {
                  failures.add("p" + i + " not injected");
                }
              }
              created.incrementAndGet();
            } catch (RuntimeException e) {
              synchronized (failures) {
                failures.add("p" + i + ": " + e.getMessage());
              }
            }
            i++;
            Thread.sleep(100);
          }
          return null;
        });

    X509Certificate first =
        await()
            .atMost(TIMEOUT)
            .ignoreExceptions()
            .until(WebhookCertificateIT::served, c -> c != null);
    await().atMost(TIMEOUT).until(() -> created.get() >= 5);

    manager.rotate(WebhookCertificateManager.Rotation.LEAF);
    await().atMost(TIMEOUT).ignoreExceptions().until(() -> !served().equals(first));
    X509Certificate afterLeaf =
        await()
            .atMost(TIMEOUT)
            .ignoreExceptions()
            .until(WebhookCertificateIT::served, c -> c != null);
    assertThat(afterLeaf.getIssuerX500Principal()).isEqualTo(first.getIssuerX500Principal());
    int mark = created.get();
    await().atMost(TIMEOUT).until(() -> created.get() >= mark + 10);

    manager.rotate(WebhookCertificateManager.Rotation.CA);
    await()
        .atMost(TIMEOUT)
        .until(() -> !served().getIssuerX500Principal().equals(first.getIssuerX500Principal()));
    var secret = admin.secrets().inNamespace("istio-operator").withName(SECRET).get();
    List<X509Certificate> bundle =
        Pem.decodeCertificates(
            new String(
                Base64.getDecoder().decode(secret.getData().get("ca-bundle.crt")),
                StandardCharsets.US_ASCII));
    assertThat(bundle).as("old and new CA during the overlap").hasSize(2);
    int mark2 = created.get();
    await().atMost(TIMEOUT).until(() -> created.get() >= mark2 + 10);

    stop.set(true);
    creator.shutdown();
    assertThat(creator.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    System.out.println(
        "[rotation] pods created across leaf and CA rotation: "
            + created.get()
            + ", failures: "
            + failures.size());
    assertThat(failures).isEmpty();
    assertThat(created.get()).isGreaterThanOrEqualTo(25);
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
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            public void checkServerTrusted(X509Certificate[] c, String a) {}

            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
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
