package dev.meshoperator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The helm binary hack/build-helm.sh caches, and {@code helm template} with it. */
public final class Helm {

  private Helm() {}

  /** {@code -Dhelm.binary}, else where hack/build-helm.sh caches helm v3.22.0. */
  public static Path binary() {
    String configured = System.getProperty("helm.binary");
    if (configured != null) {
      return Path.of(configured);
    }
    String cache = System.getenv().getOrDefault("ISTIO_OPERATOR_CACHE", "");
    Path root =
        cache.isEmpty()
            ? Path.of(System.getProperty("user.home"), ".cache", "istio-operator")
            : Path.of(cache);
    return root.resolve("helm/v3.22.0-linux-amd64/helm");
  }

  /**
   * {@code helm template <args>}'s output.
   *
   * @throws IllegalStateException with helm's output when it fails or takes over 60 s
   */
  public static String template(String... args) {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "template"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      var out = new ByteArrayOutputStream();
      p.getInputStream().transferTo(out);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " timed out");
      }
      String text = out.toString(StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
