package dev.meshoperator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the local apiserver's audit log: who wrote what, when. */
public final class AuditLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One audited write. */
  public record Write(
      Instant at,
      String user,
      String verb,
      String resource,
      String namespace,
      String name,
      int code,
      String credential) {
    @Override
    public String toString() {
      return at + " " + user + " " + verb + " " + resource + " " + namespace + "/" + name + " -> "
          + code;
    }
  }

  private AuditLog() {}

  /** Writes by {@code user} received at or after {@code since}, in the shared control plane. */
  public static List<Write> writesBy(String user, Instant since) {
    return writesBy(LocalControlPlane.shared().auditLog(), user, since);
  }

  /**
   * Writes by {@code user} in the audit log {@code log}. {@link Write#credential} is the token's
   * credential id ({@code JTI=<jti>} for a bound ServiceAccount token), which tells apart two
   * processes running as the same ServiceAccount.
   */
  public static List<Write> writesBy(Path log, String user, Instant since) {
    List<Write> writes = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(log)) {
        JsonNode e = JSON.readTree(line);
        if (!user.equals(e.path("user").path("username").asText())) {
          continue;
        }
        Instant at = Instant.parse(e.path("requestReceivedTimestamp").asText());
        if (at.isBefore(since)) {
          continue;
        }
        JsonNode ref = e.path("objectRef");
        String resource = ref.path("resource").asText();
        if (!ref.path("subresource").asText().isEmpty()) {
          resource += "/" + ref.path("subresource").asText();
        }
        writes.add(
            new Write(
                at,
                user,
                e.path("verb").asText(),
                resource,
                ref.path("namespace").asText(),
                ref.path("name").asText(),
                e.path("responseStatus").path("code").asInt(),
                credential(e.path("user").path("extra"))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writes;
  }

  private static String credential(JsonNode extra) {
    JsonNode id = extra.path("authentication.kubernetes.io/credential-id");
    return id.isArray() && !id.isEmpty() ? id.get(0).asText() : "";
  }

  /** The credential id the apiserver logs for a bound ServiceAccount token: {@code JTI=<jti>}. */
  public static String credentialOf(String token) {
    String[] parts = token.split("\\.");
    try {
      JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
      return "JTI=" + claims.path("jti").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String operatorUser() {
    return "system:serviceaccount:"
        + ClusterSetup.OPERATOR_NAMESPACE
        + ":"
        + ClusterSetup.OPERATOR_SERVICE_ACCOUNT;
  }
}
