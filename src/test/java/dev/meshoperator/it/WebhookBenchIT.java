package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.bench.WebhookLoad;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
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
 * Not a test: runs {@link WebhookLoad} (the Go load generator, its own process) against the
 * operator under {@code @QuarkusTest} (loopback, HTTPS, real informers; the server is this test
 * JVM, so quicker to iterate on than {@link WebhookProcessBenchIT}, which measures the packaged
 * operator) and prints a Markdown table. Off unless {@code -Dbench.webhook=true}:
 *
 * <pre>
 * ./mvnw -B verify -Dspotless.check.skip=true -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=WebhookBenchIT -Dbench.webhook=true \
 *   [-Dbench.warmup=3000] [-Dbench.concurrency=1,4,16] [-Dbench.http=1.1,2] [-Dbench.seconds=20]
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
    Path dir = Files.createTempDirectory("webhook-bench-");
    Path ca = dir.resolve("ca.crt");
    Files.writeString(ca, WebhookEndpoint.caBundlePem(admin), StandardCharsets.US_ASCII);
    var once =
        new WebhookLoad.Options(
            URI.create(WebhookEndpoint.URL),
            ca,
            WebhookLoad.writeTypicalReview(dir, NS),
            1,
            0,
            Duration.ofSeconds(5),
            1,
            "1.1",
            0,
            ProcessHandle.current().pid());
    // Until the informers have the namespace, answers are "not injected": wait for one.
    org.awaitility.Awaitility.await()
        .atMost(WebhookEndpoint.TIMEOUT)
        .until(() -> WebhookLoad.run(once).ok());

    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    int warmup = Integer.getInteger("bench.warmup", 3000);
    long seconds = Long.getLong("bench.seconds", 20);
    List<String> rows = new ArrayList<>();
    for (String http : System.getProperty("bench.http", "1.1").split(",")) {
      for (String c : System.getProperty("bench.concurrency", "1,4,16").split(",")) {
        var r =
            WebhookLoad.run(
                new WebhookLoad.Options(
                    once.url(),
                    ca,
                    once.reviewFile(),
                    Integer.parseInt(c.trim()),
                    warmup,
                    Duration.ofSeconds(seconds),
                    0,
                    http.trim(),
                    0,
                    once.serverPid()));
        System.out.println("webhook-load " + r.row() + " " + r.errorKinds());
        rows.add(r.row());
        assertThat(r.ok()).as("no errors: %s %s", r.row(), r.errorKinds()).isTrue();
      }
    }
    System.out.printf(
        "webhook-load against the test JVM (%d s per row after %d warm-up, %d cores, Java %s,"
            + " /proc/loadavg before: %s, after: %s):%n%s%n%s%n",
        seconds,
        warmup,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        loadBefore,
        Files.readString(Path.of("/proc/loadavg")).trim(),
        WebhookLoad.HEADER,
        String.join("\n", rows));
  }
}
