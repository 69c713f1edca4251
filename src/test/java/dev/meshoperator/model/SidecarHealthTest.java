package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.injection.InjectionPolicy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SidecarHealthTest {

  private static final InjectionPolicy POLICY =
      InjectionSettingsModel.policy(ControlPlane.of(TestResources.mcp()));

  private static Namespace ns(String name, Map<String, String> labels) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  /** A pod; {@code revision} null: no sidecar, else injected by it with proxy {@code tag}. */
  private static Pod pod(String ns, String name, String revision, String tag) {
    var b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .withResourceVersion("7")
            .addToLabels("app", name)
            .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "x".repeat(3000))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("example/app:1")
            .addNewEnv()
            .withName("BIG")
            .withValue("y".repeat(2000))
            .endEnv()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus();
    if (revision != null) {
      b.editMetadata()
          .addToAnnotations(
              "sidecar.istio.io/status",
              "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],"
                  + "\"volumes\":[\"istio-envoy\"],\"imagePullSecrets\":null,\"revision\":\""
                  + revision
                  + "\"}")
          .endMetadata()
          .editSpec()
          .addNewContainer()
          .withName("istio-proxy")
          .withImage("docker.io/istio/proxyv2:" + tag)
          .endContainer()
          .endSpec();
    }
    return b.build();
  }

  private static Map<String, List<SidecarHealth.PodFacts>> byNamespace(List<Pod> pods) {
    return pods.stream()
        .map(SidecarHealth.PodFacts::of)
        .collect(Collectors.groupingBy(SidecarHealth.PodFacts::namespace));
  }

  private static final List<Namespace> NAMESPACES =
      List.of(
          ns("shop", Map.of("istio-injection", "enabled")),
          // istio-injection=enabled wins over istio.io/rev: default, not canary.
          ns("both", Map.of("istio-injection", "enabled", "istio.io/rev", "canary")),
          ns("canary-ns", Map.of("istio.io/rev", "canary")),
          ns("off", Map.of("istio-injection", "disabled", "istio.io/rev", "default")),
          ns("plain", Map.of()));

  @Test
  void countsEachKindOfPodInTheNamespacesOfTheRevision() {
    List<Pod> pods = new ArrayList<>();
    pods.add(pod("shop", "current", "default", "1.30.2"));
    pods.add(pod("shop", "distroless", "default", "1.30.2-distroless"));
    pods.add(pod("shop", "before-label", null, null));
    pods.add(pod("both", "old", "default", "1.29.0"));
    pods.add(pod("shop", "moved", "canary", "1.30.2"));
    Pod optedOut = pod("shop", "opted-out", null, null);
    optedOut.getMetadata().getLabels().put("sidecar.istio.io/inject", "false");
    pods.add(optedOut);
    Pod done = pod("shop", "job", null, null);
    done.getStatus().setPhase("Succeeded");
    pods.add(done);
    Pod leaving = pod("shop", "leaving", null, null);
    leaving.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    pods.add(leaving);
    // Not in a namespace of this revision: not counted, whatever they are.
    pods.add(pod("plain", "bare", null, null));
    pods.add(pod("off", "bare", null, null));
    pods.add(pod("canary-ns", "bare", null, null));

    HealthStatus h =
        SidecarHealth.report("default", POLICY, "1.30.2", NAMESPACES, byNamespace(pods));

    assertThat(h.namespaces.count()).isEqualTo(2);
    assertThat(h.namespaces.examples).containsExactly("both", "shop");
    assertThat(h.pods).isEqualTo(5);
    assertThat(h.upToDate).isEqualTo(2);
    assertThat(h.withoutSidecar.examples).containsExactly("shop/before-label");
    assertThat(h.otherRevision.examples).containsExactly("shop/moved");
    assertThat(h.olderVersion.examples).containsExactly("both/old");
    assertThat(h.optedOut).isEqualTo(1);
    assertThat(h.needRestart()).isEqualTo(3);
    assertThat(SidecarHealth.sentence("default", h))
        .isEqualTo(
            "2 namespaces enabled for revision default (both, shop), 5 pods; need a restart"
                + " (kubectl rollout restart): 1 without a sidecar (shop/before-label); 1 with"
                + " another revision's sidecar (shop/moved); 1 with another version's sidecar"
                + " (both/old)");

    HealthStatus canary =
        SidecarHealth.report(
            "canary",
            InjectionSettingsModel.policy(
                ControlPlane.of(TestResources.mcp("istio-canary", "canary", s -> {}))),
            "1.30.2",
            NAMESPACES,
            byNamespace(pods));
    assertThat(canary.namespaces.examples).containsExactly("canary-ns");
    assertThat(canary.withoutSidecar.examples).containsExactly("canary-ns/bare");
  }

  @Test
  void examplesAreBoundedAndStableWhateverTheOrder() {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      pods.add(pod("shop", String.format("p-%04d", (i * 7919) % 2000), null, null));
    }
    HealthStatus h =
        SidecarHealth.report("default", POLICY, "1.30.2", NAMESPACES, byNamespace(pods));
    assertThat(h.withoutSidecar.count()).isEqualTo(2000);
    assertThat(h.withoutSidecar.examples)
        .containsExactly("shop/p-0000", "shop/p-0001", "shop/p-0002", "shop/p-0003", "shop/p-0004");
    java.util.Collections.reverse(pods);
    assertThat(SidecarHealth.report("default", POLICY, "1.30.2", NAMESPACES, byNamespace(pods)))
        .isEqualTo(h);
    assertThat(SidecarHealth.sentence("default", h))
        .contains("2000 without a sidecar")
        .contains("shop/p-0004, ...)");
  }

  @Test
  void theFactsRoundTripThroughTheStoresSummaryAndAreSmall() {
    List<Pod> pods =
        List.of(
            pod("shop", "current", "default", "1.30.2"),
            pod("shop", "old", "default", "1.29.0"),
            pod("shop", "moved", "canary", "1.30.2"),
            pod("shop", "bare", null, null));
    Pod optedOut = pod("shop", "opted-out", null, null);
    optedOut.getMetadata().getAnnotations().put("sidecar.istio.io/inject", "false");
    Pod done = pod("shop", "job", null, null);
    done.getStatus().setPhase("Failed");
    for (Pod p : List.of(pods.get(0), pods.get(1), pods.get(2), pods.get(3), optedOut, done)) {
      var facts = SidecarHealth.PodFacts.of(p);
      // What the informer's store hands back keeps the facts.
      assertThat(SidecarHealth.PodFacts.of(facts.toSummary())).isEqualTo(facts);
      assertThat(Serialization.asJson(facts.toSummary()).length())
          .isLessThan(Serialization.asJson(p).length() / 10);
    }
    var current = SidecarHealth.PodFacts.of(pods.get(0));
    assertThat(current.injectedBy()).isEqualTo("default");
    assertThat(current.proxyImage()).isEqualTo("docker.io/istio/proxyv2:1.30.2");
    assertThat(SidecarHealth.PodFacts.of(pods.get(3)).injectedBy()).isNull();
    assertThat(SidecarHealth.PodFacts.of(done).finished()).isTrue();
    // The opt-out annotation survives, so the policy still sees it.
    assertThat(
            SidecarHealth.report(
                    "default", POLICY, "1.30.2", NAMESPACES, byNamespace(List.of(optedOut)))
                .optedOut)
        .isEqualTo(1);
  }

  @Test
  void tagsAndVariants() {
    assertThat(SidecarHealth.tag("docker.io/istio/proxyv2:1.30.2")).isEqualTo("1.30.2");
    assertThat(SidecarHealth.tag("localhost:5000/proxyv2")).isEmpty();
    assertThat(SidecarHealth.tag("localhost:5000/proxyv2:1.2@sha256:ab")).isEqualTo("1.2");
    assertThat(SidecarHealth.withoutVariant("1.30.2-distroless")).isEqualTo("1.30.2");
    assertThat(SidecarHealth.withoutVariant("1.30.2-rc.1")).isEqualTo("1.30.2-rc.1");
  }
}
