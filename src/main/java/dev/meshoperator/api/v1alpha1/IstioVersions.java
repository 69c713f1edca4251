package dev.meshoperator.api.v1alpha1;

import java.util.List;

/** The Istio releases this operator knows how to install. Kept in one place on purpose. */
public final class IstioVersions {

  /** The newest supported stable release; the CRD's default for {@code spec.version}. */
  public static final String DEFAULT = "1.30.3";

  /** Supported releases, oldest first. */
  public static final List<String> SUPPORTED = List.of("1.28.4", "1.29.3", "1.30.2", "1.30.3");

  private IstioVersions() {}

  public static boolean isSupported(String version) {
    return SUPPORTED.contains(version);
  }
}
