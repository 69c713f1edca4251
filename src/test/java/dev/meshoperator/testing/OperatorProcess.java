package dev.meshoperator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) in a process of its own,
 * authenticated as a ServiceAccount through a bound token (what a pod of that account would have),
 * serving its webhook and management ports on loopback.
 */
public final class OperatorProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private OperatorProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the jar as {@code namespace/serviceAccount}, with {@code namespace} as the operator's
   * namespace. Needs {@code ./mvnw package} (the failsafe ITs run after it).
   */
  public static OperatorProcess start(
      LocalControlPlane cp, String namespace, String serviceAccount, String logName) {
    Path jar = ProjectDir.get().resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with ./mvnw package first");
    }
    Path kubeconfig = cp.writeServiceAccountKubeconfig(namespace, serviceAccount);
    Path log = cp.workDir().resolve(logName + ".log");
    int webhookPort = freePort();
    var pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("QUARKUS_HTTP_SSL_PORT", String.valueOf(webhookPort));
    pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));
    pb.environment().put("MESH_OPERATOR_NAMESPACE", namespace);
    pb.environment()
        .put("MESH_OPERATOR_WEBHOOK_URL", "https://127.0.0.1:" + webhookPort + "/inject");
    try {
      Process p = pb.start();
      LocalControlPlane.log(
          "operator process "
              + p.pid()
              + " as "
              + namespace
              + "/"
              + serviceAccount
              + ", log "
              + log);
      return new OperatorProcess(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Throws, with the log's tail, when the process has exited. */
  public void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "operator exited with " + process.exitValue() + ":\n" + LocalControlPlane.tail(log));
    }
  }

  public String logTail() {
    return LocalControlPlane.tail(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
