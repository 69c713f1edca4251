package dev.meshoperator.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * The {@code hack/build-*.sh} scripts that build a real program from Go modules and cache it print
 * the cache directory on their last line of stdout. They are quick when everything is cached;
 * otherwise they build (minutes to tens of minutes cold) and their progress goes to our stderr.
 */
public final class HackScripts {

  private HackScripts() {}

  /**
   * Runs {@code script} (relative to the project) and returns the directory it printed last.
   *
   * @param built what must hold of that directory for the build to count as done
   */
  public static Path cacheDir(String script, Predicate<Path> built) {
    Path path = ProjectDir.get().resolve(script);
    try {
      Process p =
          new ProcessBuilder("bash", path.toString())
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
      if (rc != 0 || last == null || !built.test(Path.of(last))) {
        throw new IllegalStateException(path + " failed with exit code " + rc);
      }
      return Path.of(last);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
