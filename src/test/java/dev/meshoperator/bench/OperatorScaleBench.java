package dev.meshoperator.bench;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.AuditLog;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.DeploymentJvm;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.OperatorProcess;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator at cluster scale: a benchmark, not a test (no assertion on a time; run by {@code
 * hack/bench-scale.sh}, which names it explicitly: it is not part of the suite). On a local cluster
 * of its own with {@code bench.namespaces} namespaces (half labelled istio-injection=enabled) and
 * {@code bench.pods} kwok pods spread over them, it starts the packaged operator (with the
 * Deployment's heap setting), applies samples/meshcontrolplane-demo.yaml and measures: start to
 * ready, time to all objects applied and to Ready, apiserver writes (audit log, the operator's
 * user) until Ready and in a steady minute, and memory once idle. Then the same operator once more
 * with the health report off, to show what the pod cache costs. Writes target/bench-scale.md.
 */
class OperatorScaleBench {

  static final int NAMESPACES = Integer.getInteger("bench.namespaces", 1000);
  static final int PODS = Integer.getInteger("bench.pods", 10000);
  static final Duration STEADY = Duration.parse(System.getProperty("bench.steady", "PT60S"));

  /**
   * The Deployment's JVM as its container sees it ({@link DeploymentJvm}): with one CPU (its limit)
   * the JVM picks the Serial GC and sizes its pools for one. Its MALLOC_ARENA_MAX is passed too.
   */
  static final List<String> JVM =
      DeploymentJvm.split(System.getProperty("bench.jvm", DeploymentJvm.options(true)));

  /**
   * Also measured idle on the same cluster, for comparison: the tests' JVM (G1, 2 CPUs) by default;
   * {@code -Dbench.otherJvm="A|B"} measures each option set, one run each (e.g. the Deployment's
   * options with one changed, to compare on one cluster).
   */
  static final List<List<String>> OTHER_JVMS =
      java.util.Arrays.stream(System.getProperty("bench.otherJvm", "-Xmx256m").split("\\|"))
          .map(String::trim)
          .filter(o -> !o.isEmpty())
          .map(DeploymentJvm::split)
          .toList();

  private static final Pattern RECONCILES =
      Pattern.compile(
          "(?m)^operator_sdk_reconciliations_executions_total\\{[^}]*controller_name=\"meshcontrolplane\"[^}]*} ([0-9.E]+)|"
              + "^reconciliations_execution_duration_seconds_count\\{controller_name=\"meshcontrolplane\"[^}]*} ([0-9.E]+)");

  @Test
  void operatorAtScale() throws Exception {
    List<String[]> rows = new ArrayList<>();
    Duration idleAfter;
    try (LocalControlPlane cp = LocalControlPlane.start();
        KubernetesClient admin = cp.adminClient()) {
      ClusterSetup.installCrds(admin);
      ClusterSetup.installOperatorRbac(admin);
      Instant populate = Instant.now();
      populate(admin);
      rows.add(
          row(
              "Cluster",
              NAMESPACES
                  + " namespaces ("
                  + (NAMESPACES + 1) / 2
                  + " enabled), "
                  + PODS
                  + " kwok pods, created in "
                  + seconds(Duration.between(populate, Instant.now()))));
      Path kubeconfig =
          cp.writeServiceAccountKubeconfig(
              ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
      int port = LocalControlPlane.freePort();
      Map<String, String> env =
          Map.of(
              "MESH_OPERATOR_WEBHOOK_URL",
              "https://127.0.0.1:" + port + "/inject",
              "MALLOC_ARENA_MAX",
              DeploymentJvm.env("MALLOC_ARENA_MAX"));

      Instant started = Instant.now();
      try (OperatorProcess op =
          OperatorProcess.start("op", kubeconfig, cp.workDir(), port, env, JVM)) {
        op.awaitReady(Duration.ofMinutes(5));
        Instant ready = Instant.now();
        rows.add(
            row("Start to ready (process start to /q/health/ready 200)", seconds(since(started))));

        Instant applied = Instant.now();
        try (var in =
            Files.newInputStream(ProjectDir.get().resolve("samples/meshcontrolplane-demo.yaml"))) {
          admin.resource(admin.resources(MeshControlPlane.class).load(in).item()).serverSideApply();
        }
        await(admin, "Reconciled", c -> c.getStatus() != null && condition(c, "Reconciled"));
        Duration toApplied = since(applied);
        await(admin, "Ready", c -> c.getStatus() != null && condition(c, "Ready"));
        Duration toReady = since(applied);
        rows.add(
            row(
                "Demo MeshControlPlane applied to every object applied (Reconciled)",
                seconds(toApplied)));
        rows.add(row("Demo MeshControlPlane applied to Ready", seconds(toReady)));
        await(
            admin,
            "status.health",
            c ->
                c.getStatus() != null
                    && c.getStatus().getHealth() != null
                    && c.getStatus().getHealth().pods > 0);
        Duration toHealth = since(applied);
        HealthStatus h =
            admin
                .resources(MeshControlPlane.class)
                .withName("default")
                .get()
                .getStatus()
                .getHealth();
        rows.add(
            row(
                "Health report (status.health) written",
                seconds(toHealth)
                    + " after apply: "
                    + h.namespaces.count()
                    + " namespaces, "
                    + h.pods
                    + " pods, "
                    + h.withoutSidecar.count()
                    + " without a sidecar"));
        injectProbePod(admin, "probe-0");
        sleepSeconds(5);
        List<AuditLog.Write> untilReady = writes(cp, applied, Instant.now());
        double reconciles = reconciles(op.body("/q/metrics"));
        rows.add(
            row(
                "Apiserver writes from apply to Ready and the report (reconciles)",
                untilReady.size()
                    + " ("
                    + (long) reconciles
                    + " reconciles: "
                    + (reconciles > 0 ? String.format("%.1f", untilReady.size() / reconciles) : "?")
                    + " per reconcile); "
                    + byResource(untilReady)));

        Instant steady = Instant.now();
        double reconcilesBefore = reconciles(op.body("/q/metrics"));
        Thread.sleep(STEADY.toMillis());
        List<AuditLog.Write> steadyWrites = writes(cp, steady, Instant.now());
        double steadyReconciles = reconciles(op.body("/q/metrics")) - reconcilesBefore;
        rows.add(
            row(
                "Apiserver writes in a steady "
                    + STEADY.toSeconds()
                    + " s (leader Lease renewals apart)",
                steadyWrites.size()
                    + " over "
                    + (long) steadyReconciles
                    + " reconciles"
                    + (steadyWrites.isEmpty() ? "" : ": " + byResource(steadyWrites))));
        // The other runs are measured as long after ready as this one: memory settles over the
        // first minute (JOSDK's start threads idle out after 60 s), so equal times compare.
        idleAfter = since(ready);
        memory(rows, op, "health report on");
      }
      // The same cluster without the health report: what its pod cache costs.
      try (OperatorProcess op =
          OperatorProcess.start(
              "op-nohealth",
              kubeconfig,
              cp.workDir(),
              port,
              Map.of(
                  "MESH_OPERATOR_WEBHOOK_URL",
                  env.get("MESH_OPERATOR_WEBHOOK_URL"),
                  "MALLOC_ARENA_MAX",
                  env.get("MALLOC_ARENA_MAX"),
                  "MESH_OPERATOR_HEALTH_ENABLED",
                  "false"),
              JVM)) {
        op.awaitReady(Duration.ofMinutes(5));
        injectProbePod(admin, "probe-off");
        Thread.sleep(idleAfter.toMillis());
        memory(rows, op, "health report off");
      }
      int run = 0;
      for (List<String> other : OTHER_JVMS) {
        try (OperatorProcess op =
            OperatorProcess.start(
                "op-other-jvm-" + run++, kubeconfig, cp.workDir(), port, env, other)) {
          op.awaitReady(Duration.ofMinutes(5));
          injectProbePod(admin, "probe-" + run);
          Thread.sleep(idleAfter.toMillis());
          memory(rows, op, "health report on, JVM " + String.join(" ", other));
        }
      }
    }
    StringBuilder md =
        new StringBuilder()
            .append("| Operator at scale (")
            .append(Runtime.getRuntime().availableProcessors())
            .append(" cores, load average ")
            .append(Files.readString(Path.of("/proc/loadavg")).split(" ")[0])
            .append(", JVM ")
            .append(String.join(" ", JVM))
            .append(") | |\n|---|---|\n");
    rows.forEach(r -> md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" |\n"));
    Path out = ProjectDir.get().resolve("target/bench-scale.md");
    Files.writeString(out, md);
    System.out.println(md);
  }

  private static void memory(List<String[]> rows, OperatorProcess op, String label) {
    sleepSeconds(10);
    long rss = op.rssBytes();
    String info = op.jcmd("GC.heap_info");
    String heapNow =
        mib(OperatorProcess.heapUsedBytes(info))
            + " used of "
            + mib(OperatorProcess.heapCommittedBytes(info))
            + " committed";
    long live = op.liveHeapBytes();
    sleepSeconds(5);
    rows.add(
        row(
            "Idle memory, " + label,
            "RSS "
                + mib(rss)
                + "; heap "
                + heapNow
                + "; live heap after a full GC "
                + mib(live)
                + "; RSS after it "
                + mib(op.rssBytes())));
    rows.add(
        row(
            "Idle memory by kind, " + label,
            JvmMemory.breakdown(
                op,
                rss,
                info,
                JVM.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking")))));
    // For analysis, not the table: -Dbench.dump=DIR keeps each run's live class histogram,
    // metaspace report and loaded classes (taken after the figures above, so they do not move).
    String dump = System.getProperty("bench.dump");
    if (dump != null) {
      String safe = label.replaceAll("[^A-Za-z0-9=.-]+", "_");
      String name =
          Integer.toHexString(label.hashCode())
              + "-"
              + safe.substring(0, Math.min(60, safe.length()));
      try {
        Path dir = Files.createDirectories(Path.of(dump));
        Files.writeString(dir.resolve(name + ".histo.txt"), op.jcmd("GC.class_histogram"));
        Files.writeString(dir.resolve(name + ".metaspace.txt"), op.jcmd("VM.metaspace"));
        Files.writeString(
            dir.resolve(name + ".classes.txt"), op.jcmd("VM.classloaders show-classes"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * One pod created through the apiserver in an injection-enabled namespace, checked to have come
   * back injected, then deleted: every measured operator has served the webhook at least once, as
   * the first did for the demo's gateway pods (the engine, the Pod model and the serving TLS
   * context are loaded only then, ~9 MiB). Without it a restarted operator that never saw a pod
   * creation looks smaller than any that runs a mesh.
   */
  private static void injectProbePod(KubernetesClient admin, String name) {
    String namespace = "scale-0000";
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withNodeName(SCALE_NODE)
            .addNewContainer()
            .withName("app")
            .withImage("registry.k8s.io/pause:3.10")
            .endContainer()
            .endSpec()
            .build();
    // The webhook may still be starting (failurePolicy Fail refuses the pod meanwhile).
    LocalControlPlane.waitFor(
        "pod " + name + " created through the webhook",
        Duration.ofMinutes(2),
        () -> {
          try {
            admin.pods().inNamespace(namespace).resource(pod).create();
            return true;
          } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return false;
          }
        });
    var created = admin.pods().inNamespace(namespace).withName(name).get();
    if (created.getMetadata().getAnnotations() == null
        || !created.getMetadata().getAnnotations().containsKey("sidecar.istio.io/status")) {
      throw new IllegalStateException("probe pod " + name + " was not injected");
    }
    admin.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
  }

  /** A second kwok node holding the bench's pods, so the scheduler still has room on the first. */
  static final String SCALE_NODE = "kwok-scale-0";

  private static void populate(KubernetesClient admin) throws Exception {
    admin
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(SCALE_NODE)
                .withLabels(Map.of("kubernetes.io/hostname", SCALE_NODE, "type", "kwok"))
                .withAnnotations(Map.of("kwok.x-k8s.io/node", "fake"))
                .endMetadata()
                // Unschedulable: only the pods bound to it by name go there.
                .withNewSpec()
                .withUnschedulable(true)
                .endSpec()
                .withNewStatus()
                .withNewNodeInfo()
                .withKubeletVersion(
                    admin
                        .nodes()
                        .withName(LocalControlPlane.NODE_NAME)
                        .get()
                        .getStatus()
                        .getNodeInfo()
                        .getKubeletVersion())
                .withArchitecture("amd64")
                .withOperatingSystem("linux")
                .endNodeInfo()
                .withAllocatable(
                    Map.of(
                        "cpu",
                        new Quantity("1000"),
                        "memory",
                        new Quantity("4Ti"),
                        "pods",
                        new Quantity(String.valueOf(PODS + 100))))
                .withCapacity(
                    Map.of(
                        "cpu",
                        new Quantity("1000"),
                        "memory",
                        new Quantity("4Ti"),
                        "pods",
                        new Quantity(String.valueOf(PODS + 100))))
                .endStatus()
                .build())
        .create();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < NAMESPACES; i++) {
        String name = String.format("scale-%04d", i);
        Map<String, String> labels = i % 2 == 0 ? Map.of("istio-injection", "enabled") : Map.of();
        work.add(
            pool.submit(
                () ->
                    admin
                        .namespaces()
                        .resource(
                            new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withLabels(labels)
                                .endMetadata()
                                .build())
                        .create()));
      }
      for (Future<?> f : work) {
        f.get();
      }
      work.clear();
      // The apiserver refuses a pod until its namespace's "default" ServiceAccount exists, which
      // the controller-manager creates shortly after the namespace (late on a loaded machine).
      LocalControlPlane.waitFor(
          "a default ServiceAccount in every scale namespace",
          Duration.ofMinutes(5),
          () ->
              admin
                      .serviceAccounts()
                      .inAnyNamespace()
                      .withField("metadata.name", "default")
                      .list()
                      .getItems()
                      .stream()
                      .filter(sa -> sa.getMetadata().getNamespace().startsWith("scale-"))
                      .count()
                  >= NAMESPACES);
      for (int p = 0; p < PODS; p++) {
        String ns = String.format("scale-%04d", p % NAMESPACES);
        String name = "app-" + p;
        work.add(
            pool.submit(
                () ->
                    admin
                        .pods()
                        .inNamespace(ns)
                        .resource(
                            new PodBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .addToLabels("app", "scale")
                                .endMetadata()
                                .withNewSpec()
                                // Bound to the scale node directly: no scheduler work.
                                .withNodeName(SCALE_NODE)
                                .addNewContainer()
                                .withName("app")
                                .withImage("registry.k8s.io/pause:3.10")
                                .endContainer()
                                .endSpec()
                                .build())
                        .create()));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static List<AuditLog.Write> writes(LocalControlPlane cp, Instant from, Instant to) {
    return AuditLog.writesBy(cp.auditLog(), AuditLog.operatorUser(), from).stream()
        .filter(w -> !w.at().isAfter(to))
        .filter(w -> !w.resource().startsWith("leases"))
        .toList();
  }

  private static String byResource(List<AuditLog.Write> writes) {
    return new TreeMap<>(
            writes.stream()
                .collect(
                    Collectors.groupingBy(
                        w -> w.verb() + " " + w.resource(), Collectors.counting())))
        .toString();
  }

  private static double reconciles(String metrics) {
    var m = RECONCILES.matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return total;
  }

  private static boolean condition(MeshControlPlane c, String type) {
    return c.getStatus()
        .condition(type)
        .map(x -> StatusCondition.TRUE.equals(x.getStatus()))
        .orElse(false);
  }

  private static void await(KubernetesClient admin, String what, Predicate<MeshControlPlane> p) {
    LocalControlPlane.waitFor(
        "MeshControlPlane default: " + what,
        Duration.ofMinutes(10),
        () -> {
          var c = admin.resources(MeshControlPlane.class).withName("default").get();
          return c != null && p.test(c);
        });
  }

  private static Duration since(Instant t) {
    return Duration.between(t, Instant.now());
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format("%.0f MiB", bytes / 1048576.0);
  }

  private static String[] row(String what, String value) {
    return new String[] {what, value};
  }

  private static void sleepSeconds(int s) {
    try {
      Thread.sleep(s * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
