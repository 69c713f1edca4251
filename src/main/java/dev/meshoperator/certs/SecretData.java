package dev.meshoperator.certs;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Conversions between Kubernetes Secret data and certificates, shared by the Secret layouts.
 * Reading is lenient on purpose: anything missing or unreadable is reported as absent so the caller
 * regenerates it instead of failing the reconciliation forever.
 */
public final class SecretData {

  private SecretData() {}

  /**
   * Decodes a Secret's {@code data} (base64 values, as the API and fabric8 return them). Values
   * that are not valid base64 are dropped, which the layouts treat as missing.
   */
  public static Map<String, byte[]> fromBase64(Map<String, String> data) {
    Map<String, byte[]> out = new TreeMap<>();
    if (data != null) {
      data.forEach(
          (key, value) -> {
            if (value == null) {
              return;
            }
            try {
              out.put(key, Base64.getMimeDecoder().decode(value));
            } catch (IllegalArgumentException e) {
              // corrupt value: leave it out so that it gets regenerated
            }
          });
    }
    return out;
  }

  /** Encodes data for a Secret's {@code data} field. */
  public static Map<String, String> toBase64(Map<String, byte[]> data) {
    Map<String, String> out = new TreeMap<>();
    data.forEach((key, value) -> out.put(key, Base64.getEncoder().encodeToString(value)));
    return out;
  }

  /** Secret {@code stringData}-style plain text values as bytes. */
  public static Map<String, byte[]> fromStrings(Map<String, String> data) {
    Map<String, byte[]> out = new TreeMap<>();
    if (data != null) {
      data.forEach(
          (key, value) -> {
            if (value != null) {
              out.put(key, value.getBytes(StandardCharsets.UTF_8));
            }
          });
    }
    return out;
  }

  static Map<String, byte[]> copy(Map<String, byte[]> data) {
    return data == null ? new TreeMap<>() : new TreeMap<>(data);
  }

  static String text(Map<String, byte[]> data, String key) {
    byte[] value = data.get(key);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** All certificates under {@code key}, or none if absent or unreadable. */
  static List<X509Certificate> certificates(Map<String, byte[]> data, String key) {
    try {
      return Pem.decodeCertificates(text(data, key));
    } catch (InvalidPemException e) {
      return List.of();
    }
  }

  /** The first certificate under {@code key}, or {@code null}. */
  static X509Certificate certificate(Map<String, byte[]> data, String key) {
    List<X509Certificate> certs = certificates(data, key);
    return certs.isEmpty() ? null : certs.get(0);
  }

  /** The private key under {@code key}, or {@code null}. */
  static PrivateKey privateKey(Map<String, byte[]> data, String key) {
    try {
      String text = text(data, key);
      return text == null ? null : Pem.decodePrivateKey(text);
    } catch (InvalidPemException e) {
      return null;
    }
  }

  /** The CA under the two keys if both parse, belong together and form a CA; else {@code null}. */
  static CertificateAuthority authority(
      Map<String, byte[]> data, String certKey, String keyKey, List<X509Certificate> issuers) {
    X509Certificate cert = certificate(data, certKey);
    PrivateKey key = privateKey(data, keyKey);
    if (cert == null || key == null) {
      return null;
    }
    try {
      return CertificateAuthority.of(cert, key, issuers);
    } catch (InvalidPemException e) {
      return null;
    }
  }

  /**
   * A trust bundle: {@code current} first, then every other CA certificate among {@code candidates}
   * that has not expired at {@code now}, in their given order, without duplicates.
   */
  static List<X509Certificate> trustBundle(
      X509Certificate current, Collection<X509Certificate> candidates, Instant now) {
    Map<String, X509Certificate> bundle = new LinkedHashMap<>();
    bundle.put(CertificateInfo.sha256Fingerprint(current), current);
    for (X509Certificate candidate : candidates) {
      if (CertificateInfo.isCertificateAuthority(candidate)
          && !now.isAfter(candidate.getNotAfter().toInstant())) {
        bundle.putIfAbsent(CertificateInfo.sha256Fingerprint(candidate), candidate);
      }
    }
    return List.copyOf(bundle.values());
  }

  /** The earliest expiry among the bundle's certificates other than the first, or {@code null}. */
  static Instant earliestRetiredExpiry(List<X509Certificate> bundle) {
    return bundle.stream()
        .skip(1)
        .map(c -> c.getNotAfter().toInstant().plusSeconds(1))
        .min(Instant::compareTo)
        .orElse(null);
  }

  static Instant earliest(Instant... instants) {
    return Arrays.stream(instants)
        .filter(java.util.Objects::nonNull)
        .min(Instant::compareTo)
        .orElseThrow();
  }

  /** The managed keys whose bytes differ between {@code before} and {@code after}. */
  static List<String> changedKeys(
      Map<String, byte[]> before, Map<String, byte[]> after, Collection<String> keys) {
    List<String> changed = new ArrayList<>();
    for (String key : keys) {
      if (!Arrays.equals(before.get(key), after.get(key))) {
        changed.add(key);
      }
    }
    return changed;
  }

  /**
   * Puts the caller's own arrays back for keys whose bytes did not change, so that an unchanged
   * result is {@code equals} to the input map even though byte arrays compare by identity.
   */
  static void keepUnchangedInstances(
      Map<String, byte[]> before, Map<String, byte[]> after, Collection<String> keys) {
    for (String key : keys) {
      byte[] old = before.get(key);
      if (old != null && Arrays.equals(old, after.get(key))) {
        after.put(key, old);
      }
    }
  }
}
