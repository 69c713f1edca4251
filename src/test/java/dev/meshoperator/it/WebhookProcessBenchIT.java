package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.bench.WebhookLoad;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: the packaged operator as its own process (prod profile) against a local apiserver,
 * loaded over HTTPS on loopback by {@link WebhookLoad} run as a third process (its own JVM), then
 * pods created through the apiserver with and without injection. Prints Markdown tables; fails only
 * on errors. Off unless {@code -Dbench.webhook=true}:
 *
 * <pre>
 * ./mvnw -B verify -Dspotless.check.skip=true -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=WebhookProcessBenchIT -Dbench.webhook=true \
 *   [-Dbench.seconds=60] [-Dbench.warmup=5000] [-Dbench.concurrency=1,8,64] [-Dbench.pods=500]
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.webhook", matches = "true")
class WebhookProcessBenchIT {

  static final String INJECTED = "bench-inject";
  static final String PLAIN = "bench-plain";

  @Test
  void webhookFromAnotherProcessAndPodCreationThroughTheApiserver() throws Exception {
    try (LocalControlPlane cp = LocalControlPlane.start();
        KubernetesClient admin = cp.adminClient()) {
      ClusterSetup.installCrds(admin);
      ClusterSetup.installOperatorRbac(admin);
      Path kubeconfig =
          cp.writeServiceAccountKubeconfig(
              ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
      int port = LocalControlPlane.freePort();
      try (OperatorProcess op =
          OperatorProcess.start(
              "bench-operator",
              kubeconfig,
              cp.workDir(),
              port,
              Map.of("MESH_OPERATOR_WEBHOOK_URL", "https://127.0.0.1:" + port + "/inject"))) {
        op.awaitReady(Duration.ofMinutes(3));
        WebhookEndpoint.ensureDefaultControlPlane(admin);
        WebhookEndpoint.namespace(admin, INJECTED, Map.of("istio-injection", "enabled"));
        WebhookEndpoint.namespace(admin, PLAIN, Map.of());
        Path ca = cp.workDir().resolve("webhook-ca.crt");
        Files.writeString(ca, WebhookEndpoint.caBundlePem(admin), StandardCharsets.US_ASCII);
        String url = "https://127.0.0.1:" + port + "/inject";
        // Until the operator's informers have the namespace, answers are "not injected".
        LocalControlPlane.waitFor(
            "the webhook injecting in " + INJECTED,
            Duration.ofMinutes(2),
            () -> {
              try {
                return loadProcess(url, ca, 1, 0, 1).endsWith("| 0 |");
              } catch (Exception e) {
                return false;
              }
            });
        for (String ns : List.of(INJECTED, PLAIN)) {
          LocalControlPlane.waitFor(
              "the default ServiceAccount in " + ns,
              Duration.ofSeconds(60),
              () -> admin.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        }

        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        List<String> rows = new ArrayList<>();
        long seconds = Long.getLong("bench.seconds", 20);
        int warmup = Integer.getInteger("bench.warmup", 5000);
        for (String c : System.getProperty("bench.concurrency", "1,8,64").split(",")) {
          String row = loadProcess(url, ca, Integer.parseInt(c.trim()), warmup, seconds);
          System.out.println("WebhookLoad " + row);
          rows.add(row);
          assertThat(row).as("errors").endsWith("| 0 |");
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        int pods = Integer.getInteger("bench.pods", 500);
        String injected = createPods(admin, INJECTED, pods);
        String plain = createPods(admin, PLAIN, pods);
        assertThat(
                admin.pods().inNamespace(INJECTED).list().getItems().stream()
                    .filter(p -> p.getMetadata().getAnnotations() != null)
                    .filter(
                        p ->
                            p.getMetadata().getAnnotations().containsKey("sidecar.istio.io/status"))
                    .count())
            .as("injected pods")
            .isEqualTo(pods);
        System.out.printf(
            "WebhookLoad (separate JVM, HTTPS on loopback, %d s per row after %d warm-up requests;"
                + " %d cores; /proc/loadavg before: %s, after: %s):%n%s%n%s%n%n"
                + "Pod creations through the apiserver (8 clients, %d pods in all):%n"
                + "| namespace | pods/s | p50 ms | p99 ms |%n|---|---|---|---|%n%s%n%s%n",
            seconds,
            warmup,
            Runtime.getRuntime().availableProcessors(),
            loadBefore,
            loadAfter,
            WebhookLoad.Result.header(),
            String.join("\n", rows),
            pods,
            injected,
            plain);
      }
    }
  }

  /** WebhookLoad in its own JVM; its table row. */
  private static String loadProcess(String url, Path ca, int concurrency, int warmup, long seconds)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC",
                "-cp",
                System.getProperty("java.class.path"),
                WebhookLoad.class.getName(),
                "--url",
                url,
                "--ca",
                ca.toString(),
                "--namespace",
                INJECTED,
                "--concurrency",
                Integer.toString(concurrency),
                "--warmup",
                Integer.toString(warmup),
                "--seconds",
                Long.toString(seconds)));
    if (seconds <= 1) {
      command.addAll(List.of("--requests", "1"));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(seconds * 3 + 120, TimeUnit.SECONDS)).isTrue();
    return out.lines()
        .filter(l -> l.startsWith("| ") && !l.startsWith("| C "))
        .findFirst()
        .orElse(out);
  }

  /** {@code pods} pod creations by 8 clients: a table row of rate and latency. */
  private static String createPods(KubernetesClient admin, String namespace, int pods)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[pods];
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < 8; t++) {
      Thread thread =
          new Thread(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < pods) {
                  long t0 = System.nanoTime();
                  admin
                      .pods()
                      .inNamespace(namespace)
                      .resource(
                          new PodBuilder()
                              .withNewMetadata()
                              .withName("p-" + i)
                              .addToLabels("app", "bench")
                              .endMetadata()
                              .withNewSpec()
                              .addNewContainer()
                              .withName("app")
                              .withImage("registry.k8s.io/pause:3.10")
                              .addNewPort()
                              .withContainerPort(8080)
                              .endPort()
                              .endContainer()
                              .endSpec()
                              .build())
                      .create();
                  latencies[i] = (System.nanoTime() - t0) / 1000;
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] sorted = latencies.clone();
    java.util.Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "| %s | %.0f | %.1f | %.1f |",
        namespace + (namespace.equals(INJECTED) ? " (injected)" : " (no injection)"),
        pods / elapsed,
        sorted[pods / 2] / 1000.0,
        sorted[(int) Math.ceil(pods * 0.99) - 1] / 1000.0);
  }
}
