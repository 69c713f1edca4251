package dev.meshoperator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemTest {

  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  private final CertificateAuthority ca =
      CertificateAuthority.selfSigned(CaSpec.of("pem-ca", "test", Duration.ofDays(10)), clock);
  private final IssuedCertificate leaf =
      ca.issueServing(
          ServingSpec.of(SubjectAlternativeNames.forService("svc", "ns"), Duration.ofDays(1)),
          clock);

  @Test
  void privateKeysAreWrittenAsPkcs8ThatTheJdkParses() throws Exception {
    String pem = leaf.privateKeyPem();

    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n")
        .doesNotContain("EC PRIVATE KEY")
        .doesNotContain("\r");
    byte[] der = base64Body(pem);
    PrivateKey parsed = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    assertThat(parsed).isEqualTo(leaf.privateKey());
    assertThat(Pem.decodePrivateKey(pem)).isEqualTo(leaf.privateKey());
  }

  @Test
  void rsaKeysRoundTripAsPkcs8() {
    PrivateKey rsa = KeyAlgorithm.RSA_2048.generate(new java.security.SecureRandom()).getPrivate();
    String pem = Pem.encodePrivateKey(rsa);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.decodePrivateKey(pem)).isEqualTo(rsa);
  }

  @Test
  void legacySec1EcKeysAreAccepted() throws Exception {
    // As OpenSSL writes it: curve OID and public key inside the SEC1 structure.
    byte[] sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
                256,
                ((java.security.interfaces.ECPrivateKey) leaf.privateKey()).getS(),
                SubjectPublicKeyInfo.getInstance(leaf.certificate().getPublicKey().getEncoded())
                    .getPublicKeyData(),
                X9ObjectIdentifiers.prime256v1)
            .getEncoded();
    String pem = block("EC PRIVATE KEY", sec1);
    // openssl ecparam -genkey writes the curve parameters first
    String withParams =
        block("EC PARAMETERS", new byte[] {6, 8, 42, -122, 72, -50, 61, 3, 1, 7}) + pem;

    assertThat(Pem.decodePrivateKey(pem).getEncoded()).isNotEmpty();
    assertThat(
            CertificateInfo.keyMatches(
                leaf.certificate().getPublicKey(), Pem.decodePrivateKey(pem)))
        .isTrue();
    assertThat(
            CertificateInfo.keyMatches(
                leaf.certificate().getPublicKey(), Pem.decodePrivateKey(withParams)))
        .isTrue();
  }

  @Test
  void legacyPkcs1RsaKeysAreAccepted() throws Exception {
    PrivateKey rsa = KeyAlgorithm.RSA_2048.generate(new java.security.SecureRandom()).getPrivate();
    byte[] pkcs1 =
        PrivateKeyInfo.getInstance(rsa.getEncoded())
            .parsePrivateKey()
            .toASN1Primitive()
            .getEncoded();

    PrivateKey decoded = Pem.decodePrivateKey(block("RSA PRIVATE KEY", pkcs1));

    assertThat(decoded.getEncoded()).isEqualTo(rsa.getEncoded());
    assertThat(Pem.encodePrivateKey(decoded)).isEqualTo(Pem.encodePrivateKey(rsa));
  }

  @Test
  void chainsKeepOrderAndEncodingIsStable() {
    List<X509Certificate> chain = List.of(leaf.certificate(), ca.certificate());
    String pem = Pem.encodeCertificates(chain);

    assertThat(Pem.decodeCertificates(pem)).containsExactlyElementsOf(chain);
    assertThat(Pem.decodeCertificate(pem)).isEqualTo(leaf.certificate());
    assertThat(Pem.encodeCertificates(Pem.decodeCertificates(pem))).isEqualTo(pem);
    assertThat(pem.lines().filter(l -> !l.startsWith("-----")))
        .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(64));
    assertThat(leaf.chainPem()).isEqualTo(pem);
  }

  @Test
  void textAroundBlocksIsIgnoredAndCrlfAccepted() {
    String pem =
        "# webhook CA\r\n" + ca.certificatePem().replace("\n", "\r\n") + "trailing words\n";
    assertThat(Pem.decodeCertificates(pem)).containsExactly(ca.certificate());
    assertThat(Pem.decodeCertificates("")).isEmpty();
    assertThat(Pem.decodeCertificates(null)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-----BEGIN CERTIFICATE-----\nnot base64!!\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
      })
  void corruptCertificatesAreRejected(String pem) {
    assertThatThrownBy(() -> Pem.decodeCertificates(pem)).isInstanceOf(InvalidPemException.class);
  }

  @Test
  void wrongOrMissingObjectsAreRejected() {
    assertThatThrownBy(() -> Pem.decodeCertificates(leaf.privateKeyPem()))
        .isInstanceOf(InvalidPemException.class);
    assertThatThrownBy(() -> Pem.decodePrivateKey(leaf.certificatePem()))
        .isInstanceOf(InvalidPemException.class);
    assertThatThrownBy(() -> Pem.decodePrivateKey("hello")).isInstanceOf(InvalidPemException.class);
    assertThatThrownBy(() -> Pem.decodeCertificate("")).isInstanceOf(InvalidPemException.class);
    assertThatThrownBy(
            () -> Pem.decodePrivateKey(block("PRIVATE KEY", new byte[] {48, 3, 2, 1, 0})))
        .isInstanceOf(InvalidPemException.class);
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] base64Body(String pem) {
    return Base64.getMimeDecoder()
        .decode(pem.replaceAll("-----[A-Z ]+-----", "").replace("\n", ""));
  }
}
