package dev.meshoperator.certs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the operator reports about a certificate in status and events, plus small predicates on
 * certificates used by the renewal logic.
 *
 * @param subject RFC 2253 subject DN
 * @param issuer RFC 2253 issuer DN
 * @param serialNumber lower-case hex serial number
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param subjectAlternativeNames DNS, IP and URI SANs
 * @param sha256Fingerprint lower-case hex SHA-256 of the DER encoding, as {@code openssl x509
 *     -fingerprint -sha256} prints it without colons
 * @param certificateAuthority whether basicConstraints says CA
 */
public record CertificateInfo(
    String subject,
    String issuer,
    String serialNumber,
    Instant notBefore,
    Instant notAfter,
    SubjectAlternativeNames subjectAlternativeNames,
    String sha256Fingerprint,
    boolean certificateAuthority) {

  private static final byte[] PROBE = "meshoperator key match".getBytes(StandardCharsets.US_ASCII);

  /** Extracts the reportable facts of {@code certificate}. */
  public static CertificateInfo of(X509Certificate certificate) {
    return new CertificateInfo(
        certificate.getSubjectX500Principal().getName(),
        certificate.getIssuerX500Principal().getName(),
        certificate.getSerialNumber().toString(16),
        certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(),
        subjectAlternativeNames(certificate),
        sha256Fingerprint(certificate),
        isCertificateAuthority(certificate));
  }

  /** The certificate's last instant of validity. */
  public static Instant expiresAt(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant();
  }

  /** {@code true} if {@code now} lies inside [notBefore, notAfter]. */
  public static boolean isValidAt(X509Certificate certificate, Instant now) {
    return !now.isBefore(certificate.getNotBefore().toInstant())
        && !now.isAfter(certificate.getNotAfter().toInstant());
  }

  /** Lower-case hex SHA-256 of the DER encoding. */
  public static String sha256Fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable or certificate not encodable", e);
    }
  }

  /** DNS, IP and URI subject alternative names; other name types are ignored. */
  public static SubjectAlternativeNames subjectAlternativeNames(X509Certificate certificate) {
    Collection<List<?>> entries;
    try {
      entries = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new InvalidPemException("Unreadable subjectAltName extension", e);
    }
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    if (entries != null) {
      for (List<?> entry : entries) {
        int type = (Integer) entry.get(0);
        String value = String.valueOf(entry.get(1));
        switch (type) {
          case 2 -> dns.add(value);
          case 7 -> ips.add(value);
          case 6 -> uris.add(value);
          default -> {
            // otherName, email, directoryName: not used by the operator
          }
        }
      }
    }
    return new SubjectAlternativeNames(
        new LinkedHashSet<>(dns), new LinkedHashSet<>(ips), new LinkedHashSet<>(uris));
  }

  /** {@code true} if basicConstraints marks the certificate as a CA that may sign certificates. */
  public static boolean isCertificateAuthority(X509Certificate certificate) {
    boolean[] keyUsage = certificate.getKeyUsage();
    boolean mayCertSign = keyUsage == null || (keyUsage.length > 5 && keyUsage[5]);
    return certificate.getBasicConstraints() >= 0 && mayCertSign;
  }

  /**
   * {@code true} if {@code certificate} names {@code issuer} as its issuer and carries a valid
   * signature by the issuer's key. A {@code false} here means the certificate must be reissued.
   */
  public static boolean isIssuedBy(X509Certificate certificate, X509Certificate issuer) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** {@code true} if both certificates have the same DER encoding. */
  public static boolean sameCertificate(X509Certificate a, X509Certificate b) {
    try {
      return MessageDigest.isEqual(a.getEncoded(), b.getEncoded());
    } catch (CertificateEncodingException e) {
      return false;
    }
  }

  /**
   * {@code true} if {@code privateKey} belongs to {@code publicKey}. RSA compares moduli; EC has no
   * public half in a JDK private key, so it signs and verifies a fixed probe. The answer is
   * deterministic even though ECDSA signing uses a random nonce.
   */
  public static boolean keyMatches(PublicKey publicKey, PrivateKey privateKey) {
    if (publicKey instanceof RSAPublicKey pub && privateKey instanceof RSAPrivateKey priv) {
      return pub.getModulus().equals(priv.getModulus());
    }
    if (publicKey instanceof ECPublicKey && privateKey instanceof ECPrivateKey) {
      try {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(PROBE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(PROBE);
        return verifier.verify(signature);
      } catch (GeneralSecurityException | RuntimeException e) {
        return false;
      }
    }
    return false;
  }
}
