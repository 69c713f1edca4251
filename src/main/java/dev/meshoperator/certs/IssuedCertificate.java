package dev.meshoperator.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its private key and the certificates above it.
 *
 * @param certificate the issued certificate
 * @param privateKey its key
 * @param issuers the issuing CA and any CAs above it, nearest first; the last one is a root
 */
public record IssuedCertificate(
    X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> issuers) {

  /** Validates and copies. */
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    issuers = List.copyOf(issuers);
  }

  /** The certificate alone as PEM. */
  public String certificatePem() {
    return Pem.encodeCertificate(certificate);
  }

  /** The certificate followed by its issuers, for servers that send the full chain. */
  public String chainPem() {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(certificate);
    chain.addAll(issuers);
    return Pem.encodeCertificates(chain);
  }

  /** The key as PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.encodePrivateKey(privateKey);
  }
}
