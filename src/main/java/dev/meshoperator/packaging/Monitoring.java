package dev.meshoperator.packaging;

import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.List;
import java.util.Map;

/** The Prometheus Operator ServiceMonitor for the operator's metrics (optional component). */
final class Monitoring {

  private Monitoring() {}

  static GenericKubernetesResource serviceMonitor(String namespace) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("monitoring.coreos.com/v1")
        .withKind("ServiceMonitor")
        .withNewMetadata()
        .withName(OperatorInstall.NAME)
        .withNamespace(namespace)
        .withLabels(Map.of(MeshLabels.PART_OF, OperatorInstall.NAME))
        .endMetadata()
        .addToAdditionalProperties(
            "spec",
            CertManagerOverlay.ordered(
                "selector",
                Map.of("matchLabels", Map.of("meshoperator.dev/metrics", "true")),
                "endpoints",
                List.of(
                    CertManagerOverlay.ordered(
                        "port", OperatorInstall.MANAGEMENT_PORT_NAME,
                        "path", "/q/metrics",
                        "interval", "30s"))))
        .build();
  }
}
