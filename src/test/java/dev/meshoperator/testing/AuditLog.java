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
      int code) {
    @Override
    public String toString() {
      return at + " " + user + " " + verb + " " + resource + " " + namespace + "/" + name + " -> "
          + code;
    }
  }

  private AuditLog() {}

  /** Writes by {@code user} received at or after {@code since}. */
  public static List<Write> writesBy(String user, Instant since) {
    Path log = LocalControlPlane.shared().auditLog();
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
                e.path("responseStatus").path("code").asInt()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writes;
  }

  public static String operatorUser() {
    return "system:serviceaccount:"
        + ClusterSetup.OPERATOR_NAMESPACE
        + ":"
        + ClusterSetup.OPERATOR_SERVICE_ACCOUNT;
  }
}
