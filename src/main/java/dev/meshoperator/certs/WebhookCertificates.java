package dev.meshoperator.certs;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pure reconciliation of the admission webhook's TLS Secret.
 *
 * <p>Layout (all PEM): {@value #CA_CERT} and {@value #CA_KEY} (PKCS#8) hold the current self-signed
 * CA, {@value #TLS_CERT} and {@value #TLS_KEY} (PKCS#8) the serving certificate it signed, and
 * {@value #CA_BUNDLE} the bundle to publish as {@code caBundle} in the webhook configurations: the
 * current CA first, then older CAs that have not expired yet.
 *
 * <p>Rules, applied in order at {@code clock.instant()}:
 *
 * <ol>
 *   <li>No usable CA (missing, unreadable, key mismatch, not a CA) → new CA and leaf.
 *   <li>CA due for renewal → new CA and a leaf signed by it. The old CA stays in the bundle until
 *       it expires, so API servers that still see the old leaf (until the server reloads it) keep
 *       trusting it.
 *   <li>Leaf missing, unreadable, not signed by the current CA, with other SANs than wanted, or due
 *       for renewal → new leaf from the same CA.
 *   <li>The bundle is recomputed every time; expired CAs drop out of it.
 * </ol>
 *
 * <p>Callers should publish {@link Result#caBundle()} into the webhook configurations no later than
 * they write the Secret, because the new leaf is only trusted through the new CA. Keys not managed
 * here are copied through untouched. A change of {@link KeyAlgorithm} takes effect at the next
 * regular renewal rather than forcing one.
 */
public final class WebhookCertificates {

  /** The current CA certificate. */
  public static final String CA_CERT = "ca.crt";

  /** The current CA key, PKCS#8. */
  public static final String CA_KEY = "ca.key";

  /** The serving certificate. */
  public static final String TLS_CERT = "tls.crt";

  /** The serving key, PKCS#8. */
  public static final String TLS_KEY = "tls.key";

  /** The CA bundle to publish as the webhook's {@code caBundle}. */
  public static final String CA_BUNDLE = "ca-bundle.crt";

  /** Every key this class manages. */
  public static final List<String> MANAGED_KEYS =
      List.of(CA_CERT, CA_KEY, TLS_CERT, TLS_KEY, CA_BUNDLE);

  private static final String CA_NAME = "istio-operator-webhook-ca";
  private static final String ORGANIZATION = "meshoperator.dev";

  private final RenewalPolicy policy;
  private final KeyAlgorithm keyAlgorithm;
  private final Clock clock;

  /** Reconciler issuing keys of {@code keyAlgorithm} under {@code policy}, at {@code clock}. */
  public WebhookCertificates(RenewalPolicy policy, KeyAlgorithm keyAlgorithm, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.keyAlgorithm = Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Reconciler with ECDSA P-256 keys. */
  public WebhookCertificates(RenewalPolicy policy, Clock clock) {
    this(policy, KeyAlgorithm.EC_P256, clock);
  }

  /**
   * The Secret data that should exist given the {@code current} data (may be {@code null}, empty or
   * corrupt) and the names the webhook must answer to.
   */
  public Result reconcile(Map<String, byte[]> current, SubjectAlternativeNames wanted) {
    Objects.requireNonNull(wanted, "wanted");
    Map<String, byte[]> before = SecretData.copy(current);
    Instant now = clock.instant();
    Set<RotationReason> reasons = EnumSet.noneOf(RotationReason.class);

    // Old CAs worth keeping in the bundle: whatever was published, plus the stored CA even when
    // its key is gone, because the served leaf may still chain to it.
    List<X509Certificate> previous = new ArrayList<>(SecretData.certificates(before, CA_BUNDLE));
    previous.addAll(SecretData.certificates(before, CA_CERT));

    CertificateAuthority ca = SecretData.authority(before, CA_CERT, CA_KEY, List.of());
    if (ca == null) {
      ca = newCa(now);
      reasons.add(RotationReason.CA_CREATED);
    } else if (policy.needsRenewal(ca.certificate(), now)) {
      ca = newCa(now);
      reasons.add(RotationReason.CA_RENEWAL_DUE);
    }

    X509Certificate leaf = SecretData.certificate(before, TLS_CERT);
    var leafKey = SecretData.privateKey(before, TLS_KEY);
    String leafPem;
    String leafKeyPem;
    RotationReason leafProblem =
        leaf == null || leafKey == null || !CertificateInfo.keyMatches(leaf.getPublicKey(), leafKey)
            ? RotationReason.LEAF_INVALID
            : policy.leafProblem(leaf, ca.certificate(), wanted, now);
    if (leafProblem != null) {
      IssuedCertificate issued =
          ca.issueServing(
              ServingSpec.of(wanted, policy.leafValidity()).withKeyAlgorithm(keyAlgorithm), clock);
      leaf = issued.certificate();
      leafPem = issued.certificatePem();
      leafKeyPem = issued.privateKeyPem();
      if (reasons.isEmpty()) {
        reasons.add(leafProblem);
      }
    } else {
      leafPem = Pem.encodeCertificate(leaf);
      leafKeyPem = Pem.encodePrivateKey(leafKey);
    }

    List<X509Certificate> bundle = SecretData.trustBundle(ca.certificate(), previous, now);

    Map<String, byte[]> after = new TreeMap<>(before);
    after.put(CA_CERT, SecretData.bytes(ca.certificatePem()));
    after.put(CA_KEY, SecretData.bytes(ca.privateKeyPem()));
    after.put(TLS_CERT, SecretData.bytes(leafPem));
    after.put(TLS_KEY, SecretData.bytes(leafKeyPem));
    after.put(CA_BUNDLE, SecretData.bytes(Pem.encodeCertificates(bundle)));

    List<String> changed = SecretData.changedKeys(before, after, MANAGED_KEYS);
    SecretData.keepUnchangedInstances(before, after, MANAGED_KEYS);
    if (reasons.isEmpty() && !changed.isEmpty()) {
      reasons.add(
          changed.contains(CA_BUNDLE) ? RotationReason.BUNDLE_UPDATED : RotationReason.REENCODED);
    }
    Instant nextCheck =
        SecretData.earliest(
            policy.renewalTime(ca.certificate()),
            policy.renewalTime(leaf),
            SecretData.earliestRetiredExpiry(bundle));
    return new Result(
        Collections.unmodifiableMap(after), !changed.isEmpty(), reasons, nextCheck, leaf, bundle);
  }

  /** {@link #reconcile(Map, SubjectAlternativeNames)} for base64 Secret {@code data}. */
  public Result reconcileBase64(Map<String, String> secretData, SubjectAlternativeNames wanted) {
    return reconcile(SecretData.fromBase64(secretData), wanted);
  }

  private CertificateAuthority newCa(Instant now) {
    // A distinct subject per generation keeps old and new CA apart in bundles and logs, and
    // avoids name-only issuer lookups picking the wrong CA during the overlap.
    return CertificateAuthority.selfSigned(
        new CaSpec(
            CA_NAME + "@" + now.getEpochSecond(),
            ORGANIZATION,
            keyAlgorithm,
            policy.caValidity(),
            0,
            List.of()),
        clock);
  }

  /**
   * The outcome of one reconciliation.
   *
   * @param data the complete desired Secret data (managed keys replaced, others kept)
   * @param changed whether any managed key differs from the input, i.e. the Secret must be written
   * @param reasons why it changed; empty when unchanged
   * @param nextCheck when the next reconciliation could change something (a renewal window opens or
   *     an old CA leaves the bundle); schedule a requeue no later than this
   * @param leaf the serving certificate now in {@code data}
   * @param bundle the CA certificates in {@value #CA_BUNDLE}, current first
   */
  public record Result(
      Map<String, byte[]> data,
      boolean changed,
      Set<RotationReason> reasons,
      Instant nextCheck,
      X509Certificate leaf,
      List<X509Certificate> bundle) {

    /** Copies the reasons. */
    public Result {
      reasons = reasons.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(reasons));
      bundle = List.copyOf(bundle);
    }

    /** {@link #data} encoded for a Secret's {@code data} field. */
    public Map<String, String> base64Data() {
      return SecretData.toBase64(data);
    }

    /** The PEM bundle for the webhook configurations' {@code caBundle}. */
    public byte[] caBundle() {
      return data.get(CA_BUNDLE).clone();
    }

    /** {@link #caBundle()} base64-encoded, as fabric8's {@code setCaBundle(String)} expects. */
    public String caBundleBase64() {
      return Base64.getEncoder().encodeToString(data.get(CA_BUNDLE));
    }

    /** {@link #caBundle()} as text. */
    public String caBundlePem() {
      return new String(data.get(CA_BUNDLE), StandardCharsets.UTF_8);
    }
  }
}
