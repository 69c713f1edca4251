package dev.meshoperator.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM encoding and decoding of certificates and private keys.
 *
 * <p>Keys are always written as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) because Vert.x (the
 * operator's own HTTPS server) rejects SEC1 {@code EC PRIVATE KEY}; istiod and Envoy accept PKCS#8
 * too. Decoding also accepts the legacy PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 forms that
 * OpenSSL and other tools still produce. Output is byte-for-byte deterministic ({@code \n} line
 * ends, 64-column base64) so that unchanged content never looks changed to a reconciler.
 */
public final class Pem {

  private static final Base64.Encoder BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  /** One certificate as a {@code CERTIFICATE} block. */
  public static String encodeCertificate(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new InvalidPemException("Certificate cannot be encoded", e);
    }
  }

  /** Certificates concatenated in the given order (a chain: leaf first; or a trust bundle). */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    certificates.forEach(c -> out.append(encodeCertificate(c)));
    return out.toString();
  }

  /** A private key as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
  public static String encodePrivateKey(PrivateKey key) {
    byte[] der = key.getEncoded();
    if (der == null || !"PKCS#8".equals(key.getFormat())) {
      throw new InvalidPemException("Private key is not PKCS#8-encodable: " + key.getFormat());
    }
    return block("PRIVATE KEY", der);
  }

  /**
   * All certificates in {@code pem}, in order. Text between blocks is ignored; empty input gives an
   * empty list.
   *
   * @throws InvalidPemException on malformed blocks or blocks that are not certificates
   */
  public static List<X509Certificate> decodeCertificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    if (pem == null) {
      return out;
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new InvalidPemException(
              "Expected only certificates, found " + object.getClass().getSimpleName());
        }
        out.add(toX509(holder.getEncoded()));
      }
    } catch (IOException | RuntimeException e) {
      throw rethrow("certificates", e);
    }
    return out;
  }

  /** Exactly the first certificate of {@code pem}. */
  public static X509Certificate decodeCertificate(String pem) {
    List<X509Certificate> certificates = decodeCertificates(pem);
    if (certificates.isEmpty()) {
      throw new InvalidPemException("No certificate found");
    }
    return certificates.get(0);
  }

  /**
   * The first private key in {@code pem}: PKCS#8, PKCS#1 RSA or SEC1 EC. An {@code EC PARAMETERS}
   * block before a SEC1 key (as {@code openssl ecparam -genkey} writes) is skipped.
   *
   * @throws InvalidPemException if there is no key, it is encrypted, or it is neither RSA nor EC
   */
  public static PrivateKey decodePrivateKey(String pem) {
    if (pem == null) {
      throw new InvalidPemException("No private key found");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (object instanceof PrivateKeyInfo info) {
          return toPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          return toPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new InvalidPemException("Encrypted private keys are not supported");
        }
        if (!(object instanceof ASN1ObjectIdentifier || object instanceof X9ECParameters)) {
          throw new InvalidPemException(
              "Expected a private key, found " + object.getClass().getSimpleName());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw rethrow("private key", e);
    }
    throw new InvalidPemException("No private key found");
  }

  private static PrivateKey toPrivateKey(PrivateKeyInfo info) throws IOException {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      algorithm = "RSA";
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      algorithm = "EC";
    } else {
      throw new InvalidPemException("Unsupported private key algorithm " + oid);
    }
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new InvalidPemException("Private key cannot be read", e);
    }
  }

  private static X509Certificate toX509(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new InvalidPemException("Certificate cannot be read", e);
    }
  }

  private static InvalidPemException rethrow(String what, Exception e) {
    return e instanceof InvalidPemException invalid
        ? invalid
        : new InvalidPemException("Malformed PEM " + what + ": " + e.getMessage(), e);
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + BASE64.encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
