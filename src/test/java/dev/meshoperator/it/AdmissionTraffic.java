package dev.meshoperator.it;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Real traffic while something else happens (a rotation, an attack): {@code creators} threads
 * create pods through the apiserver in an injection-enabled namespace and check each one came back
 * injected, and {@code probers} threads open fresh TLS connections to the webhook (loopback only)
 * and count failed handshakes. Bounded: each creator makes at most {@code maxPodsEach} pods, each
 * prober at most 5000 handshakes, with pauses between.
 */
final class AdmissionTraffic implements AutoCloseable {

  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final List<String> failures = new ArrayList<>();
  private final List<String> handshakeFailures = new ArrayList<>();
  private final ExecutorService pool;

  /**
   * A client of its own for the pods, patient with the apiserver: attacks run in this same JVM on a
   * shared machine and can starve the test's side for seconds; only what the apiserver answers (its
   * webhook call failing, a pod not injected) should count as a failure.
   */
  static KubernetesClient patientClient(KubernetesClient admin) {
    var config =
        new io.fabric8.kubernetes.client.ConfigBuilder(admin.getConfiguration())
            .withConnectionTimeout(60_000)
            .withRequestTimeout(60_000)
            .build();
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
  }

  AdmissionTraffic(
      KubernetesClient admin,
      String namespace,
      String prefix,
      int creators,
      int maxPodsEach,
      int probers,
      int webhookPort) {
    pool = Executors.newFixedThreadPool(creators + probers);
    for (int c = 0; c < creators; c++) {
      String names = prefix + c + "-";
      pool.submit(() -> createPods(admin, namespace, names, maxPodsEach));
    }
    for (int p = 0; p < probers; p++) {
      pool.submit(() -> probe(webhookPort));
    }
  }

  private void createPods(KubernetesClient admin, String namespace, String prefix, int max) {
    for (int i = 0; i < max && !stop.get(); i++) {
      String name = prefix + i;
      try {
        Pod p =
            admin
                .pods()
                .inNamespace(namespace)
                .resource(
                    new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("app")
                        .withImage("registry.example/app:1")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        if (!injected(p)) {
          fail(failures, name + " not injected");
        }
        created.incrementAndGet();
      } catch (RuntimeException e) {
        fail(failures, name + ": " + e.getMessage());
      }
      pause(100);
    }
  }

  static boolean injected(Pod p) {
    return p.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals("istio-proxy"))
        || p.getSpec().getContainers().stream().anyMatch(c -> c.getName().equals("istio-proxy"));
  }

  private void probe(int port) {
    SSLContext ctx = trustAll();
    for (int i = 0; i < 5000 && !stop.get(); i++) {
      try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        handshakes.incrementAndGet();
      } catch (Exception e) {
        fail(handshakeFailures, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      pause(20);
    }
  }

  int created() {
    return created.get();
  }

  int handshakes() {
    return handshakes.get();
  }

  List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  List<String> handshakeFailures() {
    synchronized (handshakeFailures) {
      return List.copyOf(handshakeFailures);
    }
  }

  String summary() {
    return "pods created: "
        + created()
        + ", pod failures: "
        + failures().size()
        + ", handshakes: "
        + handshakes()
        + ", failed handshakes: "
        + handshakeFailures().size();
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    pool.shutdown();
    if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      throw new IllegalStateException("traffic did not stop within 60 s");
    }
  }

  private static void fail(List<String> list, String what) {
    synchronized (list) {
      list.add(what);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Handshakes only: which certificate is presented is checked elsewhere. */
  static SSLContext trustAll() {
    try {
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
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
