package dev.meshoperator.certs;

import static dev.meshoperator.certs.WebhookCertificates.CA_CERT;
import static dev.meshoperator.certs.WebhookCertificates.CA_KEY;
import static dev.meshoperator.certs.WebhookCertificates.TLS_CERT;
import static dev.meshoperator.certs.WebhookCertificates.TLS_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

class WebhookCertificatesTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final RenewalPolicy policy = RenewalPolicy.webhookDefaults();
  private final WebhookCertificates webhook = new WebhookCertificates(policy, clock);
  private final SubjectAlternativeNames sans =
      SubjectAlternativeNames.forService("istio-operator", "mesh-system").withLoopback();

  @Test
  void emptyDataGetsCaLeafAndBundle() throws Exception {
    WebhookCertificates.Result result = webhook.reconcile(Map.of(), sans);

    assertThat(result.changed()).isTrue();
    assertThat(result.reasons()).containsExactly(RotationReason.CA_CREATED);
    assertThat(result.data()).containsOnlyKeys(WebhookCertificates.MANAGED_KEYS);
    assertThat(text(result, TLS_KEY)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(text(result, CA_KEY)).startsWith("-----BEGIN PRIVATE KEY-----");
    X509Certificate ca = cert(result, CA_CERT);
    assertThat(result.bundle()).containsExactly(ca);
    assertThat(result.caBundlePem()).isEqualTo(text(result, CA_CERT));
    assertThat(ca.getBasicConstraints()).isZero();
    assertThat(CertificateInfo.subjectAlternativeNames(result.leaf())).isEqualTo(sans);
    Chains.validate(List.of(cert(result, TLS_CERT)), result.bundle(), T0);
    assertThat(result.nextCheck()).isEqualTo(policy.renewalTime(result.leaf()));
    assertThat(webhook.reconcile(null, sans).reasons()).containsExactly(RotationReason.CA_CREATED);
  }

  @Test
  void reconcilingAgainChangesNothing() {
    Map<String, byte[]> data = webhook.reconcile(Map.of(), sans).data();
    clock.advance(Duration.ofDays(30));

    WebhookCertificates.Result again = webhook.reconcile(data, sans);

    assertThat(again.changed()).isFalse();
    assertThat(again.reasons()).isEmpty();
    assertThat(again.data()).isEqualTo(data); // same byte[] instances: nothing re-encoded
    for (String key : WebhookCertificates.MANAGED_KEYS) {
      assertThat(again.data().get(key)).isEqualTo(data.get(key));
    }
  }

  @Test
  void timeLineBeforeWindowLeafRenewalCaRenewalAndOldCaExpiry() throws Exception {
    Map<String, byte[]> day0 = webhook.reconcile(Map.of(), sans).data();
    X509Certificate ca1 = cert(day0, CA_CERT);

    // Before the leaf's window: untouched.
    clock.set(T0.plus(Duration.ofDays(59)));
    assertThat(webhook.reconcile(day0, sans).changed()).isFalse();

    // Inside the leaf's window: new leaf from the same CA, CA bytes untouched.
    clock.set(T0.plus(Duration.ofDays(61)));
    WebhookCertificates.Result day61 = webhook.reconcile(day0, sans);
    assertThat(day61.reasons()).containsExactly(RotationReason.LEAF_RENEWAL_DUE);
    assertThat(day61.data().get(CA_CERT)).isEqualTo(day0.get(CA_CERT));
    assertThat(day61.data().get(CA_KEY)).isEqualTo(day0.get(CA_KEY));
    assertThat(day61.data().get(TLS_KEY)).isNotEqualTo(day0.get(TLS_KEY));
    assertThat(day61.leaf().getSerialNumber()).isNotEqualTo(cert(day0, TLS_CERT).getSerialNumber());
    assertThat(day61.bundle()).containsExactly(ca1);
    Chains.validate(List.of(day61.leaf()), List.of(ca1), clock.instant());

    // The next leaf renewal, still from the same CA.
    clock.set(T0.plus(Duration.ofDays(200)));
    WebhookCertificates.Result day200 = webhook.reconcile(day61.data(), sans);
    assertThat(day200.reasons()).containsExactly(RotationReason.LEAF_RENEWAL_DUE);
    assertThat(day200.bundle()).containsExactly(ca1);

    // CA inside its window (2/3 of 365 days): new CA, bundle holds both, leaf from the new CA.
    clock.set(T0.plus(Duration.ofDays(250)));
    X509Certificate leafBeforeCaRotation = day200.leaf();
    WebhookCertificates.Result day250 = webhook.reconcile(day200.data(), sans);
    X509Certificate ca2 = cert(day250, CA_CERT);
    assertThat(day250.reasons()).containsExactly(RotationReason.CA_RENEWAL_DUE);
    assertThat(ca2).isNotEqualTo(ca1);
    assertThat(ca2.getSubjectX500Principal()).isNotEqualTo(ca1.getSubjectX500Principal());
    assertThat(day250.bundle()).containsExactly(ca2, ca1);
    assertThat(Pem.decodeCertificates(day250.caBundlePem())).containsExactly(ca2, ca1);
    assertThat(CertificateInfo.isIssuedBy(day250.leaf(), ca2)).isTrue();
    // Both the new leaf and the one still being served until reload verify against the bundle.
    Chains.validate(List.of(day250.leaf()), day250.bundle(), clock.instant());
    Chains.validate(List.of(leafBeforeCaRotation), day250.bundle(), clock.instant());
    assertThat(day250.nextCheck()).isEqualTo(policy.renewalTime(day250.leaf()));

    // Steady state during the overlap.
    clock.set(T0.plus(Duration.ofDays(300)));
    WebhookCertificates.Result day300 = webhook.reconcile(day250.data(), sans);
    assertThat(day300.changed()).isFalse();
    assertThat(day300.bundle()).containsExactly(ca2, ca1);
    assertThat(day300.nextCheck()).isEqualTo(policy.renewalTime(day250.leaf()));

    // Leaf renewal during the overlap: the bundle keeps both CAs.
    clock.set(day300.nextCheck());
    WebhookCertificates.Result day310 = webhook.reconcile(day300.data(), sans);
    assertThat(day310.reasons()).containsExactly(RotationReason.LEAF_RENEWAL_DUE);
    assertThat(day310.bundle()).containsExactly(ca2, ca1);
    assertThat(day310.nextCheck()).isEqualTo(ca1.getNotAfter().toInstant().plusSeconds(1));

    // Old CA expired: dropped from the bundle, nothing else changes.
    clock.set(day310.nextCheck());
    WebhookCertificates.Result day365 = webhook.reconcile(day310.data(), sans);
    assertThat(day365.reasons()).containsExactly(RotationReason.BUNDLE_UPDATED);
    assertThat(day365.bundle()).containsExactly(ca2);
    assertThat(day365.data().get(TLS_CERT)).isEqualTo(day310.data().get(TLS_CERT));
    assertThat(day365.data().get(CA_KEY)).isEqualTo(day310.data().get(CA_KEY));
    Chains.validate(List.of(day365.leaf()), day365.bundle(), clock.instant());
  }

  @Test
  void expiredCaIsReplacedAndNotPublished() {
    Map<String, byte[]> data = webhook.reconcile(Map.of(), sans).data();
    clock.set(T0.plus(Duration.ofDays(400)));

    WebhookCertificates.Result result = webhook.reconcile(data, sans);

    assertThat(result.reasons()).containsExactly(RotationReason.CA_RENEWAL_DUE);
    assertThat(result.bundle()).containsExactly(cert(result, CA_CERT));
  }

  @Test
  void corruptDataIsRegenerated() {
    Map<String, byte[]> garbage = new HashMap<>();
    for (String key : WebhookCertificates.MANAGED_KEYS) {
      garbage.put(key, "-----BEGIN CERTIFICATE-----\nAAAA\n".getBytes(StandardCharsets.UTF_8));
    }

    WebhookCertificates.Result result = webhook.reconcile(garbage, sans);

    assertThat(result.reasons()).containsExactly(RotationReason.CA_CREATED);
    assertThat(result.bundle()).hasSize(1);
    assertThat(CertificateInfo.isIssuedBy(result.leaf(), result.bundle().get(0))).isTrue();
    assertThat(webhook.reconcile(result.data(), sans).changed()).isFalse();
  }

  @Test
  void corruptBase64IsTreatedAsMissing() {
    Map<String, String> secret = webhook.reconcile(Map.of(), sans).base64Data();
    Map<String, String> broken = new HashMap<>(secret);
    broken.put(TLS_KEY, "%%% not base64 %%%");

    WebhookCertificates.Result result = webhook.reconcileBase64(broken, sans);

    assertThat(result.reasons()).containsExactly(RotationReason.LEAF_INVALID);
    assertThat(result.base64Data().get(CA_CERT)).isEqualTo(secret.get(CA_CERT));
    assertThat(webhook.reconcileBase64(secret, sans).changed()).isFalse();
  }

  @Test
  void mismatchedLeafKeyIsReissuedFromTheSameCa() {
    Map<String, byte[]> data = new HashMap<>(webhook.reconcile(Map.of(), sans).data());
    data.put(TLS_KEY, data.get(CA_KEY));

    WebhookCertificates.Result result = webhook.reconcile(data, sans);

    assertThat(result.reasons()).containsExactly(RotationReason.LEAF_INVALID);
    assertThat(result.data().get(CA_CERT)).isEqualTo(data.get(CA_CERT));
  }

  @Test
  void sanChangeReissuesTheLeaf() {
    Map<String, byte[]> data = webhook.reconcile(Map.of(), sans).data();
    SubjectAlternativeNames renamed =
        SubjectAlternativeNames.forService("istio-operator-webhook", "mesh-system");

    WebhookCertificates.Result result = webhook.reconcile(data, renamed);

    assertThat(result.reasons()).containsExactly(RotationReason.LEAF_NAMES_CHANGED);
    assertThat(CertificateInfo.subjectAlternativeNames(result.leaf())).isEqualTo(renamed);
    assertThat(result.data().get(CA_CERT)).isEqualTo(data.get(CA_CERT));
  }

  @Test
  void leafFromAnotherCaIsReissued() {
    Map<String, byte[]> mine = webhook.reconcile(Map.of(), sans).data();
    Map<String, byte[]> theirs = webhook.reconcile(Map.of(), sans).data();
    Map<String, byte[]> mixed = new HashMap<>(mine);
    mixed.put(TLS_CERT, theirs.get(TLS_CERT));
    mixed.put(TLS_KEY, theirs.get(TLS_KEY));

    WebhookCertificates.Result result = webhook.reconcile(mixed, sans);

    assertThat(result.reasons()).containsExactly(RotationReason.LEAF_NOT_SIGNED_BY_CA);
    assertThat(CertificateInfo.isIssuedBy(result.leaf(), cert(mine, CA_CERT))).isTrue();
  }

  @Test
  void caWithLostKeyIsReplacedButKeptInTheBundleForTheServedLeaf() {
    Map<String, byte[]> data = new HashMap<>(webhook.reconcile(Map.of(), sans).data());
    X509Certificate oldCa = cert(data, CA_CERT);
    data.remove(CA_KEY);

    WebhookCertificates.Result result = webhook.reconcile(data, sans);

    assertThat(result.reasons()).containsExactly(RotationReason.CA_CREATED);
    assertThat(result.bundle()).hasSize(2).endsWith(oldCa);
  }

  @Test
  void legacyKeyEncodingIsRewrittenAsPkcs8WithoutReissuing() throws Exception {
    Map<String, byte[]> data = new HashMap<>(webhook.reconcile(Map.of(), sans).data());
    var key = Pem.decodePrivateKey(text(data, TLS_KEY));
    byte[] sec1 =
        PrivateKeyInfo.getInstance(key.getEncoded())
            .parsePrivateKey()
            .toASN1Primitive()
            .getEncoded();
    String legacy =
        "-----BEGIN EC PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(withCurve(sec1))
            + "\n-----END EC PRIVATE KEY-----\n";
    data.put(TLS_KEY, legacy.getBytes(StandardCharsets.US_ASCII));

    WebhookCertificates.Result result = webhook.reconcile(data, sans);

    assertThat(result.reasons()).containsExactly(RotationReason.REENCODED);
    assertThat(text(result, TLS_KEY)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(result.data().get(TLS_CERT)).isEqualTo(data.get(TLS_CERT));
  }

  @Test
  void unmanagedKeysArePreserved() {
    Map<String, byte[]> data = new HashMap<>(webhook.reconcile(Map.of(), sans).data());
    data.put("note", "hello".getBytes(StandardCharsets.UTF_8));

    WebhookCertificates.Result result = webhook.reconcile(data, sans);

    assertThat(result.changed()).isFalse();
    assertThat(result.data()).containsKey("note");
  }

  @Test
  void rsaKeysCanBeConfigured() throws Exception {
    WebhookCertificates rsa = new WebhookCertificates(policy, KeyAlgorithm.RSA_2048, clock);
    WebhookCertificates.Result result = rsa.reconcile(Map.of(), sans);

    assertThat(result.leaf().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(result.leaf().getKeyUsage()[2]).isTrue();
    Chains.validate(List.of(result.leaf()), result.bundle(), T0);
  }

  /**
   * Rewrites a parameter-less SEC1 key (as the JDK nests it in PKCS#8) the way OpenSSL writes it.
   */
  private static byte[] withCurve(byte[] sec1) throws Exception {
    var parsed = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1);
    return new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, parsed.getKey(), org.bouncycastle.asn1.x9.X9ObjectIdentifiers.prime256v1)
        .getEncoded();
  }

  private static String text(WebhookCertificates.Result result, String key) {
    return text(result.data(), key);
  }

  private static String text(Map<String, byte[]> data, String key) {
    return new String(data.get(key), StandardCharsets.UTF_8);
  }

  private static X509Certificate cert(WebhookCertificates.Result result, String key) {
    return cert(result.data(), key);
  }

  private static X509Certificate cert(Map<String, byte[]> data, String key) {
    return Pem.decodeCertificate(text(data, key));
  }
}
