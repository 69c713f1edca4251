package dev.meshoperator.testing;

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
    resolved =
        HackScripts.cacheDir(
            "hack/build-istio.sh", dir -> Files.isExecutable(dir.resolve("pilot-discovery")));
    return resolved;
  }

  public static Path istioctl() {
    return dir().resolve("istioctl");
  }
}
