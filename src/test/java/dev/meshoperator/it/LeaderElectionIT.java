package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.AuditLog;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.OperatorProcess;
import dev.meshoperator.testing.ProjectDir;
import dev.meshoperator.testing.TcpRelay;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator processes (the packaged jar, prod profile) against one apiserver of their own, as
 * the same ServiceAccount with different tokens: exactly one reconciles (the audit log shows every
 * control-plane write coming from the lease holder's token), both serve the webhook (a relay plays
 * the Service in front of them), and when the leader is killed the other takes the lease within the
 * lease duration while pods created in a loop keep being admitted and injected.
 */
class LeaderElectionIT {

  static final Duration LEASE = Duration.ofSeconds(10);
  static final Duration RETRY = Duration.ofSeconds(1);
  static final String LEASE_NAME = "istio-operator-leader";
  static final String APP_NAMESPACE = "le-apps";

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
  void oneLeaderReconcilesBothServeTheWebhookAndTheLeaseHandsOver() throws Exception {
    Instant start = Instant.now();
    Path kubeconfigA = kubeconfig("a");
    Path kubeconfigB = kubeconfig("b");
    String credentialA = credential(kubeconfigA);
    String credentialB = credential(kubeconfigB);
    assertThat(credentialA).isNotEqualTo(credentialB);

    int portA = LocalControlPlane.freePort();
    int portB = LocalControlPlane.freePort();
    try (TcpRelay service = new TcpRelay(List.of(portA, portB));
        OperatorProcess a = start("op-a", kubeconfigA, portA, service);
        OperatorProcess b = start("op-b", kubeconfigB, portB, service)) {
      a.awaitReady(Duration.ofMinutes(2));
      b.awaitReady(Duration.ofMinutes(2));

      String leader = awaitHolder(Set.of("op-a", "op-b"), Duration.ofSeconds(60));
      OperatorProcess leading = leader.equals("op-a") ? a : b;
      OperatorProcess following = leading == a ? b : a;
      String leaderCredential = leading == a ? credentialA : credentialB;
      String followerCredential = leading == a ? credentialB : credentialA;

      admin.resource(sample()).serverSideApply();
      awaitReady(Duration.ofMinutes(3));
      // Both replicas stay Ready while only one leads: the follower's readiness is its webhook.
      assertThat(following.get("/q/health/ready")).isEqualTo(200);
      // JOSDK's reconcile metrics (on the leader) and the webhook's (on every replica).
      assertThat(leading.body("/q/metrics"))
          .contains(
              "reconciliations_execution_duration_seconds_count{controller_name=\"meshcontrolplane\"}")
          .contains("istio_operator_webhook_caches_synced 1.0");
      assertThat(following.body("/q/metrics")).contains("istio_operator_webhook_caches_synced 1.0");

      List<AuditLog.Write> reconcilerWrites = reconcilerWrites(start);
      assertThat(reconcilerWrites).as("the reconciler's writes").isNotEmpty();
      assertThat(credentials(reconcilerWrites))
          .as("every control-plane write comes from the leader " + leader)
          .containsExactly(leaderCredential);

      // Pods created in a loop, across the leader's death.
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(APP_NAMESPACE)
                  .addToLabels("istio-injection", "enabled")
                  .endMetadata()
                  .build())
          .serverSideApply();
      LocalControlPlane.waitFor(
          "the default ServiceAccount in " + APP_NAMESPACE,
          Duration.ofSeconds(60),
          () ->
              admin.serviceAccounts().inNamespace(APP_NAMESPACE).withName("default").get() != null);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger created = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Thread loop =
          new Thread(
              () -> {
                while (running.get()) {
                  String name = "p-" + created.get();
                  try {
                    admin.pods().inNamespace(APP_NAMESPACE).resource(pod(name)).create();
                    created.incrementAndGet();
                  } catch (KubernetesClientException e) {
                    failures.add(name + ": " + e.getMessage());
                    created.incrementAndGet();
                  }
                  sleep(Duration.ofMillis(150));
                }
              },
              "pod-loop");
      loop.start();
      sleep(Duration.ofSeconds(3));

      Instant killed = Instant.now();
      Lease before = lease();
      leading.kill();
      String next = awaitHolder(Set.of(following.name()), LEASE.multipliedBy(3));
      Lease after = lease();
      Instant lastRenew = before.getSpec().getRenewTime().toInstant();
      Instant acquired = after.getSpec().getAcquireTime().toInstant();
      Duration handover = Duration.between(lastRenew, acquired);
      System.out.printf(
          "Leader %s killed; %s took the lease %d ms after the last renewal (%d ms after the"
              + " kill; lease %s, retry %s)%n",
          leader,
          next,
          handover.toMillis(),
          Duration.between(killed, acquired).toMillis(),
          LEASE,
          RETRY);
      assertThat(handover).isLessThanOrEqualTo(LEASE.plus(RETRY).plusSeconds(2));

      // The new leader reconciles: drift (a deleted istiod Deployment) is corrected by it.
      Instant afterHandover = Instant.now();
      admin.apps().deployments().inNamespace("istio-system").withName("istiod").delete();
      LocalControlPlane.waitFor(
          "istiod recreated by the new leader",
          Duration.ofMinutes(2),
          () -> {
            var d = admin.apps().deployments().inNamespace("istio-system").withName("istiod").get();
            return d != null && d.getMetadata().getDeletionTimestamp() == null;
          });
      sleep(Duration.ofSeconds(3));
      running.set(false);
      loop.join();

      List<AuditLog.Write> later = reconcilerWrites(afterHandover);
      assertThat(later).as("writes after the handover").isNotEmpty();
      assertThat(credentials(later)).containsExactly(followerCredential);

      List<Pod> pods = admin.pods().inNamespace(APP_NAMESPACE).list().getItems();
      List<String> bare =
          pods.stream()
              .filter(p -> !p.getMetadata().getAnnotations().containsKey("sidecar.istio.io/status"))
              .map(p -> p.getMetadata().getName())
              .toList();
      System.out.printf(
          "Pods created across the handover: %d, refused: %d, without a sidecar: %d%n",
          created.get(), failures.size(), bare.size());
      assertThat(failures).as("failed admissions").isEmpty();
      assertThat(pods).hasSize(created.get());
      assertThat(bare).as("pods admitted without a sidecar").isEmpty();
    }
  }

  private static OperatorProcess start(
      String name, Path kubeconfig, int webhookPort, TcpRelay service) {
    return OperatorProcess.start(
        name,
        kubeconfig,
        cp.workDir(),
        webhookPort,
        Map.of(
            "MESH_OPERATOR_WEBHOOK_URL",
            "https://127.0.0.1:" + service.port() + "/inject",
            "MESH_OPERATOR_LEADER_ELECTION_LEASE_DURATION",
            LEASE.toString(),
            "MESH_OPERATOR_LEADER_ELECTION_RENEW_DEADLINE",
            Duration.ofSeconds(7).toString(),
            "MESH_OPERATOR_LEADER_ELECTION_RETRY_PERIOD",
            RETRY.toString()));
  }

  /** Writes the reconciler makes: control-plane objects and the MeshControlPlane's status. */
  private static List<AuditLog.Write> reconcilerWrites(Instant since) {
    return AuditLog.writesBy(cp.auditLog(), AuditLog.operatorUser(), since).stream()
        .filter(w -> w.code() < 400)
        .filter(
            w ->
                "istio-system".equals(w.namespace())
                    || w.resource().startsWith("meshcontrolplanes")
                    || w.resource().equals("clusterroles")
                    || w.resource().equals("clusterrolebindings"))
        .toList();
  }

  private static Set<String> credentials(List<AuditLog.Write> writes) {
    return writes.stream().map(AuditLog.Write::credential).collect(Collectors.toSet());
  }

  private static Lease lease() {
    return admin.leases().inNamespace(ClusterSetup.OPERATOR_NAMESPACE).withName(LEASE_NAME).get();
  }

  private static String awaitHolder(Set<String> candidates, Duration timeout) {
    String[] holder = new String[1];
    LocalControlPlane.waitFor(
        "the lease held by one of " + candidates,
        timeout,
        () -> {
          Lease l = lease();
          holder[0] = l == null ? null : l.getSpec().getHolderIdentity();
          return holder[0] != null && candidates.contains(holder[0]);
        });
    return holder[0];
  }

  private static void awaitReady(Duration timeout) {
    LocalControlPlane.waitFor(
        "MeshControlPlane default Ready",
        timeout,
        () -> {
          var mcp = admin.resources(MeshControlPlane.class).withName("default").get();
          return mcp != null
              && mcp.getStatus() != null
              && mcp.getStatus()
                  .condition(MeshControlPlaneStatus.READY)
                  .map(c -> StatusCondition.TRUE.equals(c.getStatus()))
                  .orElse(false);
        });
  }

  private static MeshControlPlane sample() throws Exception {
    try (var in =
        Files.newInputStream(ProjectDir.get().resolve("samples/meshcontrolplane-demo.yaml"))) {
      return admin.resources(MeshControlPlane.class).load(in).item();
    }
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

  /** A kubeconfig with its own bound token (its own credential id in the audit log). */
  private static Path kubeconfig(String suffix) throws Exception {
    Path written =
        cp.writeServiceAccountKubeconfig(
            ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
    Path copy = cp.workDir().resolve("operator-" + suffix + ".kubeconfig");
    Files.copy(written, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  private static String credential(Path kubeconfig) throws Exception {
    var token =
        java.util.regex.Pattern.compile("(?m)^\\s*token: (\\S+)$")
            .matcher(Files.readString(kubeconfig));
    assertThat(token.find()).as("a token in " + kubeconfig).isTrue();
    return AuditLog.credentialOf(token.group(1));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
