package dev.meshoperator.certs;

import static dev.meshoperator.certs.MeshCa.CA_CERT;
import static dev.meshoperator.certs.MeshCa.CA_KEY;
import static dev.meshoperator.certs.MeshCa.CERT_CHAIN;
import static dev.meshoperator.certs.MeshCa.ROOT_CERT;
import static dev.meshoperator.certs.MeshCa.ROOT_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshCaTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String ISTIOD_URI = "spiffe://cluster.local/ns/istio-system/sa/istiod";

  private final MutableClock clock = new MutableClock(T0);
  private final MeshCa.Settings settings =
      new MeshCa.Settings(
          RenewalPolicy.meshDefaults(),
          KeyAlgorithm.EC_P256,
          "cluster.local",
          Duration.ofDays(1),
          List.of(ISTIOD_URI));
  private final MeshCa meshCa = new MeshCa(settings, clock);

  @Test
  void freshCacertsHaveTheLayoutIstiodVerifies() throws Exception {
    MeshCa.Result result = meshCa.reconcile(null, Map.of());

    assertThat(result.reasons()).containsExactly(RotationReason.CA_CREATED);
    assertThat(result.rootChanged()).isTrue();
    assertThat(result.cacertsChanged()).isTrue();
    assertThat(result.cacertsData()).containsOnlyKeys(MeshCa.CACERTS_KEYS);
    assertThat(result.rootData()).containsOnlyKeys(MeshCa.ROOT_KEYS);
    assertThat(text(result.cacertsData(), CA_KEY)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(text(result.rootData(), ROOT_KEY)).startsWith("-----BEGIN PRIVATE KEY-----");
    // istiod never sees the root key
    assertThat(new String(concat(result.cacertsData()), StandardCharsets.UTF_8))
        .doesNotContain(
            text(result.rootData(), ROOT_KEY).lines().skip(1).findFirst().orElseThrow());

    X509Certificate root = cert(result.rootData(), ROOT_CERT);
    X509Certificate intermediate = cert(result.cacertsData(), CA_CERT);
    assertThat(certs(result.cacertsData(), ROOT_CERT)).containsExactly(root);
    assertThat(certs(result.cacertsData(), CERT_CHAIN)).containsExactly(intermediate, root);
    assertThat(result.intermediate()).isEqualTo(intermediate);

    assertThat(root.getBasicConstraints()).isEqualTo(1);
    assertThat(intermediate.getBasicConstraints()).isZero();
    boolean[] usage = intermediate.getKeyUsage();
    assertThat(usage[0]).as("digitalSignature").isTrue();
    assertThat(usage[5]).as("keyCertSign").isTrue();
    assertThat(usage[6]).as("cRLSign").isTrue();
    assertThat(CertificateInfo.subjectAlternativeNames(intermediate).uris())
        .containsExactly(ISTIOD_URI);
    assertThat(intermediate.getSubjectX500Principal().getName()).contains("O=cluster.local");
    assertThat(intermediate.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(365)));
    assertThat(root.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(3650)));

    // What istiod checks on load: ca-cert.pem verifies to root-cert.pem, key matches.
    Chains.validate(List.of(intermediate), certs(result.cacertsData(), ROOT_CERT), T0);
    assertThat(
            CertificateInfo.keyMatches(
                intermediate.getPublicKey(),
                Pem.decodePrivateKey(text(result.cacertsData(), CA_KEY))))
        .isTrue();
    // And a workload certificate signed by istiod verifies to the root.
    X509Certificate workload = workloadCert(result);
    Chains.validate(List.of(workload, intermediate), List.of(root), T0);
  }

  @Test
  void unchangedInputGivesIdenticalOutput() {
    MeshCa.Result first = meshCa.reconcile(Map.of(), Map.of());
    clock.advance(Duration.ofDays(100));

    MeshCa.Result again = meshCa.reconcile(first.rootData(), first.cacertsData());

    assertThat(again.changed()).isFalse();
    assertThat(again.reasons()).isEmpty();
    assertThat(again.cacertsData()).isEqualTo(first.cacertsData());
    assertThat(again.rootData()).isEqualTo(first.rootData());
    assertThat(again.nextCheck())
        .isEqualTo(RenewalPolicy.meshDefaults().renewalTime(first.intermediate()));
  }

  @Test
  void intermediateRotatesUnderTheSameRoot() throws Exception {
    MeshCa.Result first = meshCa.reconcile(Map.of(), Map.of());
    clock.set(first.nextCheck().minus(Duration.ofHours(1)));
    X509Certificate oldWorkload = workloadCert(first);
    clock.set(first.nextCheck());

    MeshCa.Result rotated = meshCa.reconcile(first.rootData(), first.cacertsData());

    assertThat(rotated.reasons()).containsExactly(RotationReason.LEAF_RENEWAL_DUE);
    assertThat(rotated.rootChanged()).isFalse();
    assertThat(rotated.cacertsData().get(ROOT_CERT)).isEqualTo(first.cacertsData().get(ROOT_CERT));
    assertThat(rotated.intermediate()).isNotEqualTo(first.intermediate());
    X509Certificate root = cert(rotated.rootData(), ROOT_CERT);
    assertThat(certs(rotated.cacertsData(), CERT_CHAIN))
        .containsExactly(rotated.intermediate(), root);
    // Workloads with certificates from the old intermediate and the new one trust each other.
    Chains.validate(List.of(oldWorkload, first.intermediate()), rotated.roots(), clock.instant());
    Chains.validate(
        List.of(workloadCert(rotated), rotated.intermediate()), rotated.roots(), clock.instant());
  }

  @Test
  void rootRotationIsStagedAndTheOldRootRetiresOnExpiry() throws Exception {
    MeshCa.Result state = meshCa.reconcile(Map.of(), Map.of());
    X509Certificate root1 = cert(state.rootData(), ROOT_CERT);

    // Follow nextCheck like the reconciler's requeue would, until the root is renewed.
    int intermediateRotations = 0;
    while (true) {
      clock.set(state.nextCheck());
      state = meshCa.reconcile(state.rootData(), state.cacertsData());
      if (state.reasons().contains(RotationReason.CA_RENEWAL_DUE)) {
        break;
      }
      assertThat(state.reasons()).containsExactly(RotationReason.LEAF_RENEWAL_DUE);
      assertThat(cert(state.rootData(), ROOT_CERT)).isEqualTo(root1);
      intermediateRotations++;
    }
    assertThat(intermediateRotations).isBetween(8, 12);
    assertThat(clock.instant())
        .isEqualTo(RenewalPolicy.meshDefaults().renewalTime(root1))
        .isAfter(T0.plus(Duration.ofDays(2400)));

    // Phase 1: new root published next to the old one; istiod keeps its intermediate.
    MeshCa.Result phase1 = state;
    X509Certificate root2 = cert(phase1.rootData(), ROOT_CERT);
    X509Certificate oldIntermediate = phase1.intermediate();
    assertThat(root2).isNotEqualTo(root1);
    assertThat(phase1.roots()).containsExactly(root2, root1);
    assertThat(certs(phase1.cacertsData(), ROOT_CERT)).containsExactly(root2, root1);
    assertThat(CertificateInfo.isIssuedBy(oldIntermediate, root1)).isTrue();
    assertThat(certs(phase1.cacertsData(), CERT_CHAIN)).containsExactly(oldIntermediate, root1);
    Instant switchAt = clock.instant().plus(Duration.ofDays(1));
    assertThat(phase1.nextCheck()).isEqualTo(switchAt);
    X509Certificate phase1Workload = workloadCert(phase1);

    // Still inside the propagation delay: nothing changes.
    clock.set(switchAt.minusSeconds(1));
    assertThat(meshCa.reconcile(phase1.rootData(), phase1.cacertsData()).changed()).isFalse();

    // Phase 2: intermediate reissued from the new root; both roots still trusted.
    clock.set(switchAt);
    MeshCa.Result phase2 = meshCa.reconcile(phase1.rootData(), phase1.cacertsData());
    assertThat(phase2.reasons()).containsExactly(RotationReason.LEAF_NOT_SIGNED_BY_CA);
    assertThat(phase2.rootChanged()).isFalse();
    assertThat(CertificateInfo.isIssuedBy(phase2.intermediate(), root2)).isTrue();
    assertThat(certs(phase2.cacertsData(), CERT_CHAIN))
        .containsExactly(phase2.intermediate(), root2);
    assertThat(phase2.roots()).containsExactly(root2, root1);
    Chains.validate(List.of(phase1Workload, oldIntermediate), phase2.roots(), clock.instant());
    Chains.validate(
        List.of(workloadCert(phase2), phase2.intermediate()), phase2.roots(), clock.instant());

    // Intermediates keep rotating under root2 while root1 stays trusted until it expires; then
    // it leaves the bundle in a step of its own.
    state = phase2;
    while (state.roots().size() == 2) {
      assertThat(state.roots()).containsExactly(root2, root1);
      clock.set(state.nextCheck());
      state = meshCa.reconcile(state.rootData(), state.cacertsData());
    }
    assertThat(clock.instant()).isEqualTo(root1.getNotAfter().toInstant().plusSeconds(1));
    assertThat(state.reasons()).containsExactly(RotationReason.BUNDLE_UPDATED);
    assertThat(certs(state.cacertsData(), ROOT_CERT)).containsExactly(root2);
    assertThat(CertificateInfo.isIssuedBy(state.intermediate(), root2)).isTrue();
    Chains.validate(List.of(state.intermediate()), state.roots(), clock.instant());
  }

  @Test
  void corruptCacertsAreReissuedFromTheKeptRoot() {
    MeshCa.Result first = meshCa.reconcile(Map.of(), Map.of());
    Map<String, byte[]> corrupt = new HashMap<>(first.cacertsData());
    corrupt.put(CA_KEY, "garbage".getBytes(StandardCharsets.UTF_8));

    MeshCa.Result result = meshCa.reconcile(first.rootData(), corrupt);

    assertThat(result.reasons()).containsExactly(RotationReason.LEAF_INVALID);
    assertThat(result.rootChanged()).isFalse();
    assertThat(result.roots()).containsExactly(cert(first.rootData(), ROOT_CERT));
    assertThat(result.intermediate()).isNotEqualTo(first.intermediate());
  }

  @Test
  void lostRootSecretStartsAStagedRotationKeepingIstiodWorking() {
    MeshCa.Result first = meshCa.reconcile(Map.of(), Map.of());
    X509Certificate lostRoot = cert(first.rootData(), ROOT_CERT);
    clock.advance(Duration.ofDays(10));

    MeshCa.Result result = meshCa.reconcile(Map.of(), first.cacertsData());

    assertThat(result.reasons()).containsExactly(RotationReason.CA_CREATED);
    assertThat(result.roots()).hasSize(2).endsWith(lostRoot);
    assertThat(result.cacertsData().get(CA_CERT)).isEqualTo(first.cacertsData().get(CA_CERT));
    assertThat(result.nextCheck()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
  }

  @Test
  void unmanagedCacertsKeysArePreserved() {
    MeshCa.Result first = meshCa.reconcile(Map.of(), Map.of());
    Map<String, byte[]> withCrl = new HashMap<>(first.cacertsData());
    withCrl.put("ca-crl.pem", new byte[] {1});

    MeshCa.Result result = meshCa.reconcile(first.rootData(), withCrl);

    assertThat(result.changed()).isFalse();
    assertThat(result.cacertsData()).containsKey("ca-crl.pem");
  }

  private X509Certificate workloadCert(MeshCa.Result result) {
    CertificateAuthority istiod =
        CertificateAuthority.of(
            cert(result.cacertsData(), CA_CERT),
            Pem.decodePrivateKey(text(result.cacertsData(), CA_KEY)),
            certs(result.cacertsData(), CERT_CHAIN).subList(1, 2));
    return istiod
        .issueServing(
            ServingSpec.of(
                SubjectAlternativeNames.of(List.of("productpage.default.svc"), List.of()),
                Duration.ofHours(24)),
            clock)
        .certificate();
  }

  private static byte[] concat(Map<String, byte[]> data) {
    StringBuilder all = new StringBuilder();
    data.values().forEach(v -> all.append(new String(v, StandardCharsets.UTF_8)));
    return all.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Map<String, byte[]> data, String key) {
    return new String(data.get(key), StandardCharsets.UTF_8);
  }

  private static List<X509Certificate> certs(Map<String, byte[]> data, String key) {
    return Pem.decodeCertificates(text(data, key));
  }

  private static X509Certificate cert(Map<String, byte[]> data, String key) {
    return Pem.decodeCertificate(text(data, key));
  }
}
