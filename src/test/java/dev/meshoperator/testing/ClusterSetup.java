package dev.meshoperator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs what a user installs before the operator runs: the generated CRDs from {@code crds/} and
 * the operator's generated RBAC from {@code target/kubernetes/kubernetes.yml}, bound to the
 * operator's ServiceAccount. Idempotent.
 */
public final class ClusterSetup {

  public static final String OPERATOR_NAMESPACE = "istio-operator";
  public static final String OPERATOR_SERVICE_ACCOUNT = "istio-operator";

  private ClusterSetup() {}

  public static void installCrds(KubernetesClient admin) {
    Path crds = ProjectDir.get().resolve("crds");
    try (Stream<Path> files = Files.list(crds)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd =
              admin.apiextensions().v1().customResourceDefinitions().load(in).item();
          admin.resource(crd).forceConflicts().serverSideApply();
          LocalControlPlane.waitFor(
              "CRD " + crd.getMetadata().getName() + " Established",
              Duration.ofSeconds(30),
              () ->
                  admin
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(crd.getMetadata().getName())
                      .get()
                      .getStatus()
                      .getConditions()
                      .stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the operator's namespace and ServiceAccount and binds the generated RBAC to it. */
  public static void installOperatorRbac(KubernetesClient admin) {
    Path manifest = ProjectDir.get().resolve("target/kubernetes/kubernetes.yml");
    if (!Files.exists(manifest)) {
      throw new IllegalStateException(
          manifest + " is missing: the generated RBAC comes from the build (run `./mvnw package`)");
    }
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    admin
        .serviceAccounts()
        .inNamespace(OPERATOR_NAMESPACE)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(OPERATOR_SERVICE_ACCOUNT)
                .endMetadata()
                .build())
        .serverSideApply();
    List<HasMetadata> items;
    try (InputStream in = Files.newInputStream(manifest)) {
      items = admin.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (HasMetadata item : items) {
      if (item instanceof ClusterRole role) {
        admin.resource(role).forceConflicts().serverSideApply();
      } else if (item instanceof ClusterRoleBinding binding) {
        binding.getSubjects().forEach(ClusterSetup::pointAtOperator);
        admin.resource(binding).forceConflicts().serverSideApply();
      } else if (item instanceof RoleBinding binding) {
        // Generated RoleBindings are for the operator's own namespace.
        binding.getMetadata().setNamespace(OPERATOR_NAMESPACE);
        binding.getSubjects().forEach(ClusterSetup::pointAtOperator);
        admin.resource(binding).forceConflicts().serverSideApply();
      }
    }
  }

  private static void pointAtOperator(Subject subject) {
    if ("ServiceAccount".equals(subject.getKind())) {
      subject.setNamespace(OPERATOR_NAMESPACE);
    }
  }
}
