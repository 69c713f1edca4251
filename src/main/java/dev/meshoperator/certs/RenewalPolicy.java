package dev.meshoperator.certs;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Lifetimes of newly issued certificates and when existing ones are renewed. Pure: every answer
 * depends only on the certificate and the instant passed in.
 *
 * <p>A certificate is due for renewal once {@code renewAtFraction} of its lifetime (notBefore to
 * notAfter) has elapsed, or once no more than {@code renewBefore} remains, whichever comes first.
 * The fraction makes renewal scale with the lifetime actually issued (including certificates made
 * by older versions with other lifetimes); the absolute margin guarantees time to act for long
 * lifetimes. A certificate that is not valid yet (clocks moved backwards) is also due: it would be
 * rejected by every peer.
 *
 * <p>For {@link MeshCa} the "CA" lifetime is the root's and the "leaf" lifetime is istiod's
 * intermediate's.
 *
 * @param caValidity lifetime of new CA certificates
 * @param leafValidity lifetime of new leaf (or, for the mesh, intermediate) certificates
 * @param renewAtFraction fraction of the lifetime after which to renew, in (0, 1]
 * @param renewBefore renew at the latest when this much validity remains; may be zero
 */
public record RenewalPolicy(
    Duration caValidity, Duration leafValidity, double renewAtFraction, Duration renewBefore) {

  /** Validates the combination: a leaf must be renewable before it expires. */
  public RenewalPolicy {
    requirePositive(caValidity, "caValidity");
    requirePositive(leafValidity, "leafValidity");
    Objects.requireNonNull(renewBefore, "renewBefore");
    if (!(renewAtFraction > 0 && renewAtFraction <= 1)) {
      throw new IllegalArgumentException("renewAtFraction must be in (0, 1]: " + renewAtFraction);
    }
    if (renewBefore.isNegative() || renewBefore.compareTo(leafValidity) >= 0) {
      throw new IllegalArgumentException(
          "renewBefore must be >= 0 and shorter than leafValidity: " + renewBefore);
    }
    if (leafValidity.compareTo(caValidity) > 0) {
      throw new IllegalArgumentException("leafValidity must not exceed caValidity");
    }
  }

  /** Webhook defaults: CA 365 days, leaf 90 days, renew after 2/3 or with 7 days left. */
  public static RenewalPolicy webhookDefaults() {
    return new RenewalPolicy(
        Duration.ofDays(365), Duration.ofDays(90), 2.0 / 3, Duration.ofDays(7));
  }

  /** Mesh defaults: root 10 years, intermediate 1 year, renew after 2/3 or with 30 days left. */
  public static RenewalPolicy meshDefaults() {
    return new RenewalPolicy(
        Duration.ofDays(3650), Duration.ofDays(365), 2.0 / 3, Duration.ofDays(30));
  }

  /** The instant from which {@code certificate} is due for renewal. */
  public Instant renewalTime(X509Certificate certificate) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    long lifetimeSeconds = Duration.between(notBefore, notAfter).getSeconds();
    Instant byFraction = notBefore.plusSeconds((long) Math.ceil(lifetimeSeconds * renewAtFraction));
    Instant byMargin = notAfter.minus(renewBefore);
    return byFraction.isBefore(byMargin) ? byFraction : byMargin;
  }

  /** {@code true} if {@code certificate} should be replaced at {@code now}. */
  public boolean needsRenewal(X509Certificate certificate, Instant now) {
    return !now.isBefore(renewalTime(certificate))
        || now.isBefore(certificate.getNotBefore().toInstant());
  }

  /** The certificate's notAfter. */
  public static Instant expiresAt(X509Certificate certificate) {
    return CertificateInfo.expiresAt(certificate);
  }

  /**
   * Why {@code leaf} cannot be kept at {@code now}, or {@code null} if it can: it must be signed by
   * {@code ca}, carry exactly the {@code wanted} names, and not be due for renewal.
   */
  public RotationReason leafProblem(
      X509Certificate leaf, X509Certificate ca, SubjectAlternativeNames wanted, Instant now) {
    if (!CertificateInfo.isIssuedBy(leaf, ca)) {
      return RotationReason.LEAF_NOT_SIGNED_BY_CA;
    }
    if (!CertificateInfo.subjectAlternativeNames(leaf).equals(wanted)) {
      return RotationReason.LEAF_NAMES_CHANGED;
    }
    if (needsRenewal(leaf, now)) {
      return RotationReason.LEAF_RENEWAL_DUE;
    }
    return null;
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
