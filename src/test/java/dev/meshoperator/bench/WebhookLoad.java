package dev.meshoperator.bench;

import dev.meshoperator.testing.HackScripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs hack/webhook-load (built and cached by hack/build-webhook-load.sh), the webhook benchmark's
 * load generator: a Go net/http client over TLS, as the kube-apiserver's webhook client is, in its
 * own process. C closed-loop workers, each with its own keep-alive connection (or HTTP/2 streams
 * over shared connections), an unmeasured warm-up, then a measured phase of a given length; every
 * answer is checked (HTTP 200, the review's uid echoed, allowed with a JSONPatch). See main.go
 * there for what it measures.
 */
public final class WebhookLoad {

  /**
   * What to run.
   *
   * @param http "1.1" or "2"
   * @param connections HTTP/2 only: connections the workers share (0: one each)
   * @param requests stop the measured phase after this many (0: by time only)
   * @param serverPid the webhook's process, whose CPU time per request is reported (0: none)
   */
  public record Options(
      URI url,
      Path caFile,
      Path reviewFile,
      int concurrency,
      int warmup,
      Duration duration,
      int requests,
      String http,
      int connections,
      long serverPid) {

    public Options {
      if (concurrency < 1 || warmup < 0 || requests < 0) {
        throw new IllegalArgumentException("concurrency must be positive");
      }
    }

    /** With another concurrency. */
    public Options withConcurrency(int c) {
      return new Options(
          url, caFile, reviewFile, c, warmup, duration, requests, http, connections, serverPid);
    }
  }

  /**
   * What came out: the program's Markdown table row and its error kinds (empty when none).
   *
   * @param row | C | protocol | connections | s | N | req/s | p50 | p90 | p99 | p99.9 | max |
   *     client CPU ms/req | server CPU ms/req | errors |
   */
  public record Result(String row, String errorKinds, int exitCode) {

    public boolean ok() {
      return exitCode == 0 && row.endsWith("| 0 |");
    }
  }

  /** The table header the rows belong under. */
  public static final String HEADER =
      "| C | protocol | connections | s | N | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms"
          + " | client CPU ms/req | server CPU ms/req | errors |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

  private static Path binary;

  private WebhookLoad() {}

  /** The load generator's binary, built on first use (a few seconds; standard library only). */
  public static synchronized Path binary() {
    if (binary == null) {
      binary = HackScripts.cacheDir("hack/build-webhook-load.sh", Files::isExecutable);
    }
    return binary;
  }

  /** Writes the typical pod's review for {@code namespace}, with {@code __UID__} for the uid. */
  public static Path writeTypicalReview(Path dir, String namespace) {
    try {
      Path file = dir.resolve("review-" + namespace + ".json");
      Files.writeString(file, typicalPodReview(namespace), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The floor server ({@code webhook-load floor}, see floor.go): Go's net/http over TLS with the
   * given certificate, answering every review with {@code answer} (its {@code __UID__} replaced by
   * the request's uid) and doing nothing else. Loaded like the webhook, it shows what the machine
   * and the closed loop cost before any webhook's own work.
   */
  public record Floor(Process process, URI url) implements AutoCloseable {

    public long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the floor server on a free loopback port; returns once it listens. */
  public static Floor startFloor(Path cert, Path key, Path answer) throws IOException {
    Process p =
        new ProcessBuilder(
                binary().toString(),
                "floor",
                "-listen",
                "127.0.0.1:0",
                "-cert",
                cert.toString(),
                "-key",
                key.toString(),
                "-answer",
                answer.toString())
            .redirectErrorStream(true)
            .start();
    var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
    String first = lines.readLine();
    if (first == null || !first.startsWith("listening on ")) {
      p.destroyForcibly();
      throw new IllegalStateException("webhook-load floor did not start: " + first);
    }
    // Anything it prints later (nothing, unless it fails) must not fill the pipe.
    Thread drain =
        new Thread(
            () -> {
              try {
                lines.transferTo(java.io.Writer.nullWriter());
              } catch (IOException e) {
                // the process ended
              }
            },
            "webhook-floor-output");
    drain.setDaemon(true);
    drain.start();
    return new Floor(p, URI.create("https://" + first.substring(13).trim() + "/inject"));
  }

  /** Runs the load generator to completion. */
  public static Result run(Options o) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary().toString(),
                "-url",
                o.url().toString(),
                "-ca",
                o.caFile().toString(),
                "-body",
                o.reviewFile().toString(),
                "-c",
                Integer.toString(o.concurrency()),
                "-warmup",
                Integer.toString(o.warmup()),
                "-duration",
                o.duration().toMillis() + "ms",
                "-requests",
                Integer.toString(o.requests()),
                "-http",
                o.http(),
                "-conns",
                Integer.toString(o.connections()),
                "-server-pid",
                Long.toString(o.serverPid())));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(o.duration().toSeconds() * 3 + 360, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("webhook-load did not finish:\n" + out);
    }
    String row =
        out.lines()
            .filter(l -> l.startsWith("| ") && !l.startsWith("| C "))
            .findFirst()
            .orElse(out.strip());
    String errors =
        out.lines()
            .filter(l -> l.startsWith("errors: "))
            .findFirst()
            .map(l -> l.substring(8))
            .orElse("");
    return new Result(row, errors, p.exitValue());
  }

  /**
   * The AdmissionReview the apiserver sends for a pod of a typical Deployment (after the
   * ServiceAccount admission plugin added the token volume), with {@code __UID__} for the uid.
   * About 3.5 KB.
   */
  public static String typicalPodReview(String namespace) {
    return """
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{
        "uid":"__UID__",
        "kind":{"group":"","version":"v1","kind":"Pod"},
        "resource":{"group":"","version":"v1","resource":"pods"},
        "requestKind":{"group":"","version":"v1","kind":"Pod"},
        "requestResource":{"group":"","version":"v1","resource":"pods"},
        "namespace":"__NS__","operation":"CREATE",
        "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller",
          "uid":"5b0c1f0e-7f0c-4d1a-9e0b-2d6f1c1c1c1c",
          "groups":["system:serviceaccounts","system:serviceaccounts:kube-system",
            "system:authenticated"]},
        "object":{"kind":"Pod","apiVersion":"v1","metadata":{
          "generateName":"reviews-v1-7d9f8c6b5d-",
          "namespace":"__NS__",
          "labels":{"app":"reviews","version":"v1","pod-template-hash":"7d9f8c6b5d"},
          "annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-01T00:00:00Z"},
          "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet",
            "name":"reviews-v1-7d9f8c6b5d","uid":"0d7f2a52-6a43-4c1f-9a3e-8f3b1e2a9c11",
            "controller":true,"blockOwnerDeletion":true}]},
        "spec":{
          "volumes":[{"name":"tmp","emptyDir":{}},
            {"name":"kube-api-access-abcde","projected":{"sources":[
              {"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},
              {"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},
              {"downwardAPI":{"items":[{"path":"namespace",
                "fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],
              "defaultMode":420}}],
          "containers":[{"name":"reviews",
            "image":"docker.io/istio/examples-bookinfo-reviews-v1:1.20.2",
            "ports":[{"containerPort":9080,"protocol":"TCP"}],
            "env":[{"name":"LOG_DIR","value":"/tmp/logs"}],
            "resources":{"requests":{"cpu":"100m","memory":"128Mi"},
              "limits":{"cpu":"500m","memory":"256Mi"}},
            "volumeMounts":[{"name":"tmp","mountPath":"/tmp"},
              {"name":"kube-api-access-abcde","readOnly":true,
               "mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],
            "readinessProbe":{"httpGet":{"path":"/health","port":9080,"scheme":"HTTP"},
              "initialDelaySeconds":5,"timeoutSeconds":1,"periodSeconds":10,
              "successThreshold":1,"failureThreshold":3},
            "livenessProbe":{"tcpSocket":{"port":9080},"timeoutSeconds":1,"periodSeconds":10,
              "successThreshold":1,"failureThreshold":3},
            "terminationMessagePath":"/dev/termination-log",
            "terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent",
            "securityContext":{"runAsUser":1000}}],
          "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
          "serviceAccountName":"bookinfo-reviews","serviceAccount":"bookinfo-reviews",
          "securityContext":{},"schedulerName":"default-scheduler",
          "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists",
            "effect":"NoExecute","tolerationSeconds":300},
            {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute",
             "tolerationSeconds":300}],
          "priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},
        "status":{}},
        "oldObject":null,"dryRun":false,
        "options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}}}
        """
        .replace("__NS__", namespace)
        .replace("\n", "");
  }
}
