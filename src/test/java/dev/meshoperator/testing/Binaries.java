package dev.meshoperator.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the control-plane binaries, building them through hack/build-k8s.sh when missing. */
final class Binaries {

  private static Path resolved;

  private Binaries() {}

  static synchronized Path resolve() {
    if (resolved != null) {
      return resolved;
    }
    Path script = ProjectDir.get().resolve("hack/build-k8s.sh");
    try {
      // The script is quick when everything is cached; otherwise it builds (15-30 min cold) and
      // its progress goes to our stderr.
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
      if (rc != 0 || last == null || !Files.isDirectory(Path.of(last))) {
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
}
