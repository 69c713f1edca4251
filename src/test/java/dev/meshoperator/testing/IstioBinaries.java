package dev.meshoperator.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Istio's own {@code pilot-discovery} and {@code istioctl}, built from the istio.io/istio module by
 * hack/build-istio.sh (cached; the build runs here only when they are missing).
 */
public final class IstioBinaries {

  private static Path resolved;

  private IstioBinaries() {}

  public static synchronized Path dir() {
    if (resolved != null) {
      return resolved;
    }
    Path script = ProjectDir.get().resolve("hack/build-istio.sh");
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
      if (rc != 0 || last == null || !Files.isExecutable(Path.of(last, "pilot-discovery"))) {
        throw new IllegalStateException(script + " failed with exit code " + rc);
      }
      resolved = Path.of(last);
      return resolved;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Path istioctl() {
    return dir().resolve("istioctl");
  }
}
