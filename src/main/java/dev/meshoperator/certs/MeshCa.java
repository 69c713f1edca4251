package dev.meshoperator.certs;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pure reconciliation of an operator-managed mesh CA: a root CA kept by the operator, and the
 * {@code cacerts} Secret istiod reads as its plug-in CA.
 *
 * <p><b>{@code cacerts}</b> (istiod mounts it at {@code /etc/cacerts}):
 *
 * <ul>
 *   <li>{@value #CA_CERT}: istiod's intermediate CA (pathLen 0,
 *       keyCertSign|cRLSign|digitalSignature),
 *   <li>{@value #CA_KEY}: its key, PKCS#8,
 *   <li>{@value #ROOT_CERT}: the trusted roots, newest first, older ones until they expire,
 *   <li>{@value #CERT_CHAIN}: the intermediate followed by the root that signed it.
 * </ul>
 *
 * <p>istiod refuses the files unless {@code ca-cert.pem} verifies to a certificate in {@code
 * root-cert.pem} through {@code cert-chain.pem} and the key matches; every root in {@code
 * root-cert.pem} is trusted and distributed to workloads (the {@code istio-ca-root-cert} ConfigMap
 * and SDS {@code ROOTCA}). istiod picks changes up without a restart when {@code
 * AUTO_RELOAD_PLUGIN_CERTS} is on (the default since Istio 1.18); older releases need a restart.
 *
 * <p><b>Root Secret</b> (operator-private, never mounted into istiod): {@value #ROOT_KEY} and
 * {@value #ROOT_CERT} of the current root, needed to sign future intermediates.
 *
 * <p><b>Rotation.</b> The intermediate is renewed by the policy's leaf rules and always signed by
 * the current root, so workloads see no trust change. When the root itself enters its renewal
 * window a new root is created and published next to the old one in {@code root-cert.pem}, but
 * istiod keeps signing with the old intermediate for {@link Settings#rootPropagationDelay()} so
 * that every proxy receives the new root before any peer presents a certificate chaining to it.
 * Only then is a new intermediate issued from the new root. The old root leaves the bundle when it
 * expires. If the intermediate is unusable or itself due during that delay, it is reissued from the
 * new root at once: a working CA beats a smooth rollover. A changed key algorithm applies from the
 * next regular renewal.
 */
public final class MeshCa {

  /** istiod's signing (intermediate) certificate. */
  public static final String CA_CERT = "ca-cert.pem";

  /** istiod's signing key, PKCS#8. */
  public static final String CA_KEY = "ca-key.pem";

  /** The trusted root certificates; also the key of the root certificate in the root Secret. */
  public static final String ROOT_CERT = "root-cert.pem";

  /** The intermediate followed by its root. */
  public static final String CERT_CHAIN = "cert-chain.pem";

  /** The root key, PKCS#8, in the operator's root Secret only. */
  public static final String ROOT_KEY = "root-key.pem";

  /** Keys managed in {@code cacerts}. */
  public static final List<String> CACERTS_KEYS = List.of(CA_CERT, CA_KEY, ROOT_CERT, CERT_CHAIN);

  /** Keys managed in the root Secret. */
  public static final List<String> ROOT_KEYS = List.of(ROOT_CERT, ROOT_KEY);

  private final Settings settings;
  private final Clock clock;

  /** A mesh CA with the given settings, at {@code clock}. */
  public MeshCa(Settings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The desired root Secret and {@code cacerts} data given the current ones (each may be {@code
   * null}, empty or corrupt).
   */
  public Result reconcile(Map<String, byte[]> rootSecret, Map<String, byte[]> cacerts) {
    Map<String, byte[]> rootBefore = SecretData.copy(rootSecret);
    Map<String, byte[]> caBefore = SecretData.copy(cacerts);
    Instant now = clock.instant();
    RenewalPolicy policy = settings.policy();
    Set<RotationReason> reasons = EnumSet.noneOf(RotationReason.class);

    List<X509Certificate> previousRoots =
        new ArrayList<>(SecretData.certificates(caBefore, ROOT_CERT));
    previousRoots.addAll(SecretData.certificates(rootBefore, ROOT_CERT));

    CertificateAuthority root = SecretData.authority(rootBefore, ROOT_CERT, ROOT_KEY, List.of());
    if (root == null) {
      root = newRoot(now);
      reasons.add(RotationReason.CA_CREATED);
    } else if (policy.needsRenewal(root.certificate(), now)) {
      root = newRoot(now);
      reasons.add(RotationReason.CA_RENEWAL_DUE);
    }
    List<X509Certificate> roots = SecretData.trustBundle(root.certificate(), previousRoots, now);
    Instant switchAt =
        root.certificate()
            .getNotBefore()
            .toInstant()
            .plus(CertificateAuthority.BACKDATE)
            .plus(settings.rootPropagationDelay());

    CertificateAuthority intermediate =
        SecretData.authority(caBefore, CA_CERT, CA_KEY, List.of(root.certificate()));
    RotationReason problem = null;
    Instant pendingSwitch = null;
    if (intermediate == null) {
      problem = RotationReason.LEAF_INVALID;
    } else if (policy.needsRenewal(intermediate.certificate(), now)) {
      problem = RotationReason.LEAF_RENEWAL_DUE;
    } else if (!root.issued(intermediate.certificate())) {
      X509Certificate oldRoot = issuerAmong(intermediate.certificate(), roots);
      if (oldRoot == null || !now.isBefore(switchAt)) {
        problem = RotationReason.LEAF_NOT_SIGNED_BY_CA;
      } else {
        // Staged root rotation: keep the old chain until the new root has propagated.
        intermediate =
            CertificateAuthority.of(
                intermediate.certificate(), intermediate.privateKey(), List.of(oldRoot));
        pendingSwitch = switchAt;
      }
    }
    if (problem != null) {
      intermediate = root.issueIntermediate(intermediateSpec(now), clock);
      if (reasons.isEmpty()) {
        reasons.add(problem);
      }
    }

    Map<String, byte[]> rootAfter = new TreeMap<>(rootBefore);
    rootAfter.put(ROOT_CERT, SecretData.bytes(root.certificatePem()));
    rootAfter.put(ROOT_KEY, SecretData.bytes(root.privateKeyPem()));
    Map<String, byte[]> caAfter = new TreeMap<>(caBefore);
    caAfter.put(CA_CERT, SecretData.bytes(intermediate.certificatePem()));
    caAfter.put(CA_KEY, SecretData.bytes(intermediate.privateKeyPem()));
    caAfter.put(ROOT_CERT, SecretData.bytes(Pem.encodeCertificates(roots)));
    caAfter.put(CERT_CHAIN, SecretData.bytes(Pem.encodeCertificates(intermediate.chain())));

    List<String> rootChanged = SecretData.changedKeys(rootBefore, rootAfter, ROOT_KEYS);
    List<String> caChanged = SecretData.changedKeys(caBefore, caAfter, CACERTS_KEYS);
    SecretData.keepUnchangedInstances(rootBefore, rootAfter, ROOT_KEYS);
    SecretData.keepUnchangedInstances(caBefore, caAfter, CACERTS_KEYS);
    if (reasons.isEmpty() && !(rootChanged.isEmpty() && caChanged.isEmpty())) {
      reasons.add(
          caChanged.contains(ROOT_CERT) ? RotationReason.BUNDLE_UPDATED : RotationReason.REENCODED);
    }
    Instant nextCheck =
        SecretData.earliest(
            policy.renewalTime(root.certificate()),
            policy.renewalTime(intermediate.certificate()),
            SecretData.earliestRetiredExpiry(roots),
            pendingSwitch);
    return new Result(
        Collections.unmodifiableMap(rootAfter),
        !rootChanged.isEmpty(),
        Collections.unmodifiableMap(caAfter),
        !caChanged.isEmpty(),
        reasons,
        nextCheck,
        intermediate.certificate(),
        roots);
  }

  private static X509Certificate issuerAmong(X509Certificate cert, List<X509Certificate> roots) {
    return roots.stream().filter(r -> CertificateInfo.isIssuedBy(cert, r)).findFirst().orElse(null);
  }

  private CertificateAuthority newRoot(Instant now) {
    // pathLen 1: the root signs istiod's intermediate, which signs only workload certificates.
    return CertificateAuthority.selfSigned(
        new CaSpec(
            "mesh-root-ca@" + now.getEpochSecond(),
            settings.organization(),
            settings.keyAlgorithm(),
            settings.policy().caValidity(),
            1,
            List.of()),
        clock);
  }

  private CaSpec intermediateSpec(Instant now) {
    return new CaSpec(
        "istiod-intermediate-ca@" + now.getEpochSecond(),
        settings.organization(),
        settings.keyAlgorithm(),
        settings.policy().leafValidity(),
        0,
        settings.intermediateUris());
  }

  /**
   * Configuration of the mesh CA.
   *
   * @param policy root ("CA") and intermediate ("leaf") lifetimes and renewal windows
   * @param keyAlgorithm key type of new roots and intermediates
   * @param organization subject O of both; istiod copies the issuer's O into options it derives
   * @param rootPropagationDelay how long a new root is published before anything chains to it;
   *     should exceed the time for istiod to reload and push the bundle to every proxy
   * @param intermediateUris optional URI SANs for the intermediate
   */
  public record Settings(
      RenewalPolicy policy,
      KeyAlgorithm keyAlgorithm,
      String organization,
      Duration rootPropagationDelay,
      List<String> intermediateUris) {

    /** Validates and copies. */
    public Settings {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
      if (organization == null || organization.isBlank()) {
        throw new IllegalArgumentException("organization must not be empty");
      }
      if (rootPropagationDelay == null || rootPropagationDelay.isNegative()) {
        throw new IllegalArgumentException("rootPropagationDelay must be >= 0");
      }
      intermediateUris = intermediateUris == null ? List.of() : List.copyOf(intermediateUris);
    }

    /** {@link RenewalPolicy#meshDefaults()}, ECDSA P-256, a one-day propagation delay. */
    public static Settings defaults(String organization) {
      return new Settings(
          RenewalPolicy.meshDefaults(),
          KeyAlgorithm.EC_P256,
          organization,
          Duration.ofDays(1),
          List.of());
    }
  }

  /**
   * The outcome of one reconciliation.
   *
   * @param rootData desired root Secret data (unmanaged keys kept)
   * @param rootChanged whether the root Secret must be written
   * @param cacertsData desired {@code cacerts} data (unmanaged keys kept)
   * @param cacertsChanged whether {@code cacerts} must be written
   * @param reasons why something changed; empty when nothing did
   * @param nextCheck when the next reconciliation could change something; requeue by then
   * @param intermediate istiod's signing certificate now in {@code cacertsData}
   * @param roots the roots in {@value #ROOT_CERT}, current first
   */
  public record Result(
      Map<String, byte[]> rootData,
      boolean rootChanged,
      Map<String, byte[]> cacertsData,
      boolean cacertsChanged,
      Set<RotationReason> reasons,
      Instant nextCheck,
      X509Certificate intermediate,
      List<X509Certificate> roots) {

    /** Copies the reasons and roots. */
    public Result {
      reasons = reasons.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(reasons));
      roots = List.copyOf(roots);
    }

    /** {@code true} if either Secret must be written. */
    public boolean changed() {
      return rootChanged || cacertsChanged;
    }

    /** {@link #rootData} for a Secret's {@code data} field. */
    public Map<String, String> rootBase64Data() {
      return SecretData.toBase64(rootData);
    }

    /** {@link #cacertsData} for a Secret's {@code data} field. */
    public Map<String, String> cacertsBase64Data() {
      return SecretData.toBase64(cacertsData);
    }
  }
}
