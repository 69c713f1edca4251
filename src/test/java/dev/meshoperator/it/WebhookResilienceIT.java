package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook under attack while real pods are created through the apiserver: slow clients that
 * never finish their bodies, and big bodies. Every attack connection goes to 127.0.0.1 only and is
 * bounded in count and time. What matters: every real pod is injected, none fails, and the
 * operator's heap stays bounded.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class WebhookResilienceIT {

  private static final String NS = "resilience";
  private static final int PORT = java.net.URI.create(WebhookEndpoint.URL).getPort();
  private static final io.fabric8.kubernetes.client.KubernetesClient CLIENT =
      AdmissionTraffic.patientClient(LocalCluster.get().admin());

  @BeforeAll
  static void setUp() {
    var admin = LocalCluster.get().admin();
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    WebhookEndpoint.namespace(admin, NS, Map.of("istio-injection", "enabled"));
    await()
        .atMost(WebhookEndpoint.TIMEOUT)
        .until(() -> admin.serviceAccounts().inNamespace(NS).withName("default").get() != null);
  }

  @Test
  void slowClientsDoNotBlockInjection() throws Exception {
    int attackers = 220;
    var pool = Executors.newFixedThreadPool(attackers);
    var outcomes = new ConcurrentHashMap<String, Integer>();
    for (int i = 0; i < attackers; i++) {
      pool.submit(
          () -> {
            outcomes.merge(slowClient(), 1, Integer::sum);
            return null;
          });
    }
    Thread.sleep(2000); // let them connect and start trickling
    AdmissionTraffic traffic;
    try (var t = new AdmissionTraffic(CLIENT, NS, "slow", 2, 8, 0, PORT)) {
      traffic = t;
      await().atMost(Duration.ofSeconds(120)).until(() -> t.created() + t.failures().size() >= 16);
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    System.out.println(
        "[slow-clients] " + attackers + " slow clients " + outcomes + "; " + traffic.summary());
    assertThat(traffic.failures()).isEmpty();
    assertThat(traffic.created()).isEqualTo(16);
    // The server cut them off (408 or closed) instead of waiting on them forever.
    assertThat(outcomes.getOrDefault("cut-off", 0)).isEqualTo(attackers);
  }

  /**
   * Declares 1 MB, sends 100 bytes, then one byte a second for at most 30 s. Returns "cut-off" when
   * the server answered 408 or closed the connection, "still-open" otherwise.
   */
  private static String slowClient() {
    try (SSLSocket s = socket()) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /inject HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000000\r\n\r\n"
                  + "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"req")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < until) {
        try {
          int b = in.read();
          return b < 0 || b == 'H' ? "cut-off" : "unexpected-byte";
        } catch (SocketTimeoutException e) {
          out.write(' ');
          out.flush();
        }
      }
      return "still-open";
    } catch (Exception e) {
      return "cut-off"; // reset or broken pipe: the server closed it
    }
  }

  @Test
  void bigBodiesAreRefusedBeforeTheyAreBuffered() throws Exception {
    int attackers = 120;
    long size = 15_500_000;
    double refusedBefore = refusedTotal();
    var heap = new HeapWatch();
    var pool = Executors.newFixedThreadPool(attackers);
    var outcomes = new ConcurrentHashMap<String, Integer>();
    AdmissionTraffic traffic;
    try (var t = new AdmissionTraffic(CLIENT, NS, "big", 2, 8, 0, PORT)) {
      traffic = t;
      for (int i = 0; i < attackers; i++) {
        // Half declare their length, half stream chunked: both must be cut off early.
        boolean chunked = i % 2 == 1;
        pool.submit(
            () -> {
              outcomes.merge(bigBody(size, chunked), 1, Integer::sum);
              return null;
            });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(120)).until(() -> t.created() + t.failures().size() >= 16);
    }
    heap.close();
    System.out.printf(
        "[big-bodies] %d bodies of %d bytes: %s; %s; old gen before %d MiB, peak %d MiB, max heap %d MiB%n",
        attackers,
        size,
        outcomes,
        traffic.summary(),
        heap.before >> 20,
        heap.peak.get() >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
    assertThat(traffic.failures()).isEmpty();
    assertThat(traffic.created()).isEqualTo(16);
    // The client usually sees its write fail ("closed"): the server answers as soon as it knows
    // and closes the connection while the client is still sending. Bodies declaring their length
    // are refused by Quarkus' own max-body-size check (413, before any route); chunked ones by the
    // admission route (413 past 4 MiB, 503 without room, 408 if too slow), which counts them.
    assertThat(outcomes.keySet())
        .allMatch(k -> k.equals("413") || k.equals("503") || k.equals("408") || k.equals("closed"));
    assertThat(refusedTotal() - refusedBefore).isGreaterThanOrEqualTo(attackers / 2.0);
    // 120 bodies of 15.5 MB buffered at once would be 1.8 GiB. The budget lets bodies hold at most
    // 64 MiB live, in small chunks; the margin is for everything else this JVM does meanwhile.
    assertThat(heap.peak.get() - heap.before).isLessThan(256L << 20);
  }

  @Test
  void tls12OffersOnlyEcdheAeadSuites() throws Exception {
    assertThat(handshake("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isTrue();
    assertThat(handshake("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")).isTrue();
    for (String weak :
        List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")) {
      assertThat(handshake(weak)).as(weak).isFalse();
    }
  }

  /** Whether a TLS 1.2 handshake offering only {@code suite} succeeds. */
  private static boolean handshake(String suite) throws Exception {
    try (SSLSocket s =
        (SSLSocket)
            AdmissionTraffic.trustAll().getSocketFactory().createSocket("127.0.0.1", PORT)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.setEnabledCipherSuites(new String[] {suite});
      s.setSoTimeout(10_000);
      s.startHandshake();
      return true;
    } catch (javax.net.ssl.SSLException e) {
      return false;
    }
  }

  /** Bodies refused for size or lack of room so far, from the operator's metrics. */
  private static double refusedTotal() {
    String metrics = io.restassured.RestAssured.get(WebhookEndpoint.METRICS).asString();
    return metrics
        .lines()
        .filter(l -> l.startsWith("istio_operator_webhook_http_refused_total{"))
        .filter(
            l ->
                l.contains("reason=\"too-large\"")
                    || l.contains("reason=\"overloaded\"")
                    || l.contains("reason=\"timeout\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Sends a body of {@code size} bytes in 64 KiB writes; returns the status line or "closed". */
  private static String bigBody(long size, boolean chunked) {
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    try (SSLSocket s = socket()) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /inject HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + (chunked
                      ? "Transfer-Encoding: chunked\r\n"
                      : "Content-Length: " + size + "\r\n")
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      for (long sent = 0; sent < size; sent += chunk.length) {
        if (chunked) {
          out.write(
              (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write(chunk);
        }
        if (s.getInputStream().available() > 0) {
          break; // answered already
        }
      }
      out.flush();
      return statusLine(s.getInputStream());
    } catch (Exception e) {
      return "closed";
    }
  }

  private static String statusLine(InputStream in) throws Exception {
    var line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\r') {
      line.append((char) b);
    }
    String[] parts = line.toString().split(" ");
    return parts.length > 1 ? parts[1] : "closed";
  }

  private static SSLSocket socket() throws Exception {
    SSLSocket s =
        (SSLSocket) AdmissionTraffic.trustAll().getSocketFactory().createSocket("127.0.0.1", PORT);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.startHandshake();
    return s;
  }

  /**
   * Samples this JVM's old generation (operator and test share it) every 50 ms. Buffers of many MiB
   * are humongous objects in G1, allocated there directly, so buffered bodies show up in it;
   * short-lived small garbage does not.
   */
  private static final class HeapWatch implements AutoCloseable {
    final long before;
    final AtomicLong peak = new AtomicLong();
    private static final java.lang.management.MemoryPoolMXBean OLD =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getName().contains("Old Gen") || p.getName().contains("Tenured"))
            .findFirst()
            .orElseThrow();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Thread thread;

    HeapWatch() {
      System.gc();
      before = used();
      peak.set(before);
      thread =
          new Thread(
              () -> {
                while (!done.get()) {
                  peak.accumulateAndGet(used(), Math::max);
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      thread.setDaemon(true);
      thread.start();
    }

    private static long used() {
      return OLD.getUsage().getUsed();
    }

    @Override
    public void close() throws InterruptedException {
      done.set(true);
      thread.join();
    }
  }
}
