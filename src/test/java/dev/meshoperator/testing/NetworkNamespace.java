package dev.meshoperator.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace made by the harness ({@code ip netns add iop-<kind>-<pid>}) with only its own
 * loopback, and the Unix-socket relays that join it to this JVM's loopback (the file system is
 * shared by every network namespace, loopback is not): no veth, no address outside loopback on this
 * machine.
 *
 * <p>Addresses put on the namespace's {@code lo} (a Service's ClusterIP, say) are local to it;
 * every other address is unreachable there (no route), so nothing run inside can leave it.
 *
 * <p>Namespaces of runs that were killed ({@code iop-*-<pid>} with a dead pid) are removed, with
 * their processes, when the next one of the same kind is made.
 */
public final class NetworkNamespace implements AutoCloseable {

  private final String name;
  private final List<Process> processes = new ArrayList<>();
  private final List<ServerSocketChannel> hostRelays = new ArrayList<>();

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** Why no network namespace can be made here, if none can (not root, no {@code ip}). */
  public static Optional<String> unavailable(String prefix) {
    String probe = prefix + "probe-" + ProcessHandle.current().pid();
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

  /** Makes {@code <prefix><pid>} with its loopback up, after removing stale ones. */
  public static NetworkNamespace create(String prefix) {
    removeStale(prefix);
    String name = prefix + ProcessHandle.current().pid();
    try {
      check(run(List.of("ip", "netns", "add", name)), "ip netns add " + name);
      check(run(List.of("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")), "lo up");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new NetworkNamespace(name);
  }

  public String name() {
    return name;
  }

  /** {@code command} prefixed to run inside the namespace. */
  public List<String> exec(List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(command);
    return full;
  }

  /** Puts {@code ip/32} on the namespace's loopback (idempotent). */
  public void addAddress(String ip) {
    try {
      // Exit 2 with "File exists" when it is there already.
      run(exec(List.of("ip", "addr", "add", ip + "/32", "dev", "lo")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes the namespace's {@code 127.0.0.1:port} reachable at this JVM's {@code 127.0.0.1:port}
   * (same port: certificates for 127.0.0.1 stay valid): a listener here, a Unix socket, and a relay
   * process inside that connects to the port.
   */
  public void exposePort(int port, Path socketDir) {
    exposePort(port, port, socketDir);
  }

  /** The namespace's {@code 127.0.0.1:nsPort} at this JVM's {@code 127.0.0.1:hostPort}. */
  public void exposePort(int hostPort, int nsPort, Path socketDir) {
    Path socket = socketDir.resolve(name + "-in-" + hostPort + ".sock");
    startRelay(List.of("unix-to-tcp", socket.toString(), "127.0.0.1:" + nsPort));
    try {
      hostRelays.add(UnixTcpRelay.tcpToUnix(hostPort, socket));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Inside the namespace, forwards {@code listen} ({@code ip:port}) to {@code target} ({@code
   * ip:port}), as kube-proxy forwards a ClusterIP port to a pod's target port.
   */
  public Process forwardInside(List<String> rules) {
    List<String> args = new ArrayList<>();
    for (String rule : rules) {
      String[] lt = rule.split("->");
      args.addAll(List.of("tcp-to-tcp", lt[0], lt[1]));
    }
    return startRelay(args);
  }

  private Process startRelay(List<String> args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), UnixTcpRelay.class.getName()));
    cmd.addAll(args);
    try {
      Process relay = new ProcessBuilder(exec(cmd)).redirectErrorStream(true).start();
      processes.add(relay);
      String first =
          new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (first == null || !first.startsWith("relay listening")) {
        throw new IllegalStateException("relay in " + name + " did not start: " + first);
      }
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code command} inside the namespace; it is stopped (at the latest) by close. */
  public Process start(ProcessBuilder pb) {
    pb.command(exec(pb.command()));
    try {
      Process p = pb.start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    for (ServerSocketChannel c : hostRelays) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closed
      }
    }
    delete(name);
  }

  /** Namespaces {@code <prefix><pid>} whose JVM is gone, with whatever still runs in them. */
  static void removeStale(String prefix) {
    Pattern p = Pattern.compile("^(" + Pattern.quote(prefix) + "(?:probe-)?(\\d+))\\b");
    for (String line : output(List.of("ip", "netns", "list"))) {
      Matcher m = p.matcher(line);
      if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
        LocalControlPlane.log("removing stale network namespace " + m.group(1));
        delete(m.group(1));
      }
    }
  }

  static void delete(String ns) {
    for (String pid : output(List.of("ip", "netns", "pids", ns))) {
      ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
    }
    try {
      run(List.of("ip", "netns", "del", ns));
    } catch (IOException e) {
      LocalControlPlane.log("could not delete netns " + ns + ": " + e.getMessage());
    }
  }

  static List<String> output(List<String> cmd) {
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

  static int run(List<String> cmd) throws IOException {
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
