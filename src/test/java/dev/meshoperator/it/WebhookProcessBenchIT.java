package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.bench.WebhookLoad;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.DeploymentJvm;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: the packaged operator as its own process (prod profile) against a local apiserver,
 * loaded over HTTPS on loopback by {@link WebhookLoad} (a Go net/http client, as the apiserver's
 * webhook client is, in a third process), then pods created through the apiserver with and without
 * injection. Prints Markdown tables; fails only on errors. Off unless {@code -Dbench.webhook=true}:
 *
 * <pre>
 * ./mvnw -B verify -Dspotless.check.skip=true -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=WebhookProcessBenchIT -Dbench.webhook=true \
 *   [-Dbench.seconds=60] [-Dbench.warmup=5000] [-Dbench.concurrency=1,8,64] [-Dbench.pods=500]
 *   [-Dbench.h2.concurrency=8] [-Dbench.h2.connections=0] [-Dbench.plain.concurrency=1,8]
 *   [-Dbench.floor.concurrency=1,8]
 *   [-Dbench.jvm="-Xmx256m ..."] [-Dbench.operator.env=K=V,...] [-Dbench.jfr=/tmp/operator.jfr] [-Dbench.warmup.first=20000]
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.webhook", matches = "true")
class WebhookProcessBenchIT {

