package dev.meshoperator.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** The one simulated node of {@link LocalControlPlane}, which kwok manages. */
final class KwokNode {

  private KwokNode() {}

  /** Node {@code name}, reporting kubelet {@code v<version>}, with room for 500 pods. */
  static Node of(String name, String version) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(
            Map.of(
                "kubernetes.io/hostname", name,
                "kubernetes.io/os", "linux",
                "kubernetes.io/arch", "amd64",
                "type", "kwok"))
        .withAnnotations(Map.of("kwok.x-k8s.io/node", "fake"))
        .endMetadata()
        .withNewStatus()
        .withNewNodeInfo()
        .withKubeletVersion("v" + version)
        .withArchitecture("amd64")
        .withOperatingSystem("linux")
        .endNodeInfo()
        .withAllocatable(
            Map.of(
                "cpu", new Quantity("32"),
                "memory", new Quantity("256Gi"),
                "pods", new Quantity("500")))
        .withCapacity(
            Map.of(
                "cpu", new Quantity("32"),
                "memory", new Quantity("256Gi"),
                "pods", new Quantity("500")))
        .endStatus()
        .build();
  }
}
