package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Post-processing only the part of the merged pod it reads ({@link PostProcessingPod}) gives the
 * pod post-processing the whole pod bound to fabric8 gives: same outcome, same text (field order
 * included), on random pods and settings and on every pod of the corpora.
 */
class PostProcessingPodTest {

  private final SlimPodPropertiesTest slimPods = new SlimPodPropertiesTest();

  @Provide
  Arbitrary<Pod> pods() {
    return slimPods.pods();
  }

  @Provide
  Arbitrary<InjectionSettings> settings() {
    return slimPods.settings();
  }

  private static String outcome(Pod pod, InjectionSettings s, boolean whole) {
    Injector.WHOLE_POST_PROCESSING.set(whole);
    try {
      InjectionResult r = Injector.inject(Json.copy(pod), s);
      return r instanceof InjectionResult.Injected i
          ? Json.write(i.patch()) + "\n" + Json.write(Json.toTree(i.pod()))
          : r.toString();
    } finally {
      Injector.WHOLE_POST_PROCESSING.remove();
    }
  }

  @Property(tries = 500)
  void theReducedPodIsPostProcessedAsTheWholeOne(
      @ForAll("pods") Pod pod, @ForAll("settings") InjectionSettings settings) {
    assertThat(outcome(pod, settings, false)).isEqualTo(outcome(pod, settings, true));
  }

  @Test
  void everyCorpusPod() throws Exception {
    int injected = 0;
    for (ObjectNode tree : PodFormTest.corpusPods()) {
      Pod pod = Json.toPod(tree);
      InjectionSettings s = InjectionSettings.builder().build();
      String reduced = outcome(pod, s, false);
      assertThat(reduced).isEqualTo(outcome(pod, s, true));
      injected += reduced.startsWith("[") ? 1 : 0;
    }
    assertThat(injected).isGreaterThan(100);
  }
}
