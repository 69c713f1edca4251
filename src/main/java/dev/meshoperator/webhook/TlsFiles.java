package dev.meshoperator.webhook;

import dev.meshoperator.certs.CaSpec;
import dev.meshoperator.certs.CertificateAuthority;
import dev.meshoperator.certs.IssuedCertificate;
import dev.meshoperator.certs.ServingSpec;
import dev.meshoperator.certs.SubjectAlternativeNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The serving certificate files the HTTPS server reads ({@code tls.crt}, {@code tls.key}). Quarkus'
 * TLS registry needs them before the server starts, which is before the operator can read its
 * Secret; a throwaway self-signed pair fills the gap and is replaced moments later. The apiserver
 * never trusts it: caBundle only ever carries the Secret's CA.
 */
public final class TlsFiles {

  public static final String CERT = "tls.crt";
  public static final String KEY = "tls.key";

  private TlsFiles() {}

  /** Writes a placeholder pair into {@code dir} unless both files exist. */
  public static void ensurePlaceholder(Path dir) {
    if (Files.exists(dir.resolve(CERT)) && Files.exists(dir.resolve(KEY))) {
      return;
    }
    Clock clock = Clock.systemUTC();
    var ca =
        CertificateAuthority.selfSigned(
            CaSpec.of("istio-operator bootstrap", "istio-operator", Duration.ofDays(1)), clock);
    IssuedCertificate leaf =
        ca.issueServing(
            ServingSpec.of(
                SubjectAlternativeNames.of(List.of("localhost"), List.of("127.0.0.1")),
                Duration.ofDays(1)),
            clock);
    write(
        dir,
        leaf.chainPem().getBytes(StandardCharsets.US_ASCII),
        leaf.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
  }

  /** Replaces both files atomically (each through a rename), key first. */
  public static void write(Path dir, byte[] certPem, byte[] keyPem) {
    try {
      Files.createDirectories(dir);
      replace(dir.resolve(KEY), keyPem);
      replace(dir.resolve(CERT), certPem);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TLS files to " + dir, e);
    }
  }

  private static void replace(Path target, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
