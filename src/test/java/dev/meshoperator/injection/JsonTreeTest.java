package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Json#toTree} builds the very tree Jackson's own conversion builds. */
class JsonTreeTest {

  private static Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .addToLabels("app", "a")
        .addToAnnotations("b", "2")
        .addToAnnotations("a", "1")
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(30L)
        .addNewContainer()
        .withName("app")
        .withImage("img")
        .withArgs("x", "")
        .addNewPort()
        .withContainerPort(8080)
        .withName("http")
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPort(new IntOrString("http"))
        .withPath("/r")
        .endHttpGet()
        .withPeriodSeconds(5)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString(8080))
        .endTcpSocket()
        .endLivenessProbe()
        .withNewResources()
        .addToLimits("cpu", new Quantity("500m"))
        .endResources()
        .withNewSecurityContext()
        .withRunAsUser(1000L)
        .withPrivileged(false)
        .endSecurityContext()
        .endContainer()
        .addNewVolume()
        .withName("v")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  @Test
  void sameTreeAsJacksonsConversion() throws Exception {
    Pod pod = pod();
    pod.getSpec().setAdditionalProperty("extra", Map.of("n", 1, "list", List.of("a", true)));
    TreeGenerator generator = new TreeGenerator(Json.MAPPER);
    Json.MAPPER.writeValue(generator, pod);
    assertSameTree(generator.root(), Json.MAPPER.valueToTree(pod));
    assertSameTree(Json.toTree(pod), Json.MAPPER.valueToTree(pod));
  }

  @Test
  void valuesLeftToJacksonStillConvert() {
    // Floating point and big numbers are not built by the generator: the conversion falls back.
    Pod pod = pod();
    pod.getSpec().setAdditionalProperty("ratio", 0.5);
    pod.getSpec().setAdditionalProperty("big", new BigDecimal("1.50"));
    assertThatThrownBy(() -> Json.MAPPER.writeValue(new TreeGenerator(Json.MAPPER), pod))
        .hasRootCauseInstanceOf(TreeGenerator.Unsupported.class);
    JsonNode tree = Json.toTree(pod);
    assertSameTree(tree, Json.MAPPER.valueToTree(pod));
    assertThat(tree.path("spec").path("ratio").isDouble()).isTrue();
  }

  /** Equal trees with the same field order and the same node classes throughout. */
  private static void assertSameTree(JsonNode actual, JsonNode expected) {
    assertThat(actual.toString()).isEqualTo(expected.toString());
    assertSameTypes(actual, expected, "");
  }

  private static void assertSameTypes(JsonNode actual, JsonNode expected, String at) {
    assertThat(actual.getClass()).as(at).isEqualTo(expected.getClass());
    Iterator<String> names = expected.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      assertSameTypes(actual.get(name), expected.get(name), at + "/" + name);
    }
    if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameTypes(actual.get(i), expected.get(i), at + "/" + i);
      }
    }
  }
}
