package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class WebhookComparisonTest {

  private final ValidatingWebhookConfiguration desired =
      IstiodModel.validatingWebhook(ControlPlane.of(TestResources.mcp()));

  /** What the apiserver serves back: defaults filled in, istiod's caBundle and failurePolicy. */
  private ValidatingWebhookConfiguration served() {
    var copy =
        Serialization.unmarshal(
            Serialization.asJson(desired), ValidatingWebhookConfiguration.class);
    copy.getWebhooks()
        .forEach(
            w -> {
              w.setFailurePolicy("Fail");
              w.setMatchPolicy("Equivalent");
              w.setTimeoutSeconds(10);
              w.getClientConfig().setCaBundle("Y2E=");
              w.getRules().forEach(r -> r.setScope("*"));
              w.getObjectSelector()
                  .getMatchExpressions()
                  .forEach(
                      e -> {
                        if (e.getValues() != null && e.getValues().isEmpty()) {
                          e.setValues(null);
                        }
                      });
            });
    copy.getMetadata().getLabels().put("added-by", "someone-else");
    return copy;
  }

  @Test
  void serverDefaultsAndIstiodsFieldsDoNotCountAsDrift() {
    assertThat(WebhookComparison.sameAsDesired(served(), desired)).isTrue();
  }

  @Test
  void editedRulesOrServiceAreDrift() {
    var edited = served();
    edited.getWebhooks().get(0).getRules().get(0).setOperations(java.util.List.of("CREATE"));
    assertThat(WebhookComparison.sameAsDesired(edited, desired)).isFalse();
    var moved = served();
    moved.getWebhooks().get(0).getClientConfig().getService().setName("elsewhere");
    assertThat(WebhookComparison.sameAsDesired(moved, desired)).isFalse();
    var fewer =
        new ValidatingWebhookConfigurationBuilder(served())
            .withWebhooks(served().getWebhooks().get(0))
            .build();
    assertThat(WebhookComparison.sameAsDesired(fewer, desired)).isFalse();
  }
}