  /**
   * The operator's JVM: the Deployment's ({@link DeploymentJvm}, its memory limit and options) on
   * this machine's cores, or {@code -Dbench.jvm=...}.
   */
  static final List<String> JVM =
      DeploymentJvm.split(System.getProperty("bench.jvm", DeploymentJvm.options(false)));

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
              "bench-operator", kubeconfig, cp.workDir(), port, operatorEnv(port), JVM)) {
        op.awaitReady(Duration.ofMinutes(3));
        WebhookEndpoint.ensureDefaultControlPlane(admin);
        WebhookEndpoint.namespace(admin, INJECTED, Map.of("istio-injection", "enabled"));
        WebhookEndpoint.namespace(admin, PLAIN, Map.of());
        Path ca = cp.workDir().resolve("webhook-ca.crt");
        Files.writeString(ca, WebhookEndpoint.caBundlePem(admin), StandardCharsets.US_ASCII);
        var load =
            new WebhookLoad.Options(
                URI.create("https://127.0.0.1:" + port + "/inject"),
                ca,
                WebhookLoad.writeTypicalReview(cp.workDir(), INJECTED),
                1,
                0,
                Duration.ofSeconds(5),
                1,
                "1.1",
                Integer.getInteger("bench.h2.connections", 0),
                op.pid());
        // Until the operator's informers have the namespace, answers are "not injected".
        LocalControlPlane.waitFor(
            "the webhook injecting in " + INJECTED,
            Duration.ofMinutes(2),
            () -> {
              try {
                return WebhookLoad.run(load).ok();
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
        long seconds = Long.getLong("bench.seconds", 20);
        int warmup = Integer.getInteger("bench.warmup", 5000);
        var timed =
            new WebhookLoad.Options(
                load.url(),
                ca,
                load.reviewFile(),
                1,
                warmup,
                Duration.ofSeconds(seconds),
                0,
                "1.1",
                load.connections(),
                op.pid());
        var h2 =
            new WebhookLoad.Options(
                load.url(),
                ca,
                load.reviewFile(),
                1,
                warmup,
                Duration.ofSeconds(seconds),
                0,
                "2",
                load.connections(),
                op.pid());
        // The same pod in a namespace not selected for injection: allowed with only the
        // skip annotation, so the engine's part is small and the rest (TLS, HTTP, decode) shows.
        var notSelected =
            new WebhookLoad.Options(
                load.url(),
                ca,
                WebhookLoad.writeTypicalReview(cp.workDir(), PLAIN),
                1,
                warmup,
                Duration.ofSeconds(seconds),
                0,
                "1.1",
                0,
                op.pid());
        // The JIT compiles the injection path over the first tens of thousands of requests: a
        // warm-up of its own before any row, or the first row measures the compiler too.
        WebhookLoad.run(
            new WebhookLoad.Options(
                load.url(),
                ca,
                load.reviewFile(),
                8,
                Integer.getInteger("bench.warmup.first", 20000),
                Duration.ofSeconds(1),
                0,
                "1.1",
                0,
                0));
        List<String> rows = new ArrayList<>();
        rows.addAll(rows("typical", timed, System.getProperty("bench.concurrency", "1,8,64")));
        rows.addAll(rows("typical", h2, System.getProperty("bench.h2.concurrency", "8")));
        rows.addAll(
            rows(
                "not selected", notSelected, System.getProperty("bench.plain.concurrency", "1,8")));
        rows.addAll(floorRows(admin, cp.workDir(), load, timed, ca));
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
            "webhook-load (Go net/http client, own process, HTTPS on loopback, %d s per row after"
                + " %d warm-up requests; %d cores; operator JVM %s; /proc/loadavg before: %s,"
                + " after: %s):%n"
                + "| review %s%n|---%s%n%s%n%n"
                + "Pod creations through the apiserver (8 clients, %d pods in all):%n"
                + "| namespace | pods/s | p50 ms | p99 ms |%n|---|---|---|---|%n%s%n%s%n",
            seconds,
            warmup,
            Runtime.getRuntime().availableProcessors(),
            String.join(" ", JVM),
            loadBefore,
            loadAfter,
            WebhookLoad.HEADER.lines().findFirst().orElseThrow(),
            WebhookLoad.HEADER.lines().skip(1).findFirst().orElseThrow(),
            String.join("\n", rows),
            pods,
            injected,
            plain);
      }
    }
  }

  /**
   * The operator's environment: its webhook URL, then {@code -Dbench.operator.env=K=V,K=V} (e.g.
   * MESH_OPERATOR_WEBHOOK_EVENT_LOOP_MAX_BYTES=0 to compare settings on one build), and with {@code
   * -Dbench.jfr=FILE} a flight recording of the whole run.
   */
  private static Map<String, String> operatorEnv(int port) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("MESH_OPERATOR_WEBHOOK_URL", "https://127.0.0.1:" + port + "/inject");
    env.put("MALLOC_ARENA_MAX", DeploymentJvm.env("MALLOC_ARENA_MAX"));
    for (String kv : System.getProperty("bench.operator.env", "").split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null) {
      env.put(
          "JAVA_TOOL_OPTIONS",
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr);
    }
    return env;
  }

  /**
   * The floor rows: the same load against {@link WebhookLoad#startFloor}, a Go server with the
   * operator's own serving certificate that answers the typical review with the operator's own
   * answer to it (fetched once, uid left as the placeholder), so TLS, HTTP and the bytes on the
   * wire are the same and only the webhook's work is gone. {@code -Dbench.floor.concurrency}
   * (default 1,8; empty: none).
   */
  private static List<String> floorRows(
      KubernetesClient admin,
      Path dir,
      WebhookLoad.Options load,
      WebhookLoad.Options timed,
      Path ca)
      throws Exception {
    String list = System.getProperty("bench.floor.concurrency", "1,8");
    if (list.isBlank()) {
      return List.of();
    }
    var secret =
        admin
            .secrets()
            .inNamespace(ClusterSetup.OPERATOR_NAMESPACE)
            .withName("istio-operator-webhook-tls")
            .get();
    Path cert = dir.resolve("floor-tls.crt");
    Path key = dir.resolve("floor-tls.key");
    Files.write(cert, java.util.Base64.getDecoder().decode(secret.getData().get("tls.crt")));
    Files.write(key, java.util.Base64.getDecoder().decode(secret.getData().get("tls.key")));
    var http =
        java.net.http.HttpClient.newBuilder()
            .sslContext(WebhookEndpoint.sslContext(Files.readString(ca)))
            .build();
    var response =
        http.send(
            java.net.http.HttpRequest.newBuilder(load.url())
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(load.reviewFile()))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("the operator's answer for the floor").isEqualTo(200);
    assertThat(response.body().split("__UID__", -1)).as("one uid in the answer").hasSize(2);
    assertThat(response.body()).as("an injection patch").contains("\"patch\"");
    Path answer = dir.resolve("floor-answer.json");
    Files.writeString(answer, response.body(), StandardCharsets.UTF_8);
    try (var floor = WebhookLoad.startFloor(cert, key, answer)) {
      var o =
          new WebhookLoad.Options(
              floor.url(),
              ca,
              timed.reviewFile(),
              1,
              timed.warmup(),
              timed.duration(),
              0,
              "1.1",
              0,
              floor.pid());
      return rows("floor (Go, fixed answer)", o, list);
    }
  }

  /** One row per concurrency in {@code list} (comma-separated; empty: none), each checked. */
  private static List<String> rows(String review, WebhookLoad.Options o, String list)
      throws Exception {
    List<String> rows = new ArrayList<>();
    for (String c : list.split(",")) {
      if (c.isBlank()) {
        continue;
      }
      var r = WebhookLoad.run(o.withConcurrency(Integer.parseInt(c.trim())));
      System.out.println("webhook-load " + review + " " + r.row() + " " + r.errorKinds());
      assertThat(r.ok()).as("no errors: %s %s", r.row(), r.errorKinds()).isTrue();
      rows.add("| " + review + " " + r.row());
    }
    return rows;
  }

  /** {@code pods} pod creations by 8 clients: a table row of rate and latency. */
  private static String createPods(KubernetesClient admin, String namespace, int pods)
      throws Exception {
    if (pods <= 0) {
      return "| " + namespace + " | (-Dbench.pods=0: not run) | | |";
    }
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
