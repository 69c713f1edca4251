package dev.meshoperator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Renders a kustomize directory with the real kubectl built for the local control plane. */
public final class Kustomize {

  private Kustomize() {}

  /**
   * {@code kubectl kustomize kustomize/<dir>}'s output.
   *
   * @throws IllegalStateException with kubectl's message when rendering fails
   */
  public static byte[] render(String dir) {
    Path kubectl = Binaries.resolve().resolve("kubectl");
    Path target = ProjectDir.get().resolve("kustomize").resolve(dir);
    try {
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", target.toString())
              .redirectErrorStream(false)
              .start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader =
          new Thread(
              () -> {
                try {
                  p.getErrorStream().transferTo(err);
                } catch (IOException ignored) {
                  // The exit code reports the failure.
                }
              });
      errReader.start();
      p.getInputStream().transferTo(out);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kubectl kustomize " + target + " timed out");
      }
      errReader.join();
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "kubectl kustomize "
                + target
                + " failed: "
                + err.toString(StandardCharsets.UTF_8).trim());
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
