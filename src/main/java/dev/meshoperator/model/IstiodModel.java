package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/** Desired state of istiod's objects: pure functions of the CR, no client, no clock. */
public final class IstiodModel {

  static final String COMPONENT = "istiod";

  private IstiodModel() {}

  /** The ServiceAccount istiod runs as, in the CR's namespace. */
  public static ServiceAccount serviceAccount(MeshControlPlane cr) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(MeshNames.istiodServiceAccount(cr))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(MeshLabels.of(cr, COMPONENT))
        .endMetadata()
        .build();
  }
}
