package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant whose only right is managing MeshControlPlanes in her own namespace cannot make a
 * control plane at all: the kind is cluster-scoped, so a namespaced grant does not reach it, and
 * she can neither create nor edit one. A cluster admin can.
 */
@ExtendWith(LocalClusterExtension.class)
class TenantIT {

  private static final String NS = "tenant-a";

  private static final String CR =
      """
      apiVersion: meshoperator.dev/v1alpha1
      kind: MeshControlPlane
      metadata: {name: %s}
      spec: {profile: empty, namespace: tenant-a, istiod: {image: evil.example/pilot:1}}
      """;

  @Test
  void aNamespacedGrantCannotCreateOrEditAControlPlane(LocalCluster cluster) {
    KubernetesClient admin = cluster.admin();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    admin
        .serviceAccounts()
        .inNamespace(NS)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("alice").endMetadata().build())
        .serverSideApply();
    admin
        .rbac()
        .roles()
        .inNamespace(NS)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("mcp-editor")
                .endMetadata()
                .addNewRule()
                .withApiGroups("meshoperator.dev")
                .withResources("meshcontrolplanes", "meshcontrolplanes/status")
                .withVerbs("*")
                .endRule()
                .build())
        .serverSideApply();
    admin
        .rbac()
        .roleBindings()
        .inNamespace(NS)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("alice-mcp-editor")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "mcp-editor")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("alice")
                .withNamespace(NS)
                .endSubject()
                .build())
        .serverSideApply();

    try (KubernetesClient alice = cluster.controlPlane().serviceAccountClient(NS, "alice")) {
      assertThatThrownBy(
              () ->
                  alice
                      .resource(
                          Serialization.unmarshal(
                              CR.formatted("tenant-takeover"), GenericKubernetesResource.class))
                      .create())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));

      // An admin's control plane: the tenant cannot change its image either.
      admin
          .resource(
              Serialization.unmarshal(
                  CR.formatted("tenant-admins"), GenericKubernetesResource.class))
          .create();
      try {
        assertThatThrownBy(
                () ->
                    alice
                        .resources(MeshControlPlane.class)
                        .withName("tenant-admins")
                        .edit(
                            m -> {
                              m.getSpec().istiod.image = "evil.example/pilot:2";
                              return m;
                            }))
            .isInstanceOf(KubernetesClientException.class)
            .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
        assertThat(admin.resources(MeshControlPlane.class).withName("tenant-admins").get())
            .isNotNull();
      } finally {
        admin.resources(MeshControlPlane.class).withName("tenant-admins").delete();
      }
    }
  }
}
