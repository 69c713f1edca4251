package dev.meshoperator.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReducedStoreTest {

  static final String NODE =
      """
      apiVersion: v1
      kind: Node
      metadata:
        name: worker-1
        uid: 0f4c
        resourceVersion: "812"
        labels: {kubernetes.io/hostname: worker-1, node-role.kubernetes.io/worker: ""}
        annotations: {node.alpha.kubernetes.io/ttl: "0"}
        managedFields:
          - {manager: kubelet, operation: Update, apiVersion: v1, fieldsType: FieldsV1,
             fieldsV1: {"f:status": {"f:images": {}}}}
      spec: {podCIDR: 10.244.1.0/24, taints: [{key: dedicated, value: mesh, effect: NoSchedule}]}
      status:
        nodeInfo: {kubeletVersion: v1.34.2, containerRuntimeVersion: "containerd://2.1.0"}
        images:
          - {names: ["docker.io/istio/proxyv2@sha256:aa", "docker.io/istio/proxyv2:1.30.3"],
             sizeBytes: 90000000}
        conditions: [{type: Ready, status: "True"}]
        addresses: [{type: InternalIP, address: 10.0.0.7}]
      """;

  @Test
  void aNodeKeepsItsIdentityAndKubeletVersionOnly() {
    Node reduced = ReducedStore.node(Serialization.unmarshal(NODE, Node.class));
    assertEquals("worker-1", reduced.getMetadata().getName());
    assertEquals("812", reduced.getMetadata().getResourceVersion());
    assertEquals("v1.34.2", reduced.getStatus().getNodeInfo().getKubeletVersion());
    assertTrue(reduced.getStatus().getImages().isEmpty());
    assertTrue(reduced.getMetadata().getManagedFields().isEmpty());
    assertNull(reduced.getSpec());
    // What the webhook derives from nodes is the same from the reduced ones.
    assertEquals(
        MeshRegistry.NodeFacts.of(List.of(Serialization.unmarshal(NODE, Node.class))),
        MeshRegistry.NodeFacts.of(List.of(reduced)));
  }

  @Test
  void aNodeWithoutStatusStaysWithoutKubeletVersion() {
    Node bare = Serialization.unmarshal("{\"metadata\":{\"name\":\"n\"}}", Node.class);
    Node reduced = ReducedStore.node(bare);
    assertNull(reduced.getStatus());
    assertEquals(
        MeshRegistry.NodeFacts.of(List.of(bare)), MeshRegistry.NodeFacts.of(List.of(reduced)));
  }

  @Test
  void aNamespaceKeepsItsNameAndLabels() {
    Namespace ns =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("shop")
            .withResourceVersion("5")
            .addToLabels("istio-injection", "enabled")
            .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{...}")
            .addNewManagedField()
            .withManager("kubectl")
            .endManagedField()
            .endMetadata()
            .withNewStatus()
            .withPhase("Active")
            .endStatus()
            .build();
    Namespace reduced = ReducedStore.namespace(ns);
    assertEquals("shop", reduced.getMetadata().getName());
    assertEquals("5", reduced.getMetadata().getResourceVersion());
    assertEquals(Map.of("istio-injection", "enabled"), reduced.getMetadata().getLabels());
    assertTrue(reduced.getMetadata().getAnnotations().isEmpty());
    assertTrue(reduced.getMetadata().getManagedFields().isEmpty());
    assertNull(reduced.getStatus());
  }

  @Test
  void theStoreHoldsReducedObjectsUnderTheInformersKey() {
    ReducedStore<Node> store = new ReducedStore<>(ReducedStore::node);
    Node node = Serialization.unmarshal(NODE, Node.class);
    String key = store.getKey(node);
    assertEquals("worker-1", key);
    store.put(key, node);
    assertEquals("v1.34.2", store.get(key).getStatus().getNodeInfo().getKubeletVersion());
    assertTrue(store.get(key).getStatus().getImages().isEmpty());
    assertEquals(1, store.size());
    assertTrue(!store.isFullState());
    store.remove(key);
    assertEquals(0, store.size());
  }
}
