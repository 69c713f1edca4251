package dev.meshoperator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.injection.KubeInject;
import dev.meshoperator.reconciler.dependent.IstioCrdsDependent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every object the operator's models give for one MeshControlPlane, as the reconciler's workflow
 * would create them (the same model calls and the same conditions as its dependents), plus the
 * static ClusterRoles the operator's install ships that each revision binds. Gateway Deployments
 * are taken after the operator's injection, as the apiserver stores them. Addons are left out:
 * Istio installs them from {@code samples/addons}, not from its charts (AddonsIT compares them).
 */
final class OperatorObjects {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a default install of the operator serves its webhook. */
  static final MutatingWebhookModel.Endpoint ENDPOINT =
      new MutatingWebhookModel.Endpoint(
          Optional.empty(), "istio-operator-webhook", "istio-operator", 443, "/inject");

  private OperatorObjects() {}

  static List<JsonNode> of(MeshControlPlane cr) {
    ControlPlane cp = ControlPlane.of(cr);
    List<HasMetadata> objects = new ArrayList<>(IstioCrds.all(IstioCrdsDependent.LABELS));
    // What the apiserver stores for a gateway is its Deployment after the operator's webhook:
    // the model's pod is a placeholder for the gateway template.
    List<HasMetadata> injected = new ArrayList<>();
    if (cp.istiodEnabled()) {
      objects.add(IstiodModel.serviceAccount(cp));
      objects.add(IstiodRoles.readerServiceAccount(cp));
      objects.add(IstiodRoles.role(cp));
      objects.add(IstiodRoles.roleBinding(cp));
      for (IstiodRoles.Kind kind : IstiodRoles.Kind.values()) {
        objects.add(IstiodRoles.clusterRole(cp, kind));
        objects.add(IstiodRoles.clusterRoleBinding(cp, kind));
      }
      objects.add(IstiodRoles.secretsReaderBinding(cp));
      objects.add(IstiodRoles.namespaceSecretsBinding(cp));
      objects.add(OperatorRbac.istiodSecretsReader());
      objects.add(OperatorRbac.istiodNamespaceSecrets());
      objects.add(IstiodModel.meshConfigMap(cp));
      objects.add(IstiodModel.service(cp));
      objects.add(IstiodModel.deployment(cp));
      if (IstiodModel.autoscaled(cp)) {
        objects.add(IstiodModel.autoscaler(cp));
      }
      if (IstiodModel.disruptionBudgeted(cp)) {
        objects.add(IstiodModel.disruptionBudget(cp));
      }
      objects.add(MutatingWebhookModel.webhook(cp, ENDPOINT, "Q0E="));
      objects.add(IstiodModel.validatingWebhook(cp));
    }
    for (Gateways.Gateway g : Gateways.of(cr)) {
      objects.add(GatewayModel.serviceAccount(cp, g));
      objects.add(GatewayModel.secretsRoleBinding(cp, g));
      injected.add(GatewayModel.deployment(cp, g));
      objects.add(GatewayModel.service(cp, g));
      if (GatewayModel.autoscaled(g)) {
        objects.add(GatewayModel.autoscaler(cp, g));
      }
      if (GatewayModel.disruptionBudgeted(g)) {
        objects.add(GatewayModel.disruptionBudget(cp, g));
      }
    }
    if (!Gateways.of(cr).isEmpty()) {
      objects.add(OperatorRbac.gatewaySecretsReader());
    }
    List<JsonNode> out = new ArrayList<>();
    var settings = InjectionSettingsModel.settings(cp, true);
    for (HasMetadata d : injected) {
      JsonNode doc =
          KubeInject.parseDocuments(KubeInject.injectYaml(Serialization.asJson(d), settings))
              .get(0);
      ((com.fasterxml.jackson.databind.node.ObjectNode) doc).remove("status");
      out.add(GatewayChartComparisonTest.withoutNulls(doc));
    }
    for (HasMetadata o : objects) {
      try {
        out.add(GatewayChartComparisonTest.withoutNulls(JSON.readTree(Serialization.asJson(o))));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }
}
