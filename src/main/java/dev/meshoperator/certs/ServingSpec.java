package dev.meshoperator.certs;

import java.time.Duration;
import java.util.Objects;

/**
 * What a TLS serving (leaf) certificate should look like.
 *
 * @param commonName subject CN; clients match SANs only, the CN is informational
 * @param subjectAlternativeNames the names clients connect to; must not be empty
 * @param keyAlgorithm the leaf's key type
 * @param validity lifetime from "now", capped at the issuing CA's notAfter
 */
public record ServingSpec(
    String commonName,
    SubjectAlternativeNames subjectAlternativeNames,
    KeyAlgorithm keyAlgorithm,
    Duration validity) {

  /** Validates. */
  public ServingSpec {
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
    if (subjectAlternativeNames == null || subjectAlternativeNames.isEmpty()) {
      throw new IllegalArgumentException("A serving certificate needs at least one SAN");
    }
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("Validity must be positive: " + validity);
    }
  }

  /**
   * ECDSA P-256, CN = the primary SAN cut to the 64 characters X.500 allows (clients match the
   * SANs, which keep the full names).
   */
  public static ServingSpec of(SubjectAlternativeNames sans, Duration validity) {
    String primary = sans.primaryName();
    String commonName = primary.length() > 64 ? primary.substring(0, 64) : primary;
    return new ServingSpec(commonName, sans, KeyAlgorithm.EC_P256, validity);
  }

  /** A copy with another key algorithm. */
  public ServingSpec withKeyAlgorithm(KeyAlgorithm algorithm) {
    return new ServingSpec(commonName, subjectAlternativeNames, algorithm, validity);
  }
}
