package dev.meshoperator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {

  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  // keyUsage bit positions (RFC 5280)
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_ENCIPHERMENT = 2;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00.123Z");
  private final Instant now = Instant.parse("2030-01-01T00:00:00Z");

  private final SubjectAlternativeNames sans =
      SubjectAlternativeNames.forService("webhook", "mesh-system").withLoopback();

  private CertificateAuthority root() {
    return CertificateAuthority.selfSigned(
        CaSpec.of("test-root", "test", Duration.ofDays(365)), clock);
  }

  @Test
  void rootIsASelfSignedCaWithCriticalConstraints() throws Exception {
    X509Certificate ca = root().certificate();

    assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(ca.getCriticalExtensionOIDs()).contains(BASIC_CONSTRAINTS, KEY_USAGE);
    boolean[] usage = ca.getKeyUsage();
    assertThat(usage[KEY_CERT_SIGN]).isTrue();
    assertThat(usage[CRL_SIGN]).isTrue();
    assertThat(usage[DIGITAL_SIGNATURE]).isFalse();
    assertThat(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void validityComesFromTheClockBackDatedAndTruncatedToSeconds() {
    X509Certificate ca = root().certificate();

    assertThat(ca.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(1)));
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(365)));
  }

  @Test
  void serialNumbersArePositiveRandomAndFitIn20Octets() {
    X509Certificate a = root().certificate();
    X509Certificate b = root().certificate();

    assertThat(a.getSerialNumber().signum()).isPositive();
    assertThat(a.getSerialNumber().bitLength()).isLessThanOrEqualTo(159);
    assertThat(a.getSerialNumber().toByteArray()).hasSizeLessThanOrEqualTo(20);
    assertThat(a.getSerialNumber()).isNotEqualTo(b.getSerialNumber());
  }

  @Test
  void pathLengthIsConfigurable() {
    X509Certificate ca =
        CertificateAuthority.selfSigned(
                CaSpec.of("r", "o", Duration.ofDays(10)).withPathLength(2), clock)
            .certificate();
    assertThat(ca.getBasicConstraints()).isEqualTo(2);
  }

  @Test
  void servingCertificateHasSansUsagesAndKeyIdentifiers() throws Exception {
    CertificateAuthority ca = root();
    X509Certificate leaf =
        ca.issueServing(ServingSpec.of(sans, Duration.ofDays(90)), clock).certificate();

    assertThat(CertificateInfo.subjectAlternativeNames(leaf).dnsNames())
        .containsExactly(
            "webhook",
            "webhook.mesh-system",
            "webhook.mesh-system.svc",
            "webhook.mesh-system.svc.cluster.local",
            "localhost");
    assertThat(CertificateInfo.subjectAlternativeNames(leaf).ipAddresses())
        .containsExactly("127.0.0.1");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getCriticalExtensionOIDs()).contains(BASIC_CONSTRAINTS, KEY_USAGE);
    assertThat(leaf.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
    assertThat(leaf.getKeyUsage()[KEY_ENCIPHERMENT]).isFalse();
    assertThat(leaf.getKeyUsage()[KEY_CERT_SIGN]).isFalse();
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=webhook");
    assertThat(authorityKeyId(leaf)).isEqualTo(subjectKeyId(ca.certificate()));
    assertThat(subjectKeyId(leaf)).isNotNull().isNotEqualTo(subjectKeyId(ca.certificate()));
    assertThat(ca.issued(leaf)).isTrue();
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(1)));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(90)));

    Chains.validate(List.of(leaf), List.of(ca.certificate()), now.plus(Duration.ofDays(1)));
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void everyKeyAlgorithmWorksForCaAndLeaf(KeyAlgorithm algorithm) throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.selfSigned(
            CaSpec.of("r", "o", Duration.ofDays(30)).withKeyAlgorithm(algorithm), clock);
    IssuedCertificate leaf =
        ca.issueServing(
            ServingSpec.of(sans, Duration.ofDays(10)).withKeyAlgorithm(algorithm), clock);

    assertThat(leaf.certificate().getKeyUsage()[KEY_ENCIPHERMENT]).isEqualTo(algorithm.isRsa());
    assertThat(leaf.certificate().getSigAlgName())
        .isEqualTo(algorithm.isRsa() ? "SHA256withRSA" : "SHA256withECDSA");
    assertThat(Pem.decodePrivateKey(leaf.privateKeyPem())).isEqualTo(leaf.privateKey());
    Chains.validate(List.of(leaf.certificate()), List.of(ca.certificate()), now);
  }

  @Test
  void chainIsValidOnlyWithinItsValidity() {
    CertificateAuthority ca = root();
    X509Certificate leaf =
        ca.issueServing(ServingSpec.of(sans, Duration.ofDays(90)), clock).certificate();
    List<X509Certificate> anchors = List.of(ca.certificate());

    assertThat(Chains.isValid(List.of(leaf), anchors, now.minus(Duration.ofSeconds(59)))).isTrue();
    assertThat(Chains.isValid(List.of(leaf), anchors, now.minus(Duration.ofMinutes(2)))).isFalse();
    assertThat(Chains.isValid(List.of(leaf), anchors, now.plus(Duration.ofDays(90)))).isTrue();
    assertThat(Chains.isValid(List.of(leaf), anchors, now.plus(Duration.ofDays(91)))).isFalse();
  }

  @Test
  void leafNeverOutlivesItsCa() {
    CertificateAuthority ca =
        CertificateAuthority.selfSigned(CaSpec.of("r", "o", Duration.ofDays(30)), clock);
    X509Certificate leaf =
        ca.issueServing(ServingSpec.of(sans, Duration.ofDays(90)), clock).certificate();

    assertThat(leaf.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void intermediateChainsToRootAndCanIssue() throws Exception {
    CertificateAuthority root = root();
    CertificateAuthority intermediate =
        root.issueIntermediate(
            CaSpec.of("intermediate", "test", Duration.ofDays(100))
                .withPathLength(0)
                .withUris(List.of("spiffe://cluster.local/ns/istio-system/sa/istiod")),
            clock);
    X509Certificate cert = intermediate.certificate();

    assertThat(cert.getBasicConstraints()).isZero();
    assertThat(cert.getKeyUsage()[KEY_CERT_SIGN]).isTrue();
    assertThat(cert.getKeyUsage()[CRL_SIGN]).isTrue();
    assertThat(cert.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
    assertThat(CertificateInfo.subjectAlternativeNames(cert).uris())
        .containsExactly("spiffe://cluster.local/ns/istio-system/sa/istiod");
    assertThat(authorityKeyId(cert)).isEqualTo(subjectKeyId(root.certificate()));
    assertThat(intermediate.chain()).containsExactly(cert, root.certificate());

    IssuedCertificate leaf =
        intermediate.issueServing(ServingSpec.of(sans, Duration.ofDays(5)), clock);
    assertThat(leaf.issuers()).containsExactly(cert, root.certificate());
    Chains.validate(List.of(leaf.certificate(), cert), List.of(root.certificate()), now);
  }

  @Test
  void wrappingRejectsNonCasAndForeignKeys() {
    CertificateAuthority ca = root();
    IssuedCertificate leaf = ca.issueServing(ServingSpec.of(sans, Duration.ofDays(5)), clock);

    assertThatThrownBy(
            () -> CertificateAuthority.of(leaf.certificate(), leaf.privateKey(), List.of()))
        .isInstanceOf(InvalidPemException.class);
    assertThatThrownBy(
            () -> CertificateAuthority.of(ca.certificate(), leaf.privateKey(), List.of()))
        .isInstanceOf(InvalidPemException.class);
    assertThat(
            CertificateAuthority.of(ca.certificate(), ca.privateKey(), List.of())
                .issued(leaf.certificate()))
        .isTrue();
  }

  @Test
  void anotherCaDidNotIssueTheLeaf() {
    X509Certificate leaf =
        root().issueServing(ServingSpec.of(sans, Duration.ofDays(5)), clock).certificate();
    assertThat(root().issued(leaf)).isFalse();
  }

  static byte[] subjectKeyId(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    return ext == null
        ? null
        : SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets())
            .getKeyIdentifier();
  }

  static byte[] authorityKeyId(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets())
        .getKeyIdentifierObject()
        .getOctets();
  }
}
