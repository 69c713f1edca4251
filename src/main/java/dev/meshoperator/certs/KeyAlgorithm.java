package dev.meshoperator.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;

/** The key types the operator generates. ECDSA P-256 is the default: small, fast, universal. */
public enum KeyAlgorithm {
  EC_P256("EC", 256),
  RSA_2048("RSA", 2048),
  RSA_3072("RSA", 3072),
  RSA_4096("RSA", 4096);

  private final String jcaName;
  private final int bits;

  KeyAlgorithm(String jcaName, int bits) {
    this.jcaName = jcaName;
    this.bits = bits;
  }

  /** {@code true} for the RSA variants; RSA leaves also get {@code keyEncipherment}. */
  public boolean isRsa() {
    return "RSA".equals(jcaName);
  }

  /** Generates a fresh key pair; the only place besides serial numbers that uses randomness. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
      if (isRsa()) {
        generator.initialize(bits, random);
      } else {
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK cannot generate " + this + " keys", e);
    }
  }

  /**
   * The JCA signature algorithm a CA holding {@code signingKey} signs with. It depends on the
   * issuer's key, not on the subject's.
   */
  static String signatureAlgorithm(PrivateKey signingKey) {
    if (signingKey instanceof RSAKey) {
      return "SHA256withRSA";
    }
    if (signingKey instanceof ECKey) {
      return "SHA256withECDSA";
    }
    throw new InvalidPemException("Unsupported signing key type " + signingKey.getAlgorithm());
  }
}
