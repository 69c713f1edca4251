package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MutatingWebhookModelTest {

  private static final MutatingWebhookModel.Endpoint SERVICE =
      new MutatingWebhookModel.Endpoint(
          Optional.empty(), "istio-operator-webhook", "istio-operator", 443, "/inject");

  @Test
  void defaultRevisionHandlesIstioInjectionAndObjectOptInAndItsRevisionLabel() {
    var cp = ControlPlane.of(TestResources.mcp());
    var mwc = MutatingWebhookModel.webhook(cp, SERVICE, "Q0E=");
    assertThat(mwc.getMetadata().getName()).isEqualTo("istio-sidecar-injector-istio-system");
    assertThat(mwc.getWebhooks())
        .extracting(MutatingWebhook::getName)
        .containsExactly(
            "namespace.sidecar-injector.istio.io",
            "object.sidecar-injector.istio.io",
            "rev.namespace.sidecar-injector.istio.io",
            "rev.object.sidecar-injector.istio.io");
    assertThat(mwc.getWebhooks())
        .allSatisfy(
            w -> {
              assertThat(w.getSideEffects()).isEqualTo("None");
              assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
              assertThat(w.getFailurePolicy()).isEqualTo("Fail");
              assertThat(w.getTimeoutSeconds()).isEqualTo(10);
              assertThat(w.getClientConfig().getCaBundle()).isEqualTo("Q0E=");
              assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/inject");
              // The operator's own namespace too: a Fail webhook must not gate its own pods.
              assertThat(
                      expr(
                              w.getNamespaceSelector().getMatchExpressions(),
                              "kubernetes.io/metadata.name")
                          .getValues())
                  .containsExactlyInAnyOrder(
                      "kube-system",
                      "kube-public",
                      "kube-node-lease",
                      "local-path-storage",
                      "istio-operator");
              assertThat(
                      expr(
                              w.getNamespaceSelector().getMatchExpressions(),
                              "kubernetes.io/metadata.name")
                          .getOperator())
                  .isEqualTo("NotIn");
            });
    assertThat(
            expr(
                mwc.getWebhooks().get(0).getNamespaceSelector().getMatchExpressions(),
                "istio-injection"))
        .satisfies(r -> assertThat(r.getValues()).containsExactly("enabled"));
  }

  @Test
  void aRevisionOnlyHandlesItsRevisionLabel() {
    var cp = ControlPlane.of(TestResources.mcp("ns", "canary", s -> {}));
    var mwc =
        MutatingWebhookModel.webhook(cp, SERVICE, null, Optional.of("istio-operator/webhook-cert"));
    assertThat(mwc.getWebhooks()).hasSize(2);
    assertThat(
            expr(
                    mwc.getWebhooks().get(0).getNamespaceSelector().getMatchExpressions(),
                    "istio.io/rev")
                .getValues())
        .containsExactly("canary");
    assertThat(mwc.getWebhooks())
        .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
    assertThat(mwc.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", "istio-operator/webhook-cert");
  }

  @Test
  void urlModeForALocalApiserver() {
    var cp = ControlPlane.of(TestResources.mcp());
    var url =
        new MutatingWebhookModel.Endpoint(
            Optional.of("https://127.0.0.1:8443/inject"), "s", "n", 443, "/inject");
    assertThat(MutatingWebhookModel.webhook(cp, url, "Q0E=").getWebhooks())
        .allSatisfy(
            w -> {
              assertThat(w.getClientConfig().getUrl()).isEqualTo("https://127.0.0.1:8443/inject");
              assertThat(w.getClientConfig().getService()).isNull();
            });
  }

  private static LabelSelectorRequirement expr(List<LabelSelectorRequirement> all, String key) {
    return all.stream().filter(r -> r.getKey().equals(key)).findFirst().orElseThrow();
  }
}
