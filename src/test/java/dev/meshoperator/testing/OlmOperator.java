package dev.meshoperator.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * OLM's olm-operator ({@code cmd/olm}, built by {@code hack/build-olm.sh}) running against the
 * local control plane, inside a network namespace of its own.
 *
 * <p>Why a network namespace: {@code olm} always listens on {@code :8080} on every interface (no
 * flag changes that), and nothing here may listen on a non-loopback address of the machine. In the
 * namespace {@code iop-olm-<pid>}, which has only its own loopback, that listener reaches nothing.
 * The apiserver (on the machine's 127.0.0.1) is reached through two relays joined by a Unix socket
 * ({@link UnixTcpRelay}): no veth, no address outside loopback anywhere.
 *
 * <p>Cleanup: {@link #close} stops both processes and deletes the namespace; namespaces of runs
 * that were killed ({@code iop-olm-<pid>} with a dead pid) are removed, with their processes, when
 * the next one starts.
 */
public final class OlmOperator implements AutoCloseable {

  public static final String NAMESPACE = "olm";
  private static final String PREFIX = "iop-olm-";

  private final String netns;
  private final ServerSocketChannel hostRelay;
  private final List<Process> processes = new ArrayList<>();
  private final Path log;

  private OlmOperator(String netns, ServerSocketChannel hostRelay, Path log) {
    this.netns = netns;
    this.hostRelay = hostRelay;
    this.log = log;
  }

  /** Why OLM cannot run here, if it cannot: no network namespace can be made. */
  public static Optional<String> unavailable() {
    return NetworkNamespace.unavailable(PREFIX);
  }

  /** Installs OLM's CRDs (server-side) and its namespace, and starts {@code olm}. */
  public static OlmOperator start(LocalControlPlane cp, KubernetesClient admin) {
    Path dir = olmDir();
    installCrds(admin, dir.resolve("crds"));
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();

    int apiPort = URI.create(admin.getConfiguration().getMasterUrl()).getPort();
    Path socket = cp.workDir().resolve("olm-apiserver.sock");
    Path log = cp.workDir().resolve("olm.log");
    try {
      // Made (stale ones of killed runs removed first) and deleted by NetworkNamespace.
      String netns = NetworkNamespace.create(PREFIX).name();
      var olm = new OlmOperator(netns, UnixTcpRelay.unixToTcp(socket, apiPort), log);
      try {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process relay =
            new ProcessBuilder(
                    "ip",
                    "netns",
                    "exec",
                    netns,
                    java,
                    "-Xmx32m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    UnixTcpRelay.class.getName(),
                    String.valueOf(apiPort),
                    socket.toString())
                .redirectErrorStream(true)
                .start();
        olm.processes.add(relay);
        String first =
            new BufferedReader(
                    new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (first == null || !first.startsWith("relay listening")) {
          throw new IllegalStateException("relay in " + netns + " did not start: " + first);
        }
        var pb =
            new ProcessBuilder(
                    "ip",
                    "netns",
                    "exec",
                    netns,
                    dir.resolve("olm").toString(),
                    "--namespace",
                    NAMESPACE,
                    "--writeStatusName",
                    "")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("OPERATOR_NAMESPACE", NAMESPACE);
        pb.environment().put("OPERATOR_NAME", "olm-operator");
        pb.environment().put("KUBECONFIG", cp.adminKubeconfig().toString());
        olm.processes.add(pb.start());
        LocalControlPlane.log(
            "olm " + dir.getFileName() + " running in netns " + netns + ", log " + log);
        return olm;
      } catch (IOException | RuntimeException e) {
        olm.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isAlive() {
    return processes.stream().allMatch(Process::isAlive);
  }

  public String logTail() {
    return LocalControlPlane.tail(log);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      hostRelay.close();
    } catch (IOException ignored) {
      // closed
    }
    NetworkNamespace.delete(netns);
  }

  /** The cache directory of {@code hack/build-olm.sh} (building on first use). */
  static Path olmDir() {
    return HackScripts.cacheDir("hack/build-olm.sh", dir -> Files.isExecutable(dir.resolve("olm")));
  }

  /** OLM's 8 CRDs, server-side: the CSV CRD is too big for client-side apply's annotation. */
  private static void installCrds(KubernetesClient admin, Path crds) {
    try (Stream<Path> files = Files.list(crds)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      if (all.size() != 8) {
        throw new IllegalStateException("expected OLM's 8 CRDs in " + crds + ", found " + all);
      }
      for (Path f : all) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd =
              admin.apiextensions().v1().customResourceDefinitions().load(in).item();
          admin.resource(crd).forceConflicts().serverSideApply();
          String name = crd.getMetadata().getName();
          LocalControlPlane.waitFor(
              "CRD " + name + " Established",
              Duration.ofSeconds(30),
              () ->
                  admin
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(name)
                      .get()
                      .getStatus()
                      .getConditions()
                      .stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
