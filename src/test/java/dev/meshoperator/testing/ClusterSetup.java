package dev.meshoperator.testing;

import dev.meshoperator.model.OperatorRbac;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Installs what a user installs before the operator runs: the generated CRDs from {@code crds/} and
 * the operator's ServiceAccount and RBAC ({@link OperatorRbac}). Idempotent.
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

  /**
   * Creates the operator's namespace, then its ServiceAccount and RBAC exactly as {@link
   * OperatorRbac} builds them (what {@code kustomize/base/rbac.yaml} holds).
   */
  public static void installOperatorRbac(KubernetesClient admin) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    for (HasMetadata item : OperatorRbac.objects(OPERATOR_NAMESPACE)) {
      admin.resource(item).forceConflicts().serverSideApply();
    }
  }
}
