package dev.meshoperator.testing;

import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A real Kubernetes control plane on loopback: etcd and kube-apiserver (started by fabric8
 * kube-api-test certificates, with RBAC, admission webhooks, the ServiceAccount admission plugin
 * and a service-account signer), plus kube-controller-manager, kube-scheduler and kwok with one
 * simulated node, so Deployments turn into Pods that are scheduled and become Ready. No container
 * ever runs.
 *
 * <p>Binaries come from {@code hack/build-k8s.sh}, which builds them from the Go module proxy and
 * caches them per version (or reuses {@code KUBEBUILDER_ASSETS}).
 *
 * <p>One instance serves a whole JVM ({@link #shared()}); it is stopped by a shutdown hook.
 */
public final class LocalControlPlane implements AutoCloseable {

  /** System property holding the admin kubeconfig path of the running shared instance. */
  private static final String SHARED_KUBECONFIG = "meshoperator.localkube.kubeconfig";

  public static final String NODE_NAME = "kwok-node-0";

  /** Audit every write at Metadata level; reads are not logged. */
  private static final String AUDIT_POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: ["RequestReceived"]
      rules:
      - level: Metadata
        verbs: ["create", "update", "patch", "delete", "deletecollection"]
      - level: None
      """;

  private static LocalControlPlane shared;

  private final Path binDir;
  private final Path workDir;
  private final Path adminKubeconfig;
  private final ComponentProcesses processes;
  private final String version;
  private final NetworkNamespace netns;
  private volatile boolean closed;

  private LocalControlPlane(
      Path binDir, Path workDir, Path adminKubeconfig, String version, NetworkNamespace netns) {
    this.binDir = binDir;
    this.workDir = workDir;
    this.adminKubeconfig = adminKubeconfig;
    this.version = version;
    this.netns = netns;
    this.processes = new ComponentProcesses(binDir, workDir, netns);
  }

  /**
   * The control plane of this JVM, started on first use. Several class loaders (Quarkus tests load
   * classes anew) attach to the one that started first through a system property.
   */
  public static synchronized LocalControlPlane shared() {
    if (shared != null) {
      return shared;
    }
    String existing = System.getProperty(SHARED_KUBECONFIG);
    if (existing != null) {
      Path kubeconfig = Path.of(existing);
      shared = new LocalControlPlane(null, kubeconfig.getParent(), kubeconfig, null, null);
      return shared;
    }
    shared = start();
    Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "local-control-plane-stop"));
    System.setProperty(SHARED_KUBECONFIG, shared.adminKubeconfig.toString());
    return shared;
  }

  /** Builds or finds the binaries and starts every component. */
  public static LocalControlPlane start() {
    return start(null);
  }

  /**
   * As {@link #start()}, with every component inside {@code netns} (when not null): there the
   * apiserver can dial a Service's ClusterIP (put on the namespace's loopback) without the address
   * leaving this machine. Its port is exposed on this JVM's loopback at the same number, so the
   * admin kubeconfig works from here and from inside alike.
   */
  public static LocalControlPlane start(NetworkNamespace netns) {
    Path binDir = Binaries.resolve();
    String version = binDir.getFileName().toString().replaceFirst("-.*$", "");
    Path cacheRoot = binDir.getParent().getParent();
    Instant t0 = Instant.now();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("local-k8s-");
      Files.writeString(workDir.resolve("audit-policy.yaml"), AUDIT_POLICY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // kube-api-test's certificates (BouncyCastle; cached beside the binaries): a self-signed
    // serving certificate for 127.0.0.1 that also signs service-account tokens, and a
    // system:masters client certificate. The processes themselves are started here: its own
    // launcher disables the ServiceAccount admission plugin, and pods would then lack the
    // serviceAccountName a real cluster gives them.
    new CertManager(cacheRoot.toString()).createCertificatesIfNeeded();
    Path serverCert = cacheRoot.resolve(CertManager.API_SERVER_CERT_NAME);
    Path serverKey = cacheRoot.resolve(CertManager.API_SERVER_KEY_NAME);
    Path clientCert = cacheRoot.resolve(CertManager.CLIENT_CERT_NAME);
    Path clientKey = cacheRoot.resolve(CertManager.CLIENT_KEY_NAME);
    int etcdPort = freePort();
    int peerPort = freePort();
    int apiPort = freePort();
    Path kubeconfig = workDir.resolve("admin.kubeconfig");
    var cp = new LocalControlPlane(binDir, workDir, kubeconfig, version, netns);
    try {
      Files.writeString(
          kubeconfig,
          Kubeconfigs.admin(apiPort, serverCert, clientCert, clientKey),
          StandardCharsets.UTF_8);
      log("starting etcd and kube-apiserver v" + version);
      cp.spawn(
          "etcd",
          List.of(
              "--data-dir=" + workDir.resolve("etcd"),
              "--listen-client-urls=http://127.0.0.1:" + etcdPort,
              "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
              "--listen-peer-urls=http://127.0.0.1:" + peerPort,
              "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
              "--initial-cluster=default=http://127.0.0.1:" + peerPort,
              "--unsafe-no-fsync=true"));
      cp.spawn(
          "kube-apiserver",
          List.of(
              "--etcd-servers=http://127.0.0.1:" + etcdPort,
              "--bind-address=127.0.0.1",
              "--advertise-address=127.0.0.1",
              "--secure-port=" + apiPort,
              "--cert-dir=" + workDir.resolve("apiserver-certs"),
              "--tls-cert-file=" + serverCert,
              "--tls-private-key-file=" + serverKey,
              "--client-ca-file=" + clientCert,
              "--authorization-mode=RBAC",
              "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
              "--service-account-key-file=" + serverKey,
              "--service-account-signing-key-file=" + serverKey,
              "--service-cluster-ip-range=10.0.0.0/24",
              "--allow-privileged=true",
              // Every write, with who made it: tests count the operator's writes with it.
              "--audit-policy-file=" + workDir.resolve("audit-policy.yaml"),
              "--audit-log-path=" + workDir.resolve("audit.log"),
              "--audit-log-mode=blocking"));
      if (netns != null) {
        netns.exposePort(apiPort, workDir);
      }
      waitFor(
          "kube-apiserver ready",
          Duration.ofSeconds(120),
          () -> {
            try (KubernetesClient c = cp.adminClient()) {
              return c.namespaces().withName("default").get() != null;
            }
          });
      cp.startComponents(cacheRoot);
    } catch (IOException e) {
      cp.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      cp.close();
      throw e;
    }
    log(
        "control plane ready in "
            + Duration.between(t0, Instant.now()).toSeconds()
            + "s, kubeconfig "
            + kubeconfig
            + ", logs in "
            + workDir);
    return cp;
  }

  /** A free TCP port on loopback (for the processes the harness starts). */
  public static int freePort() {
    try (var socket = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startComponents(Path cacheRoot) {
    String kc = adminKubeconfig.toString();
    String saKey = cacheRoot.resolve("apiserver.key").toString();
    String rootCa = cacheRoot.resolve("apiserver.crt").toString();
    spawn(
        "kube-controller-manager",
        List.of(
            "--kubeconfig=" + kc,
            "--authentication-kubeconfig=" + kc,
            "--authorization-kubeconfig=" + kc,
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=0",
            "--service-account-private-key-file=" + saKey,
            "--root-ca-file=" + rootCa,
            "--use-service-account-credentials=false",
            // On a loaded 2-core machine kwok's heartbeat can come late; with the default grace
            // the node lifecycle controller then marks every pod NotReady, and kwok (which
            // readies a pod once) never flips them back. A long grace keeps it from doing so.
            "--node-monitor-grace-period=10m",
            // No cloud and no node IPAM; everything else (deployments, replicasets, namespaces,
            // garbage collection, service accounts, endpoints, node taints) runs as in a real
            // cluster.
            "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller"));
    spawn(
        "kube-scheduler",
        List.of(
            "--kubeconfig=" + kc,
            "--authentication-kubeconfig=" + kc,
            "--authorization-kubeconfig=" + kc,
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=0"));
    spawn(
        "kwok",
        List.of(
            "--kubeconfig=" + kc,
            "--manage-all-nodes=true",
            "--config=" + binDir.resolve("kwok-stages.yaml"),
            "--server-address=127.0.0.1:0",
            "--node-ip=127.0.0.1",
            // Pod IPs outside the service range (10.0.0.0/24): kwok's default is 10.0.0.1/24.
            "--cidr=10.244.0.0/16"));
    try (KubernetesClient admin = adminClient()) {
      admin.nodes().resource(KwokNode.of(NODE_NAME, version)).createOr(n -> n.update());
      waitFor(
          "node " + NODE_NAME + " Ready (kwok)",
          Duration.ofSeconds(60),
          () -> {
            var node = admin.nodes().withName(NODE_NAME).get();
            return node != null
                && node.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
          });
      waitFor(
          "default ServiceAccount (kube-controller-manager)",
          Duration.ofSeconds(60),
          () -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null);
    }
  }

  private void spawn(String binary, List<String> args) {
    processes.spawn(binary, args);
  }

  /** A client with cluster-admin rights (system:masters). */
  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder().withConfig(adminConfig()).build();
  }

  public Config adminConfig() {
    try {
      return Config.fromKubeconfig(Files.readString(adminKubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A client authenticated as a ServiceAccount through a bound token from the TokenRequest API,
   * exactly what a pod running as that account would use. The account must exist.
   */
  public KubernetesClient serviceAccountClient(String namespace, String name) {
    return new KubernetesClientBuilder().withConfig(serviceAccountConfig(namespace, name)).build();
  }

  public Config serviceAccountConfig(String namespace, String name) {
    try (KubernetesClient client = adminClient()) {
      return Kubeconfigs.serviceAccount(adminConfig(), client, namespace, name);
    }
  }

  /** Writes a kubeconfig for a ServiceAccount, for processes started outside this JVM. */
  public Path writeServiceAccountKubeconfig(String namespace, String name) {
    String yaml =
        Kubeconfigs.serviceAccountYaml(serviceAccountConfig(namespace, name), namespace, name);
    try {
      Path file = workDir.resolve(namespace + "-" + name + ".kubeconfig");
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  /** The apiserver's audit log: one JSON event per write request. */
  public Path auditLog() {
    return workDir.resolve("audit.log");
  }

  public Path workDir() {
    return workDir;
  }

  /** The network namespace every component runs in, or null (this machine's). */
  public NetworkNamespace netns() {
    return netns;
  }

  public Path binDir() {
    return binDir == null ? Binaries.resolve() : binDir;
  }

  /** The apiserver's own report of its version, e.g. v1.35.4. */
  public String serverVersion() {
    try (KubernetesClient client = adminClient()) {
      return client.getKubernetesVersion().getGitVersion();
    }
  }

  @Override
  public synchronized void close() {
    if (closed || processes.isEmpty()) {
      return;
    }
    closed = true;
    processes.stop();
    log("control plane stopped");
  }

  public static void waitFor(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("timed out after " + timeout + " waiting for " + what, last);
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static void log(String message) {
    System.err.println("[local-k8s] " + message);
  }
}
