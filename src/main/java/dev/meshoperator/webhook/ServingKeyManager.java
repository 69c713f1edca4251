package dev.meshoperator.webhook;

import dev.meshoperator.certs.CertificateInfo;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The serving key and certificate chain of the HTTPS server, switched atomically in memory.
 *
 * <p>Why not let Vert.x reload files: {@code TCPServerBase.updateSSLOptions} (Vert.x 4.5) replaces
 * the server's SSL context future with one that is still being built on a worker thread, and every
 * connection accepted in that window calls {@code result()} on it, gets null, throws a
 * NullPointerException and is closed before the handshake ("Remote host terminated the handshake").
 * The HTTPS server is therefore built once with this key manager and never reloaded: the JDK asks
 * it for the alias, chain and key on every handshake, so a new certificate is in use from the next
 * handshake on and no handshake can fall into a gap.
 *
 * <p>Each certificate gets its own alias, and the few most recent stay resolvable, so a handshake
 * that chose an alias just before a switch still gets the chain and key that belong together.
 */
public final class ServingKeyManager extends X509ExtendedKeyManager {

  /** How many previous generations stay resolvable for handshakes in flight. */
  private static final int KEPT = 4;

  /** One certificate chain and its key, as served. */
  public record Material(String alias, List<X509Certificate> chain, PrivateKey key) {
    public X509Certificate leaf() {
      return chain.get(0);
    }

    public Instant notAfter() {
      return CertificateInfo.expiresAt(leaf());
    }

    public String fingerprint() {
      return CertificateInfo.sha256Fingerprint(leaf());
    }
  }

  private final AtomicLong generation = new AtomicLong();
  private final AtomicReference<Material> current = new AtomicReference<>();
  private final Map<String, Material> recent = new ConcurrentHashMap<>();

  /**
   * Serves {@code chain} (leaf first) with {@code key} from the next handshake on. Returns false
   * (and changes nothing) when exactly this pair is already served.
   */
  public synchronized boolean serve(List<X509Certificate> chain, PrivateKey key) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("an empty certificate chain cannot be served");
    }
    if (!CertificateInfo.keyMatches(chain.get(0).getPublicKey(), key)) {
      throw new IllegalArgumentException("the private key does not belong to the certificate");
    }
    Material now = current.get();
    if (now != null && now.chain().equals(chain) && now.key().equals(key)) {
      return false;
    }
    long n = generation.incrementAndGet();
    Material next = new Material("serving-" + n, List.copyOf(chain), key);
    recent.put(next.alias(), next);
    recent.keySet().removeIf(alias -> Long.parseLong(alias.substring(8)) <= n - KEPT);
    current.set(next);
    return true;
  }

  /** What the next handshake presents, if anything. */
  public Material current() {
    return current.get();
  }

  private String aliasFor(String keyType) {
    Material m = current.get();
    if (m == null || keyType == null) {
      return null;
    }
    // JSSE asks per key type: "EC", "RSA", "RSASSA-PSS", or e.g. "EC_EC" for static ECDH suites.
    String algorithm = m.key().getAlgorithm();
    boolean fits =
        keyType.equals(algorithm)
            || keyType.startsWith(algorithm + "_")
            || ("RSASSA-PSS".equals(keyType) && "RSA".equals(algorithm));
    return fits ? m.alias() : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Material m = alias == null ? null : recent.get(alias);
    return m == null ? null : m.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Material m = alias == null ? null : recent.get(alias);
    return m == null ? null : m.key();
  }

  // A server key manager never authenticates as a client.
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
