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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    String probe = PREFIX + "probe-" + ProcessHandle.current().pid();
    try {
      int add = run(List.of("ip", "netns", "add", probe));
      if (add != 0) {
        return Optional.of("`ip netns add` failed (exit " + add + "): needs root/CAP_SYS_ADMIN");
      }
      run(List.of("ip", "netns", "del", probe));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot run `ip netns`: " + e.getMessage());
    }
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
    removeStale();
    String netns = PREFIX + ProcessHandle.current().pid();
    int apiPort = URI.create(admin.getConfiguration().getMasterUrl()).getPort();
    Path socket = cp.workDir().resolve("olm-apiserver.sock");
    Path log = cp.workDir().resolve("olm.log");
    try {
      check(run(List.of("ip", "netns", "add", netns)), "ip netns add " + netns);
      check(run(List.of("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up")), "lo up");
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
    deleteNetns(netns);
  }

  /** The cache directory of {@code hack/build-olm.sh} (building on first use). */
  static Path olmDir() {
    Path script = ProjectDir.get().resolve("hack/build-olm.sh");
    try {
      Process p =
          new ProcessBuilder("bash", script.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String last = null;
      try (var out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          last = line;
        }
      }
      int rc = p.waitFor();
      if (rc != 0 || last == null || !Files.isExecutable(Path.of(last, "olm"))) {
        throw new IllegalStateException(script + " failed with exit code " + rc);
      }
      return Path.of(last);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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

  /** Namespaces {@code iop-olm-<pid>} whose test JVM is gone, with whatever still runs in them. */
  private static void removeStale() {
    Pattern name = Pattern.compile("^(" + Pattern.quote(PREFIX) + "(?:probe-)?(\\d+))\\b");
    for (String line : output(List.of("ip", "netns", "list"))) {
      Matcher m = name.matcher(line);
      if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
        LocalControlPlane.log("removing stale network namespace " + m.group(1));
        deleteNetns(m.group(1));
      }
    }
  }

  private static void deleteNetns(String ns) {
    for (String pid : output(List.of("ip", "netns", "pids", ns))) {
      ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
    }
    try {
      run(List.of("ip", "netns", "del", ns));
    } catch (IOException e) {
      LocalControlPlane.log("could not delete netns " + ns + ": " + e.getMessage());
    }
  }

  private static List<String> output(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      List<String> lines;
      try (var r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        lines = r.lines().filter(l -> !l.isBlank()).toList();
      }
      return p.waitFor() == 0 ? lines : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static int run(List<String> cmd) throws IOException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void check(int rc, String what) {
    if (rc != 0) {
      throw new IllegalStateException(what + " failed with exit code " + rc);
    }
  }
}
