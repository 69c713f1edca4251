package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The project's own golden files: {@code src/test/resources/inject/X.yaml} is kube-injected with
 * {@link InjectionSettings#defaults()} and compared (as parsed trees) with {@code X.yaml.injected}.
 * Run with {@code -Dgolden.update=true} to rewrite the expected files after an intended change,
 * then review the diff.
 */
class InjectionGoldenTest {

  static final Path DIR = ProjectDir.get().resolve("src/test/resources/inject");
  static final boolean UPDATE = Boolean.getBoolean("golden.update");

  @TestFactory
  Stream<DynamicTest> goldens() throws IOException {
    List<Path> inputs;
    try (Stream<Path> files = Files.list(DIR)) {
      inputs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(inputs).isNotEmpty();
    return inputs.stream()
        .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  private static void check(Path input) throws IOException {
    InjectionSettings settings = InjectionSettings.defaults();
    String out = KubeInject.injectYaml(Files.readString(input), settings);
    Path golden = input.resolveSibling(input.getFileName() + ".injected");
    if (UPDATE || !Files.exists(golden)) {
      Files.writeString(golden, out);
    }
    List<JsonNode> actual = KubeInject.parseDocuments(out);
    List<JsonNode> expected = KubeInject.parseDocuments(Files.readString(golden));
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      JsonNode diff =
          JsonDiff.asJson(
              expected.get(i), actual.get(i), DiffFlags.dontNormalizeOpIntoMoveAndCopy());
      assertThat(diff).as("%s document %d (patch from golden to actual)", golden, i + 1).isEmpty();
    }
    // Re-running kube-inject over its own output changes nothing.
    List<JsonNode> again = KubeInject.parseDocuments(KubeInject.injectYaml(out, settings));
    assertThat(again).isEqualTo(actual);
  }
}
