package dev.meshoperator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes of {@link LocalControlPlane}: each binary started from the cache directory (inside
 * the network namespace, when there is one) with its output in {@code <binary>.log} of the work
 * directory, and all stopped in reverse start order.
 */
final class ComponentProcesses {

  private final Path binDir;
  private final Path workDir;
  private final NetworkNamespace netns;
  private final List<Process> processes = new ArrayList<>();

  ComponentProcesses(Path binDir, Path workDir, NetworkNamespace netns) {
    this.binDir = binDir;
    this.workDir = workDir;
    this.netns = netns;
  }

  /** Starts {@code binary}; fails when it exits at once, with the end of its log. */
  void spawn(String binary, List<String> args) {
    var command = new ArrayList<String>();
    command.add(binDir.resolve(binary).toString());
    command.addAll(args);
    try {
      Path logFile = workDir.resolve(binary + ".log");
      Process p =
          new ProcessBuilder(netns == null ? command : netns.exec(command))
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
      processes.add(p);
      Thread.sleep(300);
      if (!p.isAlive()) {
        throw new IllegalStateException(
            binary
                + " exited at once with "
                + p.exitValue()
                + ":\n"
                + LocalControlPlane.tail(logFile));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  boolean isEmpty() {
    return processes.isEmpty();
  }

  /**
   * Stops them in reverse start order (kwok and controllers first, etcd last): each is asked to
   * stop, then killed if it has not within 10 s.
   */
  void stop() {
    List<Process> stopOrder = new ArrayList<>(processes);
    Collections.reverse(stopOrder);
    for (Process p : stopOrder) {
      p.destroy();
    }
    for (Process p : stopOrder) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
