package dev.meshoperator.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;

/** PKIX validation helpers for tests. */
final class Chains {

  private Chains() {}

  /**
   * Validates {@code path} (target first, trust anchor excluded) against {@code anchors} at {@code
   * at}, with revocation checking off. Throws if the chain does not verify.
   */
  static void validate(List<X509Certificate> path, Collection<X509Certificate> anchors, Instant at)
      throws GeneralSecurityException {
    CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
    PKIXParameters params =
        new PKIXParameters(
            anchors.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet()));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(at));
    CertPathValidator.getInstance("PKIX").validate(certPath, params);
  }

  static boolean isValid(
      List<X509Certificate> path, Collection<X509Certificate> anchors, Instant at) {
    try {
      validate(path, anchors, at);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
