package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.testing.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The generated CRD is accepted by the real apiserver and enforces defaults and validation. */
@ExtendWith(LocalClusterExtension.class)
class MeshControlPlaneCrdIT {

  private static final String NS = "crd-validation";

  @BeforeAll
  static void namespace(KubernetesClient admin) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  private static GenericKubernetesResource fromYaml(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  @Test
  void crdIsEstablishedAndFillsDefaults(KubernetesClient admin) {
    var crd =
        admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("meshcontrolplanes.meshoperator.dev")
            .get();
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("mcp");

    admin
        .resource(
            fromYaml(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: crd-defaults}
                spec: {}
                """))
        .create();
    MeshControlPlane mcp = admin.resources(MeshControlPlane.class).withName("crd-defaults").get();
    // Delete at once: an operator running in this test run would otherwise install it.
    admin.resources(MeshControlPlane.class).withName("crd-defaults").delete();
    assertThat(mcp.getMetadata().getNamespace()).isNull();
    assertThat(mcp.getSpec().getProfile()).isEqualTo(Profile.DEFAULT);
    assertThat(mcp.getSpec().getVersion()).isEqualTo(IstioVersions.DEFAULT);
    assertThat(mcp.getSpec().getHub()).isEqualTo("docker.io/istio");
    assertThat(mcp.getSpec().getNamespace()).isEqualTo("istio-system");
    assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
  }

  @Test
  void unknownProfileIsRefusedNamingTheField(KubernetesClient admin) {
    assertRefused(admin, "crd-bad-profile", "spec: {profile: fancy}", "spec.profile");
  }

  @Test
  void malformedVersionIsRefusedNamingTheField(KubernetesClient admin) {
    assertRefused(admin, "crd-bad-version", "spec: {version: latest}", "spec.version");
  }

  @Test
  void negativeReplicasAreRefusedNamingTheField(KubernetesClient admin) {
    assertRefused(
        admin, "crd-bad-replicas", "spec: {istiod: {replicas: -1}}", "spec.istiod.replicas");
  }

  @Test
  void autoscalingBoundsMustBeOrdered(KubernetesClient admin) {
    assertRefused(
        admin,
        "crd-bad-autoscaling",
        "spec: {istiod: {autoscaling: {minReplicas: 5, maxReplicas: 2}}}",
        "autoscaling.minReplicas must not exceed autoscaling.maxReplicas");
  }

  @Test
  void malformedProxyRangesAreRefusedNamingTheField(KubernetesClient admin) {
    assertRefused(
        admin,
        "crd-bad-ranges",
        "spec: {proxy: {excludeIPRanges: 'not-a-cidr'}}",
        "spec.proxy.excludeIPRanges");
  }

  @Test
  void namespaceCannotBeChanged(KubernetesClient admin) {
    admin
        .resource(
            fromYaml(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: crd-immutable}
                spec: {profile: empty, namespace: %s}
                """
                    .formatted(NS)))
        .create();
    try {
      // A merge patch carries no resourceVersion, so it cannot lose a race with the operator's
      // status writes; only validation can refuse it.
      assertThatThrownBy(
              () ->
                  admin
                      .resources(MeshControlPlane.class)
                      .withName("crd-immutable")
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"spec\":{\"namespace\":\"elsewhere\"}}"))
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("spec.namespace is immutable");
    } finally {
      admin.resources(MeshControlPlane.class).withName("crd-immutable").delete();
    }
  }

  @Test
  void namesThatCannotBeRevisionsAreRefused(KubernetesClient admin) {
    // istiod-<name> must fit a 63-character Service name.
    assertRefused(
        admin, "r".repeat(57), "spec: {profile: empty}", "metadata.name must be at most 56");
    assertRefused(admin, "with.dot", "spec: {profile: empty}", "metadata.name must be lower-case");
  }

  private static void assertRefused(
      KubernetesClient admin, String name, String spec, String field) {
    var resource =
        fromYaml(
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata: {name: %s}
            %s
            """
                .formatted(name, spec));
    assertThatThrownBy(() -> admin.resource(resource).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(field);
  }
}
