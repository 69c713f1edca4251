package dev.meshoperator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RenewalPolicyTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final RenewalPolicy policy = RenewalPolicy.webhookDefaults();
  private final SubjectAlternativeNames sans = SubjectAlternativeNames.forService("svc", "ns");
  private final CertificateAuthority ca =
      CertificateAuthority.selfSigned(CaSpec.of("ca", "o", policy.caValidity()), clock);
  private final X509Certificate leaf =
      ca.issueServing(ServingSpec.of(sans, policy.leafValidity()), clock).certificate();

  @Test
  void leafIsRenewedAfterTwoThirdsOfItsLifetime() {
    // lifetime = 90 days + 1 minute back-dating; 2/3 of it is 60 days + 40 s after notBefore
    Instant renewal = T0.minus(Duration.ofMinutes(1)).plus(Duration.ofDays(60)).plusSeconds(40);

    assertThat(policy.renewalTime(leaf)).isEqualTo(renewal);
    assertThat(RenewalPolicy.expiresAt(leaf)).isEqualTo(T0.plus(Duration.ofDays(90)));
    assertThat(policy.needsRenewal(leaf, T0)).isFalse();
    assertThat(policy.needsRenewal(leaf, renewal.minusSeconds(1))).isFalse();
    assertThat(policy.needsRenewal(leaf, renewal)).isTrue();
    assertThat(policy.needsRenewal(leaf, T0.plus(Duration.ofDays(200)))).isTrue();
  }

  @Test
  void absoluteMarginWinsWhenItComesFirst() {
    RenewalPolicy late =
        new RenewalPolicy(Duration.ofDays(365), Duration.ofDays(90), 1.0, Duration.ofDays(10));

    assertThat(late.renewalTime(leaf)).isEqualTo(T0.plus(Duration.ofDays(80)));
  }

  @Test
  void caRenewalUsesTheCaLifetime() {
    assertThat(policy.needsRenewal(ca.certificate(), T0.plus(Duration.ofDays(243)))).isFalse();
    assertThat(policy.needsRenewal(ca.certificate(), T0.plus(Duration.ofDays(244)))).isTrue();
  }

  @Test
  void notYetValidCertificatesAreRenewed() {
    assertThat(policy.needsRenewal(leaf, T0.minus(Duration.ofMinutes(5)))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 59, 60, 61, 89, 90, 91})
  void renewalIsMonotonicInTime(long day) {
    Instant now = T0.plus(Duration.ofDays(day));
    if (policy.needsRenewal(leaf, now)) {
      assertThat(policy.needsRenewal(leaf, now.plus(Duration.ofDays(1)))).isTrue();
    }
    assertThat(policy.renewalTime(leaf))
        .isAfter(leaf.getNotBefore().toInstant())
        .isBefore(leaf.getNotAfter().toInstant());
  }

  @Test
  void leafProblemsAreReportedInOrder() {
    Instant now = T0.plus(Duration.ofDays(1));
    CertificateAuthority other =
        CertificateAuthority.selfSigned(CaSpec.of("ca", "o", policy.caValidity()), clock);

    assertThat(policy.leafProblem(leaf, ca.certificate(), sans, now)).isNull();
    assertThat(policy.leafProblem(leaf, other.certificate(), sans, now))
        .isEqualTo(RotationReason.LEAF_NOT_SIGNED_BY_CA);
    assertThat(policy.leafProblem(leaf, ca.certificate(), sans.withLoopback(), now))
        .isEqualTo(RotationReason.LEAF_NAMES_CHANGED);
    assertThat(
            policy.leafProblem(
                leaf,
                ca.certificate(),
                SubjectAlternativeNames.of(
                    List.of("svc.ns.svc.cluster.local", "SVC", "svc.ns", "svc.ns.svc"), List.of()),
                now))
        .isNull();
    assertThat(policy.leafProblem(leaf, ca.certificate(), sans, T0.plus(Duration.ofDays(61))))
        .isEqualTo(RotationReason.LEAF_RENEWAL_DUE);
  }

  @Test
  void inconsistentPoliciesAreRejected() {
    Duration d = Duration.ofDays(90);
    assertThatThrownBy(() -> new RenewalPolicy(d, d, 0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalPolicy(d, d, 1.5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalPolicy(d, d, 0.5, d))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalPolicy(d, d.plusDays(1), 0.5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalPolicy(Duration.ZERO, d, 0.5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
