package dev.meshoperator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CertificateInfoTest {

  @Test
  void reportsWhatStatusNeeds() throws Exception {
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    CertificateAuthority ca =
        CertificateAuthority.selfSigned(
            CaSpec.of("info-ca", "meshoperator", Duration.ofDays(9)), clock);
    IssuedCertificate leaf =
        ca.issueServing(
            ServingSpec.of(
                SubjectAlternativeNames.forService("s", "n").withLoopback(), Duration.ofDays(3)),
            clock);

    CertificateInfo info = CertificateInfo.of(leaf.certificate());

    assertThat(info.subject()).isEqualTo("CN=s");
    assertThat(info.issuer()).isEqualTo("CN=info-ca,O=meshoperator");
    assertThat(info.notAfter()).isEqualTo(Instant.parse("2030-01-04T00:00:00Z"));
    assertThat(info.notBefore()).isEqualTo(Instant.parse("2029-12-31T23:59:00Z"));
    assertThat(info.serialNumber()).isEqualTo(leaf.certificate().getSerialNumber().toString(16));
    assertThat(info.subjectAlternativeNames().ipAddresses()).containsExactly("127.0.0.1");
    assertThat(info.sha256Fingerprint())
        .hasSize(64)
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getEncoded())));
    assertThat(info.certificateAuthority()).isFalse();
    assertThat(CertificateInfo.of(ca.certificate()).certificateAuthority()).isTrue();
    assertThat(CertificateInfo.isValidAt(leaf.certificate(), Instant.parse("2030-01-04T00:00:01Z")))
        .isFalse();
  }
}
