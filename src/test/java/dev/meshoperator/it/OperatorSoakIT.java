package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.OperatorProcess;
import dev.meshoperator.testing.TcpRelay;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A soak of a few minutes (bounded; {@code -Dsoak.duration=PT10M} for longer): two operator
 * processes (the packaged jar) behind a relay playing their Service, two control planes (revisions
 * default and canary), and pods created continuously in one namespace of each, while the webhook's
 * leaf and CA rotate (validities of 60 s and 120 s) and the leader is killed and a replacement
 * started. Every pod creation must be admitted with its revision's sidecar: a single refused or
 * bare pod fails the test. The surviving replica's memory must not grow: see {@link #flat}.
 */
class OperatorSoakIT {

  static final Duration RUN = Duration.parse(System.getProperty("soak.duration", "PT3M"));
  static final Duration LEASE = Duration.ofSeconds(10);
  static final String LEASE_NAME = "istio-operator-leader";
  static final Map<String, String> NAMESPACES =
      Map.of("soak-default", "default", "soak-canary", "canary");

  static LocalControlPlane cp;
  static KubernetesClient admin;

  @BeforeAll
  static void setUp() {
    cp = LocalControlPlane.start();
    admin = cp.adminClient();
    ClusterSetup.installCrds(admin);
    ClusterSetup.installOperatorRbac(admin);
  }

  @AfterAll
  static void tearDown() {
    if (admin != null) {
      admin.close();
    }
    if (cp != null) {
      cp.close();
    }
  }

