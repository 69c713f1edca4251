package dev.meshoperator.api.v1alpha1;

import java.util.List;
import java.util.Optional;

/** The Istio releases this operator knows how to install. Kept in one place on purpose. */
public final class IstioVersions {

  /** The newest supported stable release; the CRD's default for {@code spec.version}. */
  public static final String DEFAULT = "1.30.3";

  /** Supported releases, oldest first: the latest patch of each supported minor. */
  public static final List<String> SUPPORTED = List.of("1.28.10", "1.29.6", "1.30.3");

  private IstioVersions() {}

  public static boolean isSupported(String version) {
    return SUPPORTED.contains(version);
  }

  /** The minor release number of a {@code major.minor.patch} version, if it parses. */
  public static Optional<Integer> minor(String version) {
    if (version == null) {
      return Optional.empty();
    }
    String[] parts = version.split("\\.");
    if (parts.length < 2) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(parts[0]) * 1000 + Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Why moving from {@code running} to {@code wanted} is refused, if it is: an unsupported version,
   * or a downgrade by more than one minor release (istiod's stored config and the proxies' xDS are
   * only compatible across one minor).
   */
  public static Optional<String> refusal(String running, String wanted) {
    if (!isSupported(wanted)) {
      return Optional.of(
          "version "
              + wanted
              + " is not supported; supported versions: "
              + String.join(", ", SUPPORTED));
    }
    var from = minor(running);
    var to = minor(wanted);
    if (from.isPresent() && to.isPresent() && from.get() - to.get() > 1) {
      return Optional.of(
          "downgrade from "
              + running
              + " to "
              + wanted
              + " skips more than one minor release; downgrade one minor at a time");
    }
    return Optional.empty();
  }
}
