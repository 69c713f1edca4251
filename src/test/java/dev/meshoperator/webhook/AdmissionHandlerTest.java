package dev.meshoperator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The handler without a cluster: its registry has no informers, so nothing is injected. */
class AdmissionHandlerTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AdmissionHandler handler = new AdmissionHandler(new MeshRegistry(null), meters);

  private com.fasterxml.jackson.databind.JsonNode review(String json) {
    return handler.review(json.getBytes(StandardCharsets.UTF_8)).path("response");
  }

  @Test
  void aNullListElementInThePodIsRefusedAsMalformedNamingWhere() {
    var response =
        review(
            """
            {"request": {"uid": "u1", "object": {"metadata": {"name": "p"},
              "spec": {"containers": [{"name": "a", "env": [{"name": "X"}, null]}]}}}}
            """);
    assertThat(response.path("uid").asText()).isEqualTo("u1");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .isEqualTo(
            "request.object is not a valid Pod: null list element at /spec/containers/0/env/1");
    assertThat(meters.counter("istio_operator_injection_requests", "outcome", "malformed").count())
        .isEqualTo(1.0);
  }

  @Test
  void pointersEscapeKeys() {
    var response =
        review(
            """
            {"request": {"uid": "u2", "object": {"metadata": {"annotations": {"a/b~c": [null]}}}}}
            """);
    assertThat(response.path("status").path("message").asText())
        .endsWith("at /metadata/annotations/a~1b~0c/0");
  }

  @Test
  void nullMembersOfObjectsAreNotListElements() throws Exception {
    var object =
        new ObjectMapper()
            .readTree(
                """
                {"metadata": {"labels": null, "name": "p"},
                 "spec": {"containers": [{"name": "a", "command": ["sh"], "ports": []}],
                          "nodeSelector": null}}
                """);
    assertThat(AdmissionHandler.nullArrayElement(object)).isNull();
    var response =
        review(
            "{\"request\": {\"uid\": \"u3\", \"namespace\": \"plain\", \"object\": "
                + object
                + "}}");
    // No control plane is known here: allowed, not injected.
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("status")).isFalse();
  }

  @Test
  void deepNestingDoesNotOverflowTheStack() {
    String deep = "[".repeat(990) + "null" + "]".repeat(990);
    var response = review("{\"request\": {\"uid\": \"u4\", \"object\": {\"x\": " + deep + "}}}");
    assertThat(response.path("status").path("message").asText())
        .startsWith("request.object is not a valid Pod: null list element at /x/0/0/0/");
  }

  @Test
  void longMessagesAreCutAndSaySo() {
    String value = "x".repeat(3_000_000);
    var response =
        review(
            "{\"request\": {\"uid\": \"u5\", \"object\": {\"spec\": {\"containers\":"
                + " [{\"name\": \"a\", \"ports\": [{\"containerPort\": \""
                + value
                + "\"}]}]}}}}");
    // Whatever a refusal quotes from the request, it is bounded.
    assertThat(response.path("status").path("message").asText())
        .startsWith("request.object is not a valid Pod")
        .hasSizeLessThanOrEqualTo(AdmissionHandler.MAX_MESSAGE + 30);
    String quoted = "invalid value '" + value + "' for annotation 'a/b': '" + value + "' is bad";
    assertThat(AdmissionHandler.bounded(quoted))
        .isEqualTo(
            "invalid value '"
                + "x".repeat(AdmissionHandler.MAX_QUOTED)
                + "... (3000000 characters)' for annotation 'a/b': '"
                + "x".repeat(AdmissionHandler.MAX_QUOTED)
                + "... (3000000 characters)' is bad");
    // Unquoted: the middle goes.
    String cut = AdmissionHandler.bounded("start " + value + " end");
    assertThat(cut)
        .startsWith("start xxx")
        .contains(
            " [" + (value.length() + 10 - AdmissionHandler.MAX_MESSAGE) + " characters left out] ")
        .endsWith("xxx end")
        .hasSizeLessThan(AdmissionHandler.MAX_MESSAGE + 40);
    String pairs = "\ud83d\ude00".repeat(1000); // 2000 chars, pairs across both cut points
    String cutPairs = AdmissionHandler.bounded("x" + pairs + "y");
    assertThat(cutPairs)
        .startsWith("x" + pairs.substring(0, 510) + " [")
        .endsWith("] " + pairs.substring(0, 510) + "y");
    assertThat(AdmissionHandler.bounded("short")).isEqualTo("short");
  }
}
