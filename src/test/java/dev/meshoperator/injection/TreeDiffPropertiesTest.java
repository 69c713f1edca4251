package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link TreeDiff}'s patches, applied by another implementation (zjsonpatch), turn the tree before
 * into the tree after, for pairs of random trees drawn from small alphabets (so they share keys,
 * names and values, and lists of named objects appear).
 */
class TreeDiffPropertiesTest {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  Arbitrary<JsonNode> scalars() {
    return Arbitraries.oneOf(
        Arbitraries.of("x", "y", "a/b", "c~d", "").map(F::textNode),
        Arbitraries.integers().between(0, 3).map(F::numberNode),
        Arbitraries.of(true, false).map(F::booleanNode),
        Arbitraries.just(F.nullNode()));
  }

  Arbitrary<JsonNode> trees(int depth) {
    if (depth == 0) {
      return scalars();
    }
    Arbitrary<JsonNode> child = trees(depth - 1);
    Arbitrary<JsonNode> object =
        Arbitraries.of("name", "k", "l/m", "n~o", "p")
            .list()
            .uniqueElements()
            .ofMaxSize(4)
            .flatMap(
                keys ->
                    child
                        .list()
                        .ofSize(keys.size())
                        .map(
                            values -> {
                              ObjectNode o = F.objectNode();
                              for (int i = 0; i < keys.size(); i++) {
                                o.set(keys.get(i), values.get(i));
                              }
                              return o;
                            }));
    Arbitrary<JsonNode> named =
        Arbitraries.of("a", "b", "c", "d", "e")
            .flatMap(n -> child.map(v -> (JsonNode) F.objectNode().put("name", n).set("v", v)));
    Arbitrary<JsonNode> array =
        Arbitraries.oneOf(child, named, named)
            .list()
            .ofMaxSize(5)
            .map(
                items -> {
                  ArrayNode a = F.arrayNode();
                  items.forEach(a::add);
                  return a;
                });
    return Arbitraries.oneOf(scalars(), object, array, array);
  }

  @Provide
  Arbitrary<List<JsonNode>> pairs() {
    return trees(3).list().ofSize(2);
  }

  @Property(tries = 3000)
  void thePatchTurnsBeforeIntoAfter(@ForAll("pairs") List<JsonNode> pair) {
    JsonNode before = pair.get(0);
    JsonNode after = pair.get(1);
    JsonNode beforeCopy = before.deepCopy();
    JsonNode afterCopy = after.deepCopy();
    JsonNode patch = TreeDiff.diff(before, after);
    assertThat(JsonPatch.apply(patch, before)).as("patch %s", patch).isEqualTo(after);
    assertThat(before).isEqualTo(beforeCopy);
    assertThat(after).isEqualTo(afterCopy);
  }

  @Property(tries = 500)
  void aTreeAgainstItselfOrItsCopyNeedsNoOperation(@ForAll("pairs") List<JsonNode> pair) {
    assertThat(TreeDiff.diff(pair.get(0), pair.get(0))).isEmpty();
    assertThat(TreeDiff.diff(pair.get(0), pair.get(0).deepCopy())).isEmpty();
  }

  @Example
  void anInsertedNamedItemIsOneAdd() {
    ArrayNode before = F.arrayNode();
    before.addObject().put("name", "app").put("image", "a");
    before.addObject().put("name", "db").put("image", "b");
    ArrayNode after = F.arrayNode();
    after.addObject().put("name", "istio-proxy").put("image", "p");
    after.add(before.get(0));
    after.addObject().put("name", "db").put("image", "c");
    assertThat(TreeDiff.diff(before, after).toString())
        .isEqualTo(
            "[{\"op\":\"add\",\"path\":\"/0\",\"value\":{\"name\":\"istio-proxy\",\"image\":\"p\"}},"
                + "{\"op\":\"replace\",\"path\":\"/2/image\",\"value\":\"c\"}]");
  }
}
