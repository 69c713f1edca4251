package dev.meshoperator.certs;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a CA certificate should look like.
 *
 * @param commonName subject CN
 * @param organization subject O; istiod reads the issuer's O when it re-derives options, so it
 *     should never be empty for mesh CAs
 * @param keyAlgorithm the CA's own key type
 * @param validity lifetime from "now" (capped at the issuer's notAfter for intermediates)
 * @param pathLength basicConstraints pathLenConstraint; {@code -1} for none (unlimited)
 * @param uris optional URI SANs, e.g. a SPIFFE trust-domain ID
 */
public record CaSpec(
    String commonName,
    String organization,
    KeyAlgorithm keyAlgorithm,
    Duration validity,
    int pathLength,
    List<String> uris) {

  /** Validates and copies. */
  public CaSpec {
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("CA validity must be positive: " + validity);
    }
    if (pathLength < -1) {
      throw new IllegalArgumentException("pathLength must be >= -1: " + pathLength);
    }
    uris = uris == null ? List.of() : List.copyOf(uris);
  }

  /** An ECDSA P-256 CA without path length limit or SANs. */
  public static CaSpec of(String commonName, String organization, Duration validity) {
    return new CaSpec(commonName, organization, KeyAlgorithm.EC_P256, validity, -1, List.of());
  }

  /** A copy with another key algorithm. */
  public CaSpec withKeyAlgorithm(KeyAlgorithm algorithm) {
    return new CaSpec(commonName, organization, algorithm, validity, pathLength, uris);
  }

  /** A copy with another path length constraint ({@code -1}: none). */
  public CaSpec withPathLength(int length) {
    return new CaSpec(commonName, organization, keyAlgorithm, validity, length, uris);
  }

  /** A copy with URI SANs. */
  public CaSpec withUris(List<String> sanUris) {
    return new CaSpec(commonName, organization, keyAlgorithm, validity, pathLength, sanUris);
  }
}
