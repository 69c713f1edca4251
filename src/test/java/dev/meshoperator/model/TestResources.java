package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.function.Consumer;

/** Builds MeshControlPlanes for model tests. */
public final class TestResources {

  private TestResources() {}

  /**
   * A cluster-scoped MeshControlPlane named {@code revision} (the revision; {@code default} for the
   * default one) whose control plane runs in {@code namespace}.
   */
  public static MeshControlPlane mcp(
      String namespace, String revision, Consumer<MeshControlPlaneSpec> spec) {
    var cr = new MeshControlPlane();
    cr.setMetadata(
        new ObjectMetaBuilder()
            .withName(revision)
            .withGeneration(1L)
            .withUid("00000000-0000-0000-0000-000000000001")
            .build());
    cr.setSpec(new MeshControlPlaneSpec());
    cr.getSpec().setNamespace(namespace);
    spec.accept(cr.getSpec());
    return cr;
  }

  public static MeshControlPlane mcp() {
    return mcp("istio-system", "default", s -> {});
  }
}
