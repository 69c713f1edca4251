package dev.meshoperator.testing;

import dev.meshoperator.model.OperatorRbac;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Installs what a user installs before the operator runs: the generated CRDs from {@code crds/} and
 * the operator's ServiceAccount and RBAC from the kustomize base. Idempotent.
 */
public final class ClusterSetup {

  public static final String OPERATOR_NAMESPACE = OperatorRbac.DEFAULT_NAMESPACE;
  public static final String OPERATOR_SERVICE_ACCOUNT = OperatorRbac.NAME;

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

  /** The kinds from the kustomize base that make up the operator's identity and RBAC. */
  static final Set<String> RBAC_KINDS =
      Set.of(
          "Namespace",
          "ServiceAccount",
          "ClusterRole",
          "ClusterRoleBinding",
          "Role",
          "RoleBinding");

  /**
   * Installs the operator's Namespace, ServiceAccount and RBAC from the shipped kustomize base, as
   * {@code kubectl kustomize kustomize/base} renders it: the tests' operator runs with exactly what
   * users install, not with a copy of it.
   */
  public static void installOperatorRbac(KubernetesClient admin) {
    for (HasMetadata item : kustomizeBase(admin)) {
      if (RBAC_KINDS.contains(item.getKind())) {
        admin.resource(item).forceConflicts().serverSideApply();
      }
    }
  }

  /** {@code kubectl kustomize kustomize/base}, parsed. */
  public static List<HasMetadata> kustomizeBase(KubernetesClient admin) {
    return admin.load(new ByteArrayInputStream(Kustomize.render("base"))).items();
  }
}
