package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InjectionPolicyTest {

  static Pod pod(Map<String, String> labels, Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("apps")
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("app")
        .endContainer()
        .endSpec()
        .build();
  }

  static final Map<String, String> ENABLED = Map.of("istio-injection", "enabled");
  final InjectionPolicy policy = InjectionPolicy.defaults();

  @Test
  void namespaceEnabledInjects() {
    InjectionDecision d = policy.evaluate(pod(Map.of(), Map.of()), "apps", ENABLED);
    assertThat(d.inject()).isTrue();
    assertThat(d.revision()).isEqualTo("default");
    assertThat(d.reason()).contains("istio-injection=enabled");
  }

  @Test
  void namespaceDisabledWinsOverPodOptIn() {
    InjectionDecision d =
        policy.evaluate(
            pod(Map.of("sidecar.istio.io/inject", "true"), Map.of()),
            "apps",
            Map.of("istio-injection", "disabled"));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).contains("istio-injection=disabled");
  }

  @Test
  void unlabeledNamespaceIsNotInjectedButExplainsWhy() {
    InjectionDecision d = policy.evaluate(pod(Map.of(), Map.of()), "apps", Map.of());
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).contains("selects a control plane revision");
  }

  @Test
  void podLabelOptsInWithoutNamespaceLabel() {
    InjectionDecision d =
        policy.evaluate(pod(Map.of("sidecar.istio.io/inject", "true"), Map.of()), "apps", Map.of());
    assertThat(d.inject()).isTrue();
  }

  @Test
  void labelIsPreferredOverAnnotation() {
    Pod p =
        pod(Map.of("sidecar.istio.io/inject", "false"), Map.of("sidecar.istio.io/inject", "true"));
    InjectionDecision d = policy.evaluate(p, "apps", ENABLED);
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).contains("label sidecar.istio.io/inject=false");
  }

  @Test
  void annotationOptOutIsHonoured() {
    Pod p = pod(Map.of(), Map.of("sidecar.istio.io/inject", "false"));
    assertThat(policy.evaluate(p, "apps", ENABLED).inject()).isFalse();
  }

  @Test
  void invalidValueFallsBackToPolicyAndSaysSo() {
    Pod p = pod(Map.of("sidecar.istio.io/inject", "yes"), Map.of());
    InjectionDecision d = policy.evaluate(p, "apps", ENABLED);
    assertThat(d.inject()).isTrue();
    assertThat(d.reason()).contains("invalid value 'yes'");
  }

  @Test
  void hostNetworkIsNeverInjected() {
    Pod p = pod(Map.of("sidecar.istio.io/inject", "true"), Map.of());
    p.getSpec().setHostNetwork(true);
    InjectionDecision d = policy.evaluate(p, "apps", ENABLED);
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).contains("host networking");
  }

  @Test
  void systemNamespacesAreSkipped() {
    for (String ns :
        List.of("kube-system", "kube-public", "kube-node-lease", "local-path-storage")) {
      InjectionDecision d = policy.evaluate(pod(Map.of(), Map.of()), ns, ENABLED);
      assertThat(d.inject()).as(ns).isFalse();
      assertThat(d.reason()).contains(ns);
    }
  }

  @Test
  void revisionLabelSelectsRevision() {
    InjectionPolicy canary =
        new InjectionPolicy(
            InjectionPolicy.Mode.ENABLED,
            "canary",
            Set.of("prod"),
            List.of(),
            List.of(),
            InjectionPolicy.SYSTEM_NAMESPACES,
            false);
    assertThat(
            canary
                .evaluate(pod(Map.of(), Map.of()), "a", Map.of("istio.io/rev", "canary"))
                .inject())
        .isTrue();
    assertThat(
            canary.evaluate(pod(Map.of(), Map.of()), "a", Map.of("istio.io/rev", "prod")).inject())
        .as("revision tag")
        .isTrue();
    InjectionDecision other =
        canary.evaluate(pod(Map.of(), Map.of()), "a", Map.of("istio.io/rev", "stable"));
    assertThat(other.inject()).isFalse();
    assertThat(other.revision()).isEqualTo("stable");
    assertThat(other.reason()).contains("this injector serves canary");
    // istio-injection=enabled always means the default revision, even with istio.io/rev present.
    InjectionDecision both =
        canary.evaluate(
            pod(Map.of(), Map.of()),
            "a",
            Map.of("istio-injection", "enabled", "istio.io/rev", "canary"));
    assertThat(both.revision()).isEqualTo("default");
    assertThat(both.inject()).isFalse();
    // A pod label selects a revision when the namespace has none.
    assertThat(
            canary
                .evaluate(pod(Map.of("istio.io/rev", "canary"), Map.of()), "a", Map.of())
                .inject())
        .isTrue();
  }

  @Test
  void neverInjectSelectorIsCheckedBeforeAlwaysInjectSelector() {
    LabelSelector both = new LabelSelectorBuilder().addToMatchLabels("team", "a").build();
    InjectionPolicy p =
        new InjectionPolicy(
            InjectionPolicy.Mode.DISABLED,
            "default",
            Set.of(),
            List.of(both),
            List.of(both),
            InjectionPolicy.SYSTEM_NAMESPACES,
            false);
    InjectionDecision d = p.podPolicy(pod(Map.of("team", "a"), Map.of()));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).contains("neverInjectSelector");
    // An explicit opt-in beats the selectors.
    assertThat(
            p.podPolicy(pod(Map.of("team", "a", "sidecar.istio.io/inject", "true"), Map.of()))
                .inject())
        .isTrue();
  }

  @Test
  void alwaysInjectSelectorOverridesDisabledPolicy() {
    LabelSelector always =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("In")
            .withValues("web", "api")
            .endMatchExpression()
            .build();
    InjectionPolicy p =
        new InjectionPolicy(
            InjectionPolicy.Mode.DISABLED,
            "default",
            Set.of(),
            List.of(),
            List.of(always),
            InjectionPolicy.SYSTEM_NAMESPACES,
            false);
    assertThat(p.podPolicy(pod(Map.of("tier", "web"), Map.of())).inject()).isTrue();
    InjectionDecision d = p.podPolicy(pod(Map.of("tier", "db"), Map.of()));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).contains("policy is disabled");
  }

  @Test
  void emptySelectorsMatchNothing() {
    InjectionPolicy p =
        new InjectionPolicy(
            InjectionPolicy.Mode.ENABLED,
            "default",
            Set.of(),
            List.of(new LabelSelector()),
            List.of(),
            InjectionPolicy.SYSTEM_NAMESPACES,
            false);
    assertThat(p.podPolicy(pod(Map.of("x", "y"), Map.of())).inject()).isTrue();
  }
}
