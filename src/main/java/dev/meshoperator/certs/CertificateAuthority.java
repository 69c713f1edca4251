package dev.meshoperator.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA certificate with its private key: creates self-signed roots, intermediates and TLS serving
 * certificates.
 *
 * <p>All validity periods are computed from the injected {@link Clock}, truncated to whole seconds
 * (X.509 time has second precision) and back-dated by {@link #BACKDATE} so that peers whose clocks
 * run slightly behind accept a certificate the moment it is issued. An issued certificate never
 * outlives its issuer: notAfter is capped at the issuer's notAfter, because a chain is only valid
 * while every link is. Only the JDK providers are used (BouncyCastle builds the ASN.1), so nothing
 * registers a global security provider.
 */
public final class CertificateAuthority {

  /** How far notBefore is moved into the past to tolerate clock skew between nodes. */
  public static final Duration BACKDATE = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final List<X509Certificate> issuers;

  private CertificateAuthority(
      X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> issuers) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.issuers = List.copyOf(issuers);
  }

  /**
   * Wraps an existing CA, e.g. one read back from a Secret.
   *
   * @param issuers the CAs above it, nearest first (empty for a root)
   * @throws InvalidPemException if the certificate is not a CA or the key does not belong to it
   */
  public static CertificateAuthority of(
      X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> issuers) {
    if (!CertificateInfo.isCertificateAuthority(certificate)) {
      throw new InvalidPemException(
          "Not a CA certificate: " + certificate.getSubjectX500Principal());
    }
    if (!CertificateInfo.keyMatches(certificate.getPublicKey(), privateKey)) {
      throw new InvalidPemException("CA key does not match the CA certificate");
    }
    return new CertificateAuthority(certificate, privateKey, issuers);
  }

  /** Creates a self-signed root CA with a fresh key. */
  public static CertificateAuthority selfSigned(CaSpec spec, Clock clock) {
    KeyPair keys = spec.keyAlgorithm().generate(RANDOM);
    X500Name subject = name(spec.commonName(), spec.organization());
    Instant now = now(clock);
    X509Certificate cert =
        sign(
            subject,
            subject,
            now.minus(BACKDATE),
            now.plus(spec.validity()),
            keys.getPublic(),
            keys.getPrivate(),
            null,
            builder -> addCaExtensions(builder, spec, false));
    return new CertificateAuthority(cert, keys.getPrivate(), List.of());
  }

  /**
   * Creates an intermediate CA signed by this CA. Its keyUsage additionally allows {@code
   * digitalSignature}, as Istio's own tooling sets for istiod's signing certificate.
   */
  public CertificateAuthority issueIntermediate(CaSpec spec, Clock clock) {
    KeyPair keys = spec.keyAlgorithm().generate(RANDOM);
    Instant now = now(clock);
    X509Certificate cert =
        sign(
            name(spec.commonName(), spec.organization()),
            x500(certificate),
            now.minus(BACKDATE),
            capped(now.plus(spec.validity())),
            keys.getPublic(),
            privateKey,
            certificate,
            builder -> addCaExtensions(builder, spec, true));
    return new CertificateAuthority(cert, keys.getPrivate(), chain());
  }

  /** Issues a TLS server certificate (extendedKeyUsage serverAuth) with a fresh key. */
  public IssuedCertificate issueServing(ServingSpec spec, Clock clock) {
    KeyPair keys = spec.keyAlgorithm().generate(RANDOM);
    Instant now = now(clock);
    int usage = KeyUsage.digitalSignature;
    if (spec.keyAlgorithm().isRsa()) {
      // RSA key exchange (TLS 1.2 without (EC)DHE) encrypts with the server key.
      usage |= KeyUsage.keyEncipherment;
    }
    int keyUsage = usage;
    X509Certificate cert =
        sign(
            name(spec.commonName(), null),
            x500(certificate),
            now.minus(BACKDATE),
            capped(now.plus(spec.validity())),
            keys.getPublic(),
            privateKey,
            certificate,
            builder -> {
              builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
              builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
              builder.addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
              builder.addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  generalNames(spec.subjectAlternativeNames()));
            });
    return new IssuedCertificate(cert, keys.getPrivate(), chain());
  }

  /** {@code true} if {@code candidate} carries this CA's name as issuer and its signature. */
  public boolean issued(X509Certificate candidate) {
    return CertificateInfo.isIssuedBy(candidate, certificate);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA's private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The CAs above this one, nearest first; empty for a root. */
  public List<X509Certificate> issuers() {
    return issuers;
  }

  /** This CA followed by its issuers: what istiod calls {@code cert-chain.pem}. */
  public List<X509Certificate> chain() {
    List<X509Certificate> chain = new ArrayList<>(issuers.size() + 1);
    chain.add(certificate);
    chain.addAll(issuers);
    return List.copyOf(chain);
  }

  /** The CA certificate as PEM. */
  public String certificatePem() {
    return Pem.encodeCertificate(certificate);
  }

  /** The CA key as PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.encodePrivateKey(privateKey);
  }

  private Instant capped(Instant notAfter) {
    Instant limit = certificate.getNotAfter().toInstant();
    return notAfter.isAfter(limit) ? limit : notAfter;
  }

  private static Instant now(Clock clock) {
    return Objects.requireNonNull(clock, "clock").instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static void addCaExtensions(
      X509v3CertificateBuilder builder, CaSpec spec, boolean intermediate) throws IOException {
    builder.addExtension(
        Extension.basicConstraints,
        true,
        spec.pathLength() < 0
            ? new BasicConstraints(true)
            : new BasicConstraints(spec.pathLength()));
    int usage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
    if (intermediate) {
      usage |= KeyUsage.digitalSignature;
    }
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
    if (!spec.uris().isEmpty()) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          generalNames(new SubjectAlternativeNames(null, null, new LinkedHashSet<>(spec.uris()))));
    }
  }

  private static GeneralNames generalNames(SubjectAlternativeNames sans) {
    List<GeneralName> names = new ArrayList<>();
    sans.dnsNames().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    sans.ipAddresses().forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
    sans.uris().forEach(n -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, n)));
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /** Extensions specific to the kind of certificate; key identifiers are added by {@link #sign}. */
  @FunctionalInterface
  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private static X509Certificate sign(
      X500Name subject,
      X500Name issuer,
      Instant notBefore,
      Instant notAfter,
      PublicKey subjectKey,
      PrivateKey signingKey,
      X509Certificate issuerCertificate,
      Extensions extensions) {
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalStateException("Issuer expires before the new certificate would start");
    }
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              serialNumber(),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              subjectKey);
      extensions.add(builder);
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      if (issuerCertificate != null) {
        builder.addExtension(
            Extension.authorityKeyIdentifier, false, authorityKeyId(utils, issuerCertificate));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(KeyAlgorithm.signatureAlgorithm(signingKey))
                      .build(signingKey)));
    } catch (IOException | OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("Cannot build certificate for " + subject, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 for key identifiers unavailable", e);
    }
  }

  /**
   * The issuer's own subjectKeyIdentifier when it has one (so chains built by key id match even for
   * CAs created elsewhere), else the RFC 5280 SHA-1 key id. Only the key id is set: naming the
   * issuer's issuer and serial would tie the certificate to one specific CA certificate.
   */
  private static AuthorityKeyIdentifier authorityKeyId(
      JcaX509ExtensionUtils utils, X509Certificate issuer) {
    byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ski != null) {
      byte[] keyId =
          SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ski).getOctets())
              .getKeyIdentifier();
      return new AuthorityKeyIdentifier(keyId);
    }
    return utils.createAuthorityKeyIdentifier(issuer.getPublicKey());
  }

  /** 159 random bits: positive, at most 20 octets (RFC 5280) and never zero. */
  private static BigInteger serialNumber() {
    BigInteger serial;
    do {
      serial = new BigInteger(159, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  private static X500Name name(String commonName, String organization) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    if (organization != null && !organization.isEmpty()) {
      builder.addRDN(BCStyle.O, organization);
    }
    builder.addRDN(BCStyle.CN, commonName);
    return builder.build();
  }

  private static X500Name x500(X509Certificate certificate) {
    // The issuer name must be byte-identical to the CA's subject, so reuse its encoding.
    return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
  }
}
