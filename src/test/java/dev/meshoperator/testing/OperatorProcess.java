package dev.meshoperator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
    return start(name, kubeconfig, workDir, webhookPort, env, null);
  }

  /**
   * As {@link #start(String, Path, Path, int, Map)}, inside {@code netns} when not null (the
   * cluster's namespace, where the apiserver reaches its webhook at 127.0.0.1); its management port
   * is then exposed on this JVM's loopback at the same number.
   */
  public static OperatorProcess start(
      String name,
      Path kubeconfig,
      Path workDir,
      int webhookPort,
      Map<String, String> env,
      NetworkNamespace netns) {
    Path jar = ProjectDir.get().resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with ./mvnw package first");
    }
    try {
      int managementPort = LocalControlPlane.freePort();
      Path log = workDir.resolve(name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
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
