package dev.meshoperator.webhook;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** An {@link AdmissionHandler} over fixed objects, for code outside this package (benchmarks). */
public final class FixedHandler {

  private FixedHandler() {}

  public static AdmissionHandler of(
      List<MeshControlPlane> controlPlanes,
      List<Namespace> namespaces,
      List<Node> nodes,
      MeterRegistry meters) {
    return new AdmissionHandler(MeshRegistry.fixed(controlPlanes, namespaces, nodes), meters);
  }
}
