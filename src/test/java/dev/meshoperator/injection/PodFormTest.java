package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link PodForm} is the fabric8 round trip ({@code Json.toTree(Json.toPod(tree))}): same trees,
 * node types included (JsonNode equality tells IntNode from LongNode), and same text (which shows
 * field order, which tree equality ignores). Checked on every pod of the corpora, their injected
 * forms, and mutations of them that stray from fabric8's form.
 */
class PodFormTest {

  private static List<ObjectNode> corpusPods;

  /** Every pod of the master corpus and the release corpora, before and after injection. */
  static synchronized List<ObjectNode> corpusPods() throws Exception {
    if (corpusPods != null) {
      return corpusPods;
    }
    List<Path> corpora = new ArrayList<>();
    corpora.add(InjectionCorpusConformanceTest.CORPUS);
    if (Files.isDirectory(ReleaseCorpusConformanceTest.RELEASES)) {
      try (Stream<Path> releases = Files.list(ReleaseCorpusConformanceTest.RELEASES)) {
        releases
            .map(r -> r.resolve("inject-corpus"))
            .filter(Files::isDirectory)
            .forEach(corpora::add);
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    for (Path corpus : corpora) {
      if (!Files.isDirectory(corpus)) {
        continue;
      }
      for (InjectionCorpusConformanceTest.Case c :
          InjectionCorpusConformanceTest.cases(corpus, new HashSet<>())) {
        List<ObjectNode> docs = new ArrayList<>();
        for (String file : new String[] {c.input(), c.golden()}) {
          if (file == null) {
            continue;
          }
          try {
            String text = Files.readString(corpus.resolve(file));
            docs.addAll(CorpusRunner.podDocuments(KubeInject.parseDocuments(text)));
          } catch (RuntimeException e) {
            // An input the corpus has for its refusal tests.
          }
        }
        InjectionSettings s = c.build(corpus);
        for (ObjectNode doc : docs) {
          ObjectNode pod = CorpusRunner.asPod(doc);
          out.add(pod);
          try {
            if (Injector.inject(Json.toPod(pod), s) instanceof InjectionResult.Injected i) {
              out.add((ObjectNode) JsonPatches.toJson(i.pod()));
            }
          } catch (RuntimeException e) {
            // Pods the corpus expects refused.
          }
        }
      }
    }
    corpusPods = out;
    return out;
  }

  static void assertRoundTrip(ObjectNode pod) {
    ObjectNode copy = pod.deepCopy();
    ObjectNode expected;
    try {
      expected = Json.toTree(Json.toPod(pod));
    } catch (InjectionException e) {
      // fabric8 refuses it; so must the form.
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PodForm.of(pod))
          .isInstanceOf(InjectionException.class);
      return;
    }
    ObjectNode actual = PodForm.of(pod);
    ObjectNode shared = PodForm.ofOwned(pod.deepCopy());
    assertThat(Json.write(shared)).isEqualTo(Json.write(expected));
    assertThat(shared).isEqualTo(expected);
    assertThat(actual).as("tree of %s", pod).isEqualTo(expected);
    assertThat(Json.write(actual)).isEqualTo(Json.write(expected));
    assertThat(pod).as("input untouched").isEqualTo(copy);
  }

  @Test
  void everyCorpusPodTakesTheRoundTripsForm() throws Exception {
    List<ObjectNode> pods = corpusPods();
    assumeTrue(!pods.isEmpty(), "no corpus");
    PodForm.ROUND_TRIPS.clear();
    for (ObjectNode pod : pods) {
      assertRoundTrip(pod);
    }
    // The form is computed, not borrowed from the round trip, for the objects every pod has.
    for (Class<?> c :
        List.of(
            io.fabric8.kubernetes.api.model.Pod.class,
            io.fabric8.kubernetes.api.model.PodSpec.class,
            io.fabric8.kubernetes.api.model.ObjectMeta.class,
            io.fabric8.kubernetes.api.model.Container.class,
            io.fabric8.kubernetes.api.model.EnvVar.class,
            io.fabric8.kubernetes.api.model.Volume.class,
            io.fabric8.kubernetes.api.model.ResourceRequirements.class,
            io.fabric8.kubernetes.api.model.ResourceFieldSelector.class)) {
      assertThat(PodForm.ROUND_TRIPS.get(c)).as("round trips of %s", c.getSimpleName()).isNull();
    }
    System.out.println("PodForm round trips over the corpus: " + PodForm.ROUND_TRIPS);
    assertThat(pods.size()).isGreaterThan(500);
  }

  @Test
  void aMinimalPodGetsFabric8sDefaults() {
    ObjectNode pod = Json.MAPPER.createObjectNode();
    pod.putObject("spec").putArray("containers").addObject().put("name", "app");
    assertRoundTrip(pod);
    assertThat(PodForm.of(pod).path("kind").asText()).isEqualTo("Pod");
  }

  /** A corpus pod, changed in ways fabric8's form has to undo (or keep). */
  @Property(tries = 1000)
  void mutatedPodsTakeTheRoundTripsForm(
      @ForAll @IntRange(min = 0, max = 100000) int which, @ForAll long seed) throws Exception {
    List<ObjectNode> pods = corpusPods();
    if (pods.isEmpty()) {
      return;
    }
    ObjectNode pod = pods.get(which % pods.size()).deepCopy();
    mutate(pod, new Random(seed), 0);
    assertRoundTrip(pod);
  }

  private static final JsonNode[] ODD =
      new JsonNode[] {
        NullNode.instance,
        TextNode.valueOf("7"),
        IntNode.valueOf(7),
        LongNode.valueOf(7),
        LongNode.valueOf(1L << 40),
        Json.MAPPER.getNodeFactory().numberNode(1.5),
        Json.MAPPER.getNodeFactory().booleanNode(true),
        Json.MAPPER.createArrayNode(),
        Json.MAPPER.createObjectNode(),
        TextNode.valueOf("100m"),
        TextNode.valueOf("1.50Gi"),
      };

  private static void mutate(JsonNode node, Random r, int depth) {
    if (node instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode v = o.get(name);
        int dice = r.nextInt(40);
        if (dice == 0) {
          o.set(name, ODD[r.nextInt(ODD.length)].deepCopy());
        } else if (dice == 1 && v.isInt()) {
          o.set(name, LongNode.valueOf(v.longValue()));
        } else if (dice == 2 && v.isLong()) {
          o.set(name, IntNode.valueOf(v.intValue()));
        } else if (dice == 3) {
          o.remove(name);
        } else {
          mutate(v, r, depth + 1);
        }
      }
      if (r.nextInt(30) == 0) {
        o.set("unknownField" + r.nextInt(3), ODD[r.nextInt(ODD.length)].deepCopy());
      }
      if (r.nextInt(4) == 0) {
        shuffle(o, r);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (r.nextInt(60) == 0) {
          a.set(i, ODD[r.nextInt(ODD.length)].deepCopy());
        } else {
          mutate(a.get(i), r, depth + 1);
        }
      }
    }
  }

  private static void shuffle(ObjectNode o, Random r) {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      fields.add(it.next());
    }
    Collections.shuffle(fields, r);
    o.removeAll();
    fields.forEach(e -> o.set(e.getKey(), e.getValue()));
  }
}
