package dev.meshoperator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}, prod profile: leader election
 * on) as a separate process on this machine, authenticated by a kubeconfig, serving its webhook and
 * management ports on loopback.
 */
public final class OperatorProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  private final int webhookPort;
  private final int managementPort;

  private OperatorProcess(
      String name, Process process, Path log, int webhookPort, int managementPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.webhookPort = webhookPort;
    this.managementPort = managementPort;
  }

  /**
   * @param env extra environment (MESH_OPERATOR_*, QUARKUS_*), applied last
   */
  public static OperatorProcess start(
      String name, Path kubeconfig, Path workDir, Map<String, String> env) {
    return start(name, kubeconfig, workDir, LocalControlPlane.freePort(), env);
  }

  /** As {@link #start(String, Path, Path, Map)}, with the webhook on {@code webhookPort}. */
  public static OperatorProcess start(
      String name, Path kubeconfig, Path workDir, int webhookPort, Map<String, String> env) {
    return start(name, kubeconfig, workDir, webhookPort, env, List.of("-Xmx256m"), null);
  }

  /** As above, with these JVM options instead of {@code -Xmx256m}. */
  public static OperatorProcess start(
      String name,
      Path kubeconfig,
      Path workDir,
      int webhookPort,
      Map<String, String> env,
      List<String> jvmOptions) {
    return start(name, kubeconfig, workDir, webhookPort, env, jvmOptions, null);
  }

  /**
   * As {@link #start(String, Path, Path, int, Map)}, inside {@code netns} (the cluster's namespace,
   * where the apiserver reaches its webhook at 127.0.0.1); its management port is then exposed on
   * this JVM's loopback at the same number.
   */
  public static OperatorProcess start(
      String name,
      Path kubeconfig,
      Path workDir,
      int webhookPort,
      Map<String, String> env,
      NetworkNamespace netns) {
    return start(name, kubeconfig, workDir, webhookPort, env, List.of("-Xmx256m"), netns);
  }

  /** The general form: these JVM options, and inside {@code netns} when it is not null. */
  public static OperatorProcess start(
      String name,
      Path kubeconfig,
      Path workDir,
      int webhookPort,
      Map<String, String> env,
      List<String> jvmOptions,
      NetworkNamespace netns) {
    Path jar = ProjectDir.get().resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with ./mvnw package first");
    }
    try {
      int managementPort = LocalControlPlane.freePort();
      Path log = workDir.resolve(name + ".log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-jar");
      command.add(jar.toString());
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> e = new LinkedHashMap<>();
      e.put("KUBECONFIG", kubeconfig.toString());
      e.put("QUARKUS_HTTP_HOST", "127.0.0.1");
      e.put("QUARKUS_HTTP_SSL_PORT", String.valueOf(webhookPort));
      e.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
      e.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
      e.put("MESH_OPERATOR_NAMESPACE", ClusterSetup.OPERATOR_NAMESPACE);
      e.put("MESH_OPERATOR_LEADER_ELECTION_IDENTITY", name);
      e.putAll(env);
      pb.environment().putAll(e);
      Process p = netns == null ? pb.start() : netns.start(pb);
      if (netns != null) {
        netns.exposePort(managementPort, workDir);
      }
      OperatorProcess op = new OperatorProcess(name, p, log, webhookPort, managementPort);
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      return op;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public int webhookPort() {
    return webhookPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public long pid() {
    return process.pid();
  }

  /** Resident set size (VmRSS of /proc/PID/status), in bytes; -1 once the process is gone. */
  public long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      return -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The heap in use right after a full GC (jcmd GC.run, then GC.heap_info): what the process
   * retains, without the garbage of the moment. -1 when jcmd could not tell.
   */
  public long liveHeapBytes() {
    jcmd("GC.run");
    return heapUsedBytes(jcmd("GC.heap_info"));
  }

  /**
   * The heap in use per GC.heap_info: G1 prints one "total ..K, used ..K" line, the Serial GC one
   * per generation (young, tenured); all are summed. -1 when there is none.
   */
  public static long heapUsedBytes(String heapInfo) {
    var m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(heapInfo);
    long used = -1;
    while (m.find()) {
      used = Math.max(used, 0) + Long.parseLong(m.group(1)) * 1024;
    }
    return used;
  }

  /** The heap committed per GC.heap_info, summed over generations as {@link #heapUsedBytes}. */
  public static long heapCommittedBytes(String heapInfo) {
    var m = java.util.regex.Pattern.compile("total (\\d+)K, used \\d+K").matcher(heapInfo);
    long total = -1;
    while (m.find()) {
      total = Math.max(total, 0) + Long.parseLong(m.group(1)) * 1024;
    }
    return total;
  }

  /** The output of {@code jcmd PID command}; "" on failure. */
  public String jcmd(String command) {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  String.valueOf(pid()),
                  command)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The body of a management endpoint (e.g. /q/metrics), or "" when unreachable. */
  public String body(String path) {
    try {
      return HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .build()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The HTTP status of a management endpoint (e.g. /q/health/ready), or -1 when unreachable. */
  public int get(String path) {
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(2))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return r.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Waits for readiness (webhook serving), failing with the log's tail if the process died. */
  public void awaitReady(Duration timeout) {
    LocalControlPlane.waitFor(
        name + " ready",
        timeout,
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited:\n" + LocalControlPlane.tail(log));
          }
          return get("/q/health/ready") == 200;
        });
  }

  /** SIGKILL: no lease release, no goodbye (a node failure, an OOM kill). */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
