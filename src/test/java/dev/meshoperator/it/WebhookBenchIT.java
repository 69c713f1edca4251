package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.bench.WebhookLoad;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: runs {@link WebhookLoad} against the operator under {@code @QuarkusTest} (loopback,
 * HTTPS, real informers) and prints a Markdown table. Off unless {@code -Dbench.webhook=true}:
 *
 * <pre>
 * ./mvnw -B verify -Dspotless.check.skip=true -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=WebhookBenchIT -Dbench.webhook=true \
 *   [-Dbench.requests=20000] [-Dbench.warmup=3000] [-Dbench.concurrency=1,4,16] \
 *   [-Dbench.http=1.1,2] [-Dbench.seconds=60]
 * </pre>
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
@EnabledIfSystemProperty(named = "bench.webhook", matches = "true")
class WebhookBenchIT {

  private static final String NS = "bench-inject";

  @Test
  void webhookEndpointUnderConcurrentLoad() throws Exception {
    var admin = LocalCluster.get().admin();
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    WebhookEndpoint.namespace(admin, NS, Map.of("istio-injection", "enabled"));
    Path ca = Files.createTempFile("webhook-ca-", ".crt");
    Files.writeString(ca, WebhookEndpoint.caBundlePem(admin), StandardCharsets.US_ASCII);
    // Until the informers have the namespace, answers are "not injected": wait for one.
    org.awaitility.Awaitility.await()
        .atMost(WebhookEndpoint.TIMEOUT)
        .until(() -> load(ca, 1, 1, 0, HttpClient.Version.HTTP_1_1).errors() == 0);

    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    int requests = Integer.getInteger("bench.requests", 20000);
    int warmup = Integer.getInteger("bench.warmup", 3000);
    List<String> rows = new ArrayList<>();
    for (String http : System.getProperty("bench.http", "1.1").split(",")) {
      var version =
          "2".equals(http.trim()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
      for (String c : System.getProperty("bench.concurrency", "1,4,16").split(",")) {
        var r = load(ca, requests, Integer.parseInt(c.trim()), warmup, version);
        System.out.println("WebhookLoad " + r.row() + " errors=" + r.errorKinds());
        rows.add(r.row());
        assertThat(r.errors()).as("errors %s", r.errorKinds()).isZero();
      }
    }
    System.out.printf(
        "WebhookLoad results (N=%d measured after %d warm-up, %d cores, Java %s,"
            + " /proc/loadavg before: %s, after: %s):%n%s%n%s%n",
        requests,
        warmup,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        loadBefore,
        Files.readString(Path.of("/proc/loadavg")).trim(),
        WebhookLoad.Result.header(),
        String.join("\n", rows));
  }

  private static WebhookLoad.Result load(
      Path ca, int requests, int concurrency, int warmup, HttpClient.Version version)
      throws Exception {
    return WebhookLoad.run(
        new WebhookLoad.Options(
            URI.create(WebhookEndpoint.URL),
            ca,
            NS,
            requests,
            concurrency,
            warmup,
            Duration.ofSeconds(Long.getLong("bench.seconds", 60)),
            version));
  }
}