  @Test
  void admissionsNeverFailAcrossRotationsAndALeaderKillAndMemoryStaysFlat() throws Exception {
    Path kubeconfig =
        cp.writeServiceAccountKubeconfig(
            ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
    int portA = LocalControlPlane.freePort();
    int portB = LocalControlPlane.freePort();
    List<OperatorProcess> processes = new ArrayList<>();
    try (TcpRelay service = new TcpRelay(List.of(portA, portB))) {
      OperatorProcess a = start("op-a", kubeconfig, portA, service);
      processes.add(a);
      OperatorProcess b = start("op-b", kubeconfig, portB, service);
      processes.add(b);
      a.awaitReady(Duration.ofMinutes(2));
      b.awaitReady(Duration.ofMinutes(2));

      apply("{name: default}", "{profile: minimal, namespace: istio-system}");
      apply("{name: canary}", "{profile: minimal, namespace: istio-canary}");
      awaitReady("default");
      awaitReady("canary");
      for (var ns : NAMESPACES.entrySet()) {
        Map<String, String> labels =
            ns.getValue().equals("default")
                ? Map.of("istio-injection", "enabled")
                : Map.of("istio.io/rev", ns.getValue());
        admin
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(ns.getKey())
                    .withLabels(labels)
                    .endMetadata()
                    .build())
            .serverSideApply();
        LocalControlPlane.waitFor(
            "the default ServiceAccount in " + ns.getKey(),
            Duration.ofSeconds(60),
            () ->
                admin.serviceAccounts().inNamespace(ns.getKey()).withName("default").get() != null);
      }

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger created = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> bare = new ConcurrentLinkedQueue<>();
      List<Thread> loops = new ArrayList<>();
      for (var ns : NAMESPACES.entrySet()) {
        Thread t =
            new Thread(
                () -> podLoop(ns.getKey(), ns.getValue(), running, created, failures, bare),
                "soak-" + ns.getKey());
        loops.add(t);
        t.start();
      }
      Set<String> cas = new HashSet<>();
      Set<String> leaves = new HashSet<>();
      Thread certificates =
          new Thread(
              () -> {
                while (running.get()) {
                  var s =
                      admin
                          .secrets()
                          .inNamespace(ClusterSetup.OPERATOR_NAMESPACE)
                          .withName("istio-operator-webhook-tls")
                          .get();
                  if (s != null && s.getData() != null) {
                    synchronized (cas) {
                      cas.add(String.valueOf(s.getData().get("ca.crt")));
                      leaves.add(String.valueOf(s.getData().get("tls.crt")));
                    }
                  }
                  sleep(Duration.ofSeconds(1));
                }
              },
              "soak-certificates");
      certificates.start();
      Instant trafficStart = Instant.now();

      // The leader dies (SIGKILL) early; the other takes the lease and a replacement starts.
      sleep(Duration.ofSeconds(20));
      String leader = holder();
      OperatorProcess leading = leader.equals("op-a") ? a : b;
      OperatorProcess survivor = leading == a ? b : a;
      leading.kill();
      LocalControlPlane.waitFor(
          "the lease taken by " + survivor.name(),
          LEASE.multipliedBy(3),
          () -> survivor.name().equals(holder()));
      int portC = LocalControlPlane.freePort();
      OperatorProcess replacement = start("op-c", kubeconfig, portC, service);
      processes.add(replacement);
      replacement.awaitReady(Duration.ofMinutes(2));
      // Like a Service's endpoints: the replacement gets traffic once it is Ready.
      service.backends(List.of(survivor.webhookPort(), portC));
      System.out.printf(
          "[soak] leader %s killed at +%ds; %s leads, %s started%n",
          leader,
          Duration.between(trafficStart, Instant.now()).toSeconds(),
          survivor.name(),
          replacement.name());

      // Warm-up (the new leader's controllers, the pod cache, JIT): a third of the run, and at
      // least 30 s after the replacement is Ready; then samples for the rest, at least 90 s.
      Instant warm = later(trafficStart.plus(RUN.dividedBy(3)), Instant.now().plusSeconds(30));
      sleep(Duration.between(Instant.now(), warm));
      List<long[]> samples = new ArrayList<>();
      Instant end = later(trafficStart.plus(RUN), warm.plusSeconds(90));
      while (Instant.now().isBefore(end)) {
        long heap = survivor.liveHeapBytes();
        long rss = survivor.rssBytes();
        samples.add(new long[] {heap, rss});
        System.out.printf(
            "[soak] +%ds %s live heap %.1f MiB, RSS %.1f MiB; pods %d%n",
            Duration.between(trafficStart, Instant.now()).toSeconds(),
            survivor.name(),
            heap / 1048576.0,
            rss / 1048576.0,
            created.get());
        sleep(Duration.ofSeconds(5));
      }
      running.set(false);
      for (Thread t : loops) {
        t.join();
      }
      certificates.join();

      System.out.printf(
          "[soak] %s: %d pods created, %d refused, %d without their sidecar; %d CAs and %d leaf"
              + " certificates served; %d memory samples of %s%n",
          RUN,
          created.get(),
          failures.size(),
          bare.size(),
          cas.size(),
          leaves.size(),
          samples.size(),
          survivor.name());
      assertThat(failures).as("failed admissions").isEmpty();
      assertThat(bare).as("pods admitted without their revision's sidecar").isEmpty();
      assertThat(created.get()).as("pods created").isGreaterThan(100);
      assertThat(cas.size()).as("CA certificates seen (a CA rotation)").isGreaterThanOrEqualTo(2);
      assertThat(leaves.size()).as("leaf certificates seen").isGreaterThanOrEqualTo(3);
      assertThat(survivor.isAlive()).isTrue();
      flat("live heap", samples.stream().map(s -> s[0]).toList(), 1.20, 8L << 20);
      flat("RSS", samples.stream().map(s -> s[1]).toList(), 1.15, 16L << 20);

      // The health report sees both namespaces, and no pod there without its sidecar.
      for (var ns : NAMESPACES.entrySet()) {
        LocalControlPlane.waitFor(
            "the health report of " + ns.getValue(),
            Duration.ofSeconds(60),
            () -> {
              HealthStatus h = health(ns.getValue());
              return h != null
                  && h.namespaces.examples != null
                  && h.namespaces.examples.contains(ns.getKey())
                  && h.needRestart() == 0
                  && h.pods > 0;
            });
      }
    } finally {
      processes.forEach(OperatorProcess::close);
    }
  }

  /**
   * No growth trend: the median of the last third of the samples is at most {@code factor} times
   * (plus {@code slack}) the median of the first third. Medians, because one sample can land in the
   * middle of a rotation or a reconcile; thirds, so a leak of a steady rate shows as a difference
   * of a third of the run. The live heap is measured after a full GC, so garbage does not count;
   * RSS follows the heap the JVM has committed, which may settle a little later, hence its slack.
   */
  static void flat(String what, List<Long> values, double factor, long slack) {
    assertThat(values).as(what + " samples").hasSizeGreaterThanOrEqualTo(6);
    int third = values.size() / 3;
    long first = median(values.subList(0, third));
    long last = median(values.subList(values.size() - third, values.size()));
    System.out.printf(
        "[soak] %s: median of the first third %.1f MiB, of the last third %.1f MiB%n",
        what, first / 1048576.0, last / 1048576.0);
    assertThat(last)
        .as(what + " (last third's median vs first third's, bytes)")
        .isLessThanOrEqualTo((long) (first * factor) + slack);
  }

