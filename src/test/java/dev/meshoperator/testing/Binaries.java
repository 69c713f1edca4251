package dev.meshoperator.testing;

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
    // Quick when everything is cached; otherwise it builds (15-30 min cold).
    resolved = HackScripts.cacheDir("hack/build-k8s.sh", Files::isDirectory);
    return resolved;
  }
}
