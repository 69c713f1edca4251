package dev.meshoperator.packaging;

import dev.meshoperator.model.OperatorRbac;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.Map;

/**
 * TEMPORARY stub of the lead's OperatorInstall (same signatures), replaced by the real class when
 * main is merged.
 */
public final class OperatorInstall {

  private static final Map<String, String> SELECTOR =
      Map.of("app.kubernetes.io/name", OperatorRbac.NAME);

  private OperatorInstall() {}

  public static Deployment deployment(String namespace, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(OperatorRbac.NAME)
        .withNamespace(namespace)
        .withLabels(SELECTOR)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .withMatchLabels(SELECTOR)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(SELECTOR)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(OperatorRbac.NAME)
        .addNewContainer()
        .withName("operator")
        .withImage(image)
        .addNewPort()
        .withName("https-webhook")
        .withContainerPort(8443)
        .endPort()
        .addNewPort()
        .withName("http-management")
        .withContainerPort(9000)
        .endPort()
        .addNewEnv()
        .withName("MESH_OPERATOR_NAMESPACE")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.namespace")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/q/health/ready")
        .withPort(new IntOrString("http-management"))
        .endHttpGet()
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public static Service webhookService(String namespace) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("istio-operator-webhook")
        .withNamespace(namespace)
        .withLabels(SELECTOR)
        .endMetadata()
        .withNewSpec()
        .withSelector(SELECTOR)
        .addNewPort()
        .withName("https-webhook")
        .withPort(443)
        .withTargetPort(new IntOrString("https-webhook"))
        .endPort()
        .endSpec()
        .build();
  }

  public static PodDisruptionBudget disruptionBudget(String namespace) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(OperatorRbac.NAME)
        .withNamespace(namespace)
        .withLabels(SELECTOR)
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(SELECTOR)
        .endSelector()
        .endSpec()
        .build();
  }
}
