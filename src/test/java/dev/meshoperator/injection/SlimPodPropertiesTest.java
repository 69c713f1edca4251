package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The webhook's path ({@link Injector#inject(SlimPod, InjectionSettings)}, which converts only part
 * of the pod and diffs JSON trees) against the Pod path it replaces: same outcome, same injected
 * pod, and a patch that turns the input into it.
 */
class SlimPodPropertiesTest {

  private final InjectionPropertiesTest base = new InjectionPropertiesTest();

  /** {@link InjectionPropertiesTest}'s pods, their containers given fields that are set aside. */
  @Provide
  Arbitrary<Pod> pods() {
    Arbitrary<List<Integer>> bulk = Arbitraries.integers().between(0, 5).list().ofSize(8);
    return Combinators.combine(base.pods(), bulk)
        .as(
            (pod, sizes) -> {
              Pod out = new PodBuilder(pod).build();
              int n = 0;
              for (List<Container> list :
                  List.of(out.getSpec().getContainers(), out.getSpec().getInitContainers())) {
                for (Container c : list) {
                  withBulk(c, sizes.get(n++ % sizes.size()));
                }
              }
              return out;
            });
  }

  private static void withBulk(Container c, int size) {
    if (size == 0) {
      return;
    }
    List<io.fabric8.kubernetes.api.model.EnvVar> env = new ArrayList<>();
    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      env.add(ProxyEnv.value("VAR_" + i, "value " + i));
      mounts.add(
          new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
              .withName("v" + i)
              .withMountPath("/m/" + i)
              .build());
    }
    c.setEnv(env);
    if (size % 2 == 0) {
      c.setVolumeMounts(mounts);
      c.setCommand(List.of("run", "--n=" + size));
    }
    if (size % 3 == 0) {
      c.setResources(
          new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
              .addToLimits("cpu", new Quantity(size + "00m"))
              .build());
      c.setImagePullPolicy("IfNotPresent");
    }
  }

  @Provide
  Arbitrary<InjectionSettings> settings() {
    return base.settings();
  }

  @Property(tries = 600)
  void theJsonPathInjectsAsThePodPath(
      @ForAll("pods") Pod pod, @ForAll("settings") InjectionSettings settings) {
    ObjectNode json = (ObjectNode) JsonPatches.toJson(pod);
    ObjectNode untouched = json.deepCopy();
    InjectionResult viaPod = Injector.inject(pod, settings);
    SlimPod slim = SlimPod.of(json);
    InjectionResult viaJson = Injector.inject(slim, settings);
    assertThat(json).as("input untouched").isEqualTo(untouched);
    // The injector's trees share subtrees with the slim pod: injecting it again must not see any
    // change the first injection made.
    InjectionResult again = Injector.inject(slim, settings);
    assertThat(again.getClass()).isEqualTo(viaJson.getClass());
    if (again instanceof InjectionResult.Injected a) {
      assertThat(Json.write(a.patch()))
          .isEqualTo(Json.write(((InjectionResult.Injected) viaJson).patch()));
    }
    if (viaPod instanceof InjectionResult.Denied denied) {
      assertThat(viaJson).isInstanceOf(InjectionResult.Denied.class);
      assertThat(((InjectionResult.Denied) viaJson).message()).isEqualTo(denied.message());
      return;
    }
    assertThat(viaJson).isInstanceOf(InjectionResult.Injected.class);
    JsonNode expected = JsonPatches.toJson(viaPod.pod());
    JsonNode patch = ((InjectionResult.Injected) viaJson).patch();
    assertThat(JsonPatch.apply(patch, json)).isEqualTo(expected);
    assertThat(JsonPatches.toJson(viaJson.pod())).isEqualTo(expected);
  }

  @Example
  void aLargeEnvIsSetAsideAndNeverInThePatch() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("big")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("app:1")
            .endContainer()
            .endSpec()
            .build();
    withBulk(pod.getSpec().getContainers().get(0), 2000);
    ObjectNode json = (ObjectNode) JsonPatches.toJson(pod);
    SlimPod slim = SlimPod.of(json);
    assertThat(slim.slimmed()).isTrue();
    assertThat(slim.pod().getSpec().getContainers().get(0).getEnv()).isEmpty();
    InjectionResult result = Injector.inject(slim, InjectionSettings.builder().build());
    JsonNode patch = ((InjectionResult.Injected) result).patch();
    assertThat(patch.toString()).doesNotContain("VAR_").contains("istio-proxy");
    assertThat(result.pod().getSpec().getContainers().get(0).getEnv()).hasSize(2000);
  }

  @Example
  void nothingIsSetAsideForAnInjectedPodOrAWronglyTypedField() {
    ObjectNode injected = Json.MAPPER.createObjectNode();
    injected
        .putObject("metadata")
        .putObject("annotations")
        .put(IstioAnnotations.SIDECAR_STATUS, "{}");
    injected
        .putObject("spec")
        .putArray("containers")
        .addObject()
        .put("name", "app")
        .putArray("env")
        .addObject()
        .put("name", "A");
    assertThat(SlimPod.of(injected).slimmed()).isFalse();

    ObjectNode wrong = Json.MAPPER.createObjectNode();
    wrong.putObject("spec").putArray("containers").addObject().put("name", "app").put("env", "x");
    assertThat(SlimPod.of(wrong).slimmed()).isFalse();

    ObjectNode proxy = Json.MAPPER.createObjectNode();
    proxy
        .putObject("spec")
        .putArray("containers")
        .addObject()
        .put("name", Injector.PROXY_CONTAINER)
        .putArray("env")
        .addObject()
        .put("name", "A");
    assertThat(SlimPod.of(proxy).slimmed()).as("a user's istio-proxy is merged").isFalse();
  }
}