  static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /**
   * Creates pods one after another, checking each as the apiserver returns it (after admission),
   * and deletes each one 30 pods later so the cluster stays the same size (a growing cluster would
   * grow the pod cache legitimately).
   */
  private static void podLoop(
      String namespace,
      String revision,
      AtomicBoolean running,
      AtomicInteger created,
      ConcurrentLinkedQueue<String> failures,
      ConcurrentLinkedQueue<String> bare) {
    List<String> live = new ArrayList<>();
    int n = 0;
    while (running.get()) {
      String name = "p-" + n++;
      try {
        Pod pod = admin.pods().inNamespace(namespace).resource(pod(name)).create();
        created.incrementAndGet();
        String status =
            pod.getMetadata().getAnnotations() == null
                ? null
                : pod.getMetadata().getAnnotations().get("sidecar.istio.io/status");
        boolean proxy =
            Stream.concat(
                    pod.getSpec().getContainers().stream(),
                    pod.getSpec().getInitContainers().stream())
                .anyMatch(c -> c.getName().equals("istio-proxy"));
        if (status == null || !status.contains("\"revision\":\"" + revision + "\"") || !proxy) {
          bare.add(namespace + "/" + name + ": " + status);
        }
        live.add(name);
      } catch (RuntimeException e) {
        created.incrementAndGet();
        failures.add(namespace + "/" + name + ": " + e.getMessage());
      }
      if (live.size() > 30) {
        String old = live.remove(0);
        try {
          admin.pods().inNamespace(namespace).withName(old).withGracePeriod(0).delete();
        } catch (RuntimeException e) {
          // Deleting is housekeeping, not what is tested.
        }
      }
      sleep(Duration.ofMillis(100));
    }
  }

  private static OperatorProcess start(String name, Path kubeconfig, int port, TcpRelay service) {
    return OperatorProcess.start(
        name,
        kubeconfig,
        cp.workDir(),
        port,
        Map.ofEntries(
            Map.entry(
                "MESH_OPERATOR_WEBHOOK_URL", "https://127.0.0.1:" + service.port() + "/inject"),
            Map.entry("MESH_OPERATOR_LEADER_ELECTION_IDENTITY", name),
            Map.entry("MESH_OPERATOR_LEADER_ELECTION_LEASE_DURATION", LEASE.toString()),
            Map.entry("MESH_OPERATOR_LEADER_ELECTION_RENEW_DEADLINE", "PT7S"),
            Map.entry("MESH_OPERATOR_LEADER_ELECTION_RETRY_PERIOD", "PT1S"),
            // Leaf renewed about every 30 s, the CA about every 75 s (both backdated 1 min).
            Map.entry("MESH_OPERATOR_CERTIFICATES_CA_VALIDITY", "120s"),
            Map.entry("MESH_OPERATOR_CERTIFICATES_LEAF_VALIDITY", "60s"),
            Map.entry("MESH_OPERATOR_CERTIFICATES_RENEW_AT_FRACTION", "0.75"),
            Map.entry("MESH_OPERATOR_CERTIFICATES_RENEW_BEFORE", "0s"),
            Map.entry("MESH_OPERATOR_CERTIFICATES_CHECK_INTERVAL", "PT2S"),
            Map.entry("MESH_OPERATOR_HEALTH_INTERVAL", "PT2S")));
  }

  private static void apply(String metadata, String spec) {
    admin
        .resource(
            Serialization.unmarshal(
                "apiVersion: meshoperator.dev/v1alpha1\nkind: MeshControlPlane\nmetadata: "
                    + metadata
                    + "\nspec: "
                    + spec
                    + "\n",
                MeshControlPlane.class))
        .serverSideApply();
  }

  private static void awaitReady(String name) {
    LocalControlPlane.waitFor(
        "MeshControlPlane " + name + " Ready",
        Duration.ofMinutes(3),
        () -> {
          var mcp = admin.resources(MeshControlPlane.class).withName(name).get();
          return mcp != null
              && mcp.getStatus() != null
              && mcp.getStatus()
                  .condition(MeshControlPlaneStatus.READY)
                  .map(c -> StatusCondition.TRUE.equals(c.getStatus()))
                  .orElse(false);
        });
  }

  private static HealthStatus health(String name) {
    var mcp = admin.resources(MeshControlPlane.class).withName(name).get();
    return mcp == null || mcp.getStatus() == null ? null : mcp.getStatus().getHealth();
  }

  private static String holder() {
    Lease l =
        admin.leases().inNamespace(ClusterSetup.OPERATOR_NAMESPACE).withName(LEASE_NAME).get();
    return l == null ? "" : String.valueOf(l.getSpec().getHolderIdentity());
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.k8s.io/pause:3.10")
        .endContainer()
        .endSpec()
        .build();
  }

  private static void sleep(Duration d) {
    if (d.isNegative()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
