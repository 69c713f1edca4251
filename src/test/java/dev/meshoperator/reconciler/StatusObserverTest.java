package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.ComponentStatus;
import dev.meshoperator.api.v1alpha1.IstiodSpec;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.MeshNames;
import dev.meshoperator.model.TestResources;
import dev.meshoperator.webhook.WebhookCertificateManager;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of what a reconcile observes: injection readiness and istiod's component. */
class StatusObserverTest {

  private static final ControlPlane CP = ControlPlane.of(TestResources.mcp());

  private static final WebhookCertificateManager.Status LOADED =
      new WebhookCertificateManager.Status(
          "pem", Instant.parse("2027-01-01T00:00:00Z"), "ab:cd", null);

  @Test
  void injectionWorksWithTheWebhookConfiguredAndItsCertificateLoaded() {
    assertThat(StatusObserver.injectionProblem(CP, true, true, Optional.of(LOADED))).isEmpty();
    // A certificate from files is not the operator's to load: nothing to wait for.
    assertThat(StatusObserver.injectionProblem(CP, true, false, Optional.empty())).isEmpty();
  }

  @Test
  void injectionWaitsForIstiodTheWebhookAndTheCertificate() {
    var noIstiod =
        ControlPlane.of(
            TestResources.mcp(
                "istio-system",
                "default",
                s -> {
                  s.istiod = new IstiodSpec();
                  s.istiod.enabled = false;
                }));
    assertThat(StatusObserver.injectionProblem(noIstiod, true, true, Optional.of(LOADED)))
        .contains("istiod is not enabled for this revision");
    assertThat(StatusObserver.injectionProblem(CP, false, true, Optional.of(LOADED)))
        .contains("MutatingWebhookConfiguration " + MeshNames.mutatingWebhook(CP) + " is missing");
    assertThat(StatusObserver.injectionProblem(CP, true, true, Optional.empty()))
        .contains("the webhook's serving certificate is not loaded yet");
    var failed = new WebhookCertificateManager.Status(null, null, null, "key does not match");
    assertThat(StatusObserver.injectionProblem(CP, true, true, Optional.of(failed)))
        .contains("key does not match");
  }

  @Test
  void anAbsentDeploymentHasNoReplicas() {
    assertThat(StatusObserver.deploymentStatus("istiod", Optional.empty(), false))
        .usingRecursiveComparison()
        .isEqualTo(new ComponentStatus("istiod", "Deployment", 0, 0, false, null));
  }

  @Test
  void aDeploymentReportsItsReplicasReadinessAndImage() {
    var istiod = IstiodModel.deployment(CP);
    istiod.getSpec().setReplicas(2);
    istiod.setStatus(new DeploymentStatusBuilder().withReadyReplicas(1).build());
    ComponentStatus status = StatusObserver.deploymentStatus("istiod", Optional.of(istiod), true);
    assertThat(status.replicas).isEqualTo(2);
    assertThat(status.readyReplicas).isEqualTo(1);
    assertThat(status.ready).isTrue();
    assertThat(status.image)
        .isEqualTo(istiod.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  @Test
  void unsetReplicasAreOneAndNoReadyCountIsZero() {
    var istiod = IstiodModel.deployment(CP);
    istiod.getSpec().setReplicas(null);
    istiod.setStatus(null);
    ComponentStatus status = StatusObserver.deploymentStatus("istiod", Optional.of(istiod), false);
    assertThat(status.replicas).isEqualTo(1);
    assertThat(status.readyReplicas).isZero();
    assertThat(status.ready).isFalse();
  }
}
