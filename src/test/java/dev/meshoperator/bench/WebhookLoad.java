package dev.meshoperator.bench;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A closed-loop load generator for the injection webhook: C clients, each with its own keep-alive
 * HTTPS connection (java.net.http, TLS verified against a given CA), send N AdmissionReviews for a
 * typical Deployment pod between them, back to back, and report throughput and latency percentiles.
 * Only successful injections (HTTP 200 with a JSONPatch) count as successes.
 *
 * <pre>
 * java -cp target/test-classes:... dev.meshoperator.bench.WebhookLoad \
 *   --url https://127.0.0.1:18443/inject --ca ca.crt --namespace bench-inject \
 *   --requests 20000 --concurrency 8 [--warmup 2000] [--seconds 60] [--http 1.1|2]
 * </pre>
 */
public final class WebhookLoad {

  /** What to run. */
  public record Options(
      URI url,
      Path caFile,
      String namespace,
      int requests,
      int concurrency,
      int warmup,
      Duration maxDuration,
      HttpClient.Version version) {

    public Options {
      if (requests < 1 || concurrency < 1 || warmup < 0) {
        throw new IllegalArgumentException("requests and concurrency must be positive");
      }
      if (!"127.0.0.1".equals(url.getHost()) && !"localhost".equals(url.getHost())) {
        // A benchmark is not a load test against someone's cluster.
        throw new IllegalArgumentException("loopback only: " + url);
      }
    }
  }

  /** What came out; latencies in microseconds over the successful measured requests. */
  public record Result(
      Options options,
      int completed,
      int errors,
      Map<String, Integer> errorKinds,
      Duration elapsed,
      long p50,
      long p90,
      long p99,
      long p999,
      long max,
      double mean) {

    public double throughput() {
      return completed / (elapsed.toNanos() / 1e9);
    }

    /**
     * One Markdown table row: C | protocol | s | N | req/s | p50 | p90 | p99 | p99.9 | max |
     * errors.
     */
    public String row() {
      return String.format(
          Locale.ROOT,
          "| %d | %s | %.0f | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |",
          options.concurrency(),
          options.version() == HttpClient.Version.HTTP_2 ? "h2" : "http/1.1",
          elapsed.toMillis() / 1000.0,
          completed,
          throughput(),
          p50 / 1000.0,
          p90 / 1000.0,
          p99 / 1000.0,
          p999 / 1000.0,
          max / 1000.0,
          errors);
    }

    public static String header() {
      return "| C | protocol | s | N | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors"
          + " |\n|---|---|---|---|---|---|---|---|---|---|---|";
    }
  }

  private WebhookLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!a.containsKey("url") || !a.containsKey("ca")) {
      System.err.println(
          "usage: WebhookLoad --url https://127.0.0.1:18443/inject --ca ca.crt [--namespace ns]"
              + " [--requests 20000] [--concurrency 8] [--warmup 2000] [--seconds 60]"
              + " [--http 1.1|2]");
      System.exit(2);
    }
    Options o =
        new Options(
            URI.create(a.get("url")),
            Path.of(a.get("ca")),
            a.getOrDefault("namespace", "bench-inject"),
            // With --seconds alone, the run is bounded by time.
            Integer.parseInt(
                a.getOrDefault("requests", a.containsKey("seconds") ? "2000000000" : "20000")),
            Integer.parseInt(a.getOrDefault("concurrency", "8")),
            Integer.parseInt(a.getOrDefault("warmup", "2000")),
            Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "60"))),
            "2".equals(a.get("http")) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    Result r = run(o);
    System.out.println(Result.header());
    System.out.println(r.row());
    if (!r.errorKinds().isEmpty()) {
      System.out.println("errors: " + r.errorKinds());
    }
  }

  /** Warms up (unmeasured), then sends the measured requests; stops early at maxDuration. */
  public static Result run(Options o) throws Exception {
    SSLContext tls = sslContext(Files.readString(o.caFile(), StandardCharsets.US_ASCII));
    List<HttpClient> clients = new ArrayList<>();
    for (int i = 0; i < o.concurrency(); i++) {
      clients.add(
          HttpClient.newBuilder()
              .sslContext(tls)
              .version(o.version())
              .connectTimeout(Duration.ofSeconds(10))
              .build());
    }
    String template = typicalPodReview(o.namespace());
    if (o.warmup() > 0) {
      phase(o, clients, template, o.warmup(), false, o.maxDuration());
    }
    return phase(o, clients, template, o.requests(), true, o.maxDuration());
  }

  private static Result phase(
      Options o,
      List<HttpClient> clients,
      String template,
      int count,
      boolean measured,
      Duration maxDuration)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    // Each client records into its own array (grown as needed): a run may be bounded by time.
    long[][] perClient = new long[clients.size()][];
    int[] perClientCount = new int[clients.size()];
    AtomicLong errors = new AtomicLong();
    Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
    long deadline = System.nanoTime() + maxDuration.toNanos();
    CountDownLatch done = new CountDownLatch(clients.size());
    long start = System.nanoTime();
    for (HttpClient client : clients) {
      int index = clients.indexOf(client);
      perClient[index] = new long[1024];
      Thread t =
          new Thread(
              () -> {
                try {
                  int i;
                  while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
                    byte[] body =
                        template
                            .replace("__UID__", UUID.randomUUID().toString())
                            .getBytes(StandardCharsets.UTF_8);
                    HttpRequest request =
                        HttpRequest.newBuilder(o.url())
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, */*")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build();
                    long t0 = System.nanoTime();
                    String error;
                    try {
                      HttpResponse<String> r =
                          client.send(request, HttpResponse.BodyHandlers.ofString());
                      error =
                          r.statusCode() != 200
                              ? "HTTP " + r.statusCode()
                              : r.body().contains("\"patchType\":\"JSONPatch\"")
                                  ? null
                                  : "not injected";
                    } catch (Exception e) {
                      error = e.getClass().getSimpleName();
                    }
                    long micros = (System.nanoTime() - t0) / 1000;
                    if (error == null) {
                      if (measured) {
                        int n = perClientCount[index];
                        if (n == perClient[index].length) {
                          perClient[index] = Arrays.copyOf(perClient[index], 2 * n);
                        }
                        perClient[index][n] = micros;
                        perClientCount[index] = n + 1;
                      }
                    } else {
                      errors.incrementAndGet();
                      errorKinds.merge(error, 1, Integer::sum);
                    }
                  }
                } finally {
                  done.countDown();
                }
              },
              "webhook-load-" + index);
      t.setDaemon(true);
      t.start();
    }
    done.await();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (!measured) {
      return null;
    }
    // done.await() orders the clients' writes before these reads.
    long[] all = new long[Arrays.stream(perClientCount).sum()];
    int at = 0;
    for (int i = 0; i < perClient.length; i++) {
      System.arraycopy(perClient[i], 0, all, at, perClientCount[i]);
      at += perClientCount[i];
    }
    Arrays.sort(all);
    long[] sorted = all;
    return new Result(
        o,
        sorted.length,
        (int) errors.get(),
        new TreeMap<>(errorKinds),
        elapsed,
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 99),
        percentile(sorted, 99.9),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1],
        Arrays.stream(sorted).average().orElse(0));
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  static SSLContext sslContext(String caPem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (Certificate c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
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
