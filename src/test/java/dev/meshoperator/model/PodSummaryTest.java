package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodSummaryTest {

  /** The client's serialization, as the informer parses list pages and watch events. */
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static Pod wholePod(String name, boolean injected, String phase) {
    var b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("shop")
            .withUid("u-" + name)
            .withResourceVersion("42")
            .withGenerateName("web-")
            .withCreationTimestamp("2026-12-01T00:00:00Z")
            .withLabels(Map.of("app", "web"))
            .withAnnotations(
                injected
                    ? Map.of(
                        "sidecar.istio.io/status",
                        "{\"revision\":\"canary\",\"containers\":[\"istio-proxy\"]}",
                        "sidecar.istio.io/inject",
                        "true")
                    : Map.of("prometheus.io/scrape", "true"))
            .withManagedFields(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubectl")
                    .withOperation("Update")
                    .withNewFieldsV1()
                    .addToAdditionalProperties("f:metadata", Map.of("f:labels", Map.of()))
                    .endFieldsV1()
                    .build())
            .addNewOwnerReference()
            .withKind("ReplicaSet")
            .withName("web-1")
            .withUid("rs")
            .withApiVersion("apps/v1")
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withHostNetwork(false)
            .addNewContainer()
            .withName("web")
            .withImage("nginx")
            .addNewPort()
            .withContainerPort(80)
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/")
            .withNewPort(80)
            .endHttpGet()
            .endReadinessProbe()
            .endContainer()
            .addNewVolume()
            .withName("data")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .withPodIP("10.0.0.7")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus();
    if (injected) {
      b.editSpec()
          .addNewInitContainer()
          .withName("istio-proxy")
          .withImage("docker.io/istio/proxyv2:1.30.2")
          .withRestartPolicy("Always")
          .endInitContainer()
          .endSpec();
    }
    return b.build();
  }

  @Test
  void aPodReadAsASummaryHasTheSameFactsAsTheWholePod() {
    for (Pod pod :
        List.of(
            wholePod("plain", false, "Running"),
            wholePod("native", true, "Running"),
            wholePod("done", false, "Succeeded"))) {
      String json = SERIALIZATION.asJson(pod);
      PodSummary summary = SERIALIZATION.unmarshal(json, PodSummary.class);
      assertThat(SidecarHealth.PodFacts.of(summary)).isEqualTo(SidecarHealth.PodFacts.of(pod));
      // What the summary keeps is what the facts need; the rest was skipped while parsing.
      assertThat(summary.getMetadata()).isInstanceOf(PodSummary.Meta.class);
      assertThat(summary.getMetadata().getManagedFields()).isEmpty();
      assertThat(summary.getMetadata().getOwnerReferences()).isEmpty();
      assertThat(summary.getMetadata().getUid()).isNull();
      assertThat(summary.getMetadata().getAdditionalProperties()).isEmpty();
      assertThat(summary.getKind()).isEqualTo("Pod");
      assertThat(summary.getApiVersion()).isEqualTo("v1");
      assertThat(SERIALIZATION.asJson(summary).length()).isLessThan(json.length() / 2);
    }
    var facts = SidecarHealth.PodFacts.of(wholePod("native", true, "Running"));
    assertThat(facts.injectedBy()).isEqualTo("canary");
    assertThat(facts.proxyImage()).isEqualTo("docker.io/istio/proxyv2:1.30.2");
    assertThat(SidecarHealth.PodFacts.of(wholePod("done", false, "Succeeded")).finished()).isTrue();
  }

  @Test
  void aListPageReadsItsItemsAsSummaries() {
    String page =
        "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"7\","
            + "\"continue\":\"next\"},\"items\":["
            + SERIALIZATION.asJson(wholePod("a", true, "Running"))
            + ","
            + SERIALIZATION.asJson(wholePod("b", false, "Running"))
            + "]}";
    PodSummaryList list = SERIALIZATION.unmarshal(page, PodSummaryList.class);
    assertThat(list.getMetadata().getContinue()).isEqualTo("next");
    assertThat(list.getItems()).hasSize(2).allMatch(p -> p instanceof PodSummary);
    assertThat(list.getItems().get(0).getSpec().initContainers())
        .containsExactly(
            new PodSummary.ContainerRef("istio-proxy", "docker.io/istio/proxyv2:1.30.2"));
  }

  @Test
  void theStoresSummaryKeepsTheFacts() {
    for (Pod pod : List.of(wholePod("native", true, "Running"), wholePod("job", false, "Failed"))) {
      var facts = SidecarHealth.PodFacts.of(pod);
      assertThat(SidecarHealth.PodFacts.of(facts.toSummary())).isEqualTo(facts);
    }
  }
}
