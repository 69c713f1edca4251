package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.ComponentStatus;
import dev.meshoperator.api.v1alpha1.GatewayStatus;
import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.model.IstioCrdInventory;
import dev.meshoperator.model.IstioCrds;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.TestResources;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The status derivation as a pure function: what each path keeps and what it changes. */
class StatusUpdatesTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T11:00:00Z");
  private static final Instant T2 = Instant.parse("2026-01-01T12:00:00Z");

  private static final StatusUpdates.Observed HEALTHY =
      new StatusUpdates.Observed(
          "1.30.3",
          List.of(new ComponentStatus("istiod", "Deployment", 1, 1, true, "pilot:1.30.3")),
          true,
          false,
          "1.30.3",
          Optional.empty(),
          "2027-01-01T00:00:00Z",
          List.of(),
          List.of(gateway("istio-ingressgateway", "203.0.113.7")),
          Optional.empty(),
          Optional.empty());

  private static GatewayStatus gateway(String name, String address) {
    var g = new GatewayStatus();
    g.name = name;
    g.namespace = "istio-system";
    g.type = "ingress";
    g.replicas = 1;
    g.readyReplicas = 1;
    g.ready = true;
    g.serviceType = "LoadBalancer";
    g.addresses = List.of(address);
    g.ports = List.of("status-port:15021", "http2:80", "https:443");
    return g;
  }

  private static MeshControlPlane withStatus(MeshControlPlaneStatus status, long generation) {
    var cr = TestResources.mcp();
    cr.getMetadata().setGeneration(generation);
    cr.setStatus(status);
    return cr;
  }

  private static Map<String, StatusCondition> byType(MeshControlPlaneStatus s) {
    return s.getConditions().stream()
        .collect(Collectors.toMap(StatusCondition::getType, Function.identity()));
  }

  @Test
  void errorThenRecoveryKeepsEveryUnchangedTransitionTime() {
    var healthy = StatusUpdates.reconciled(withStatus(null, 1), T0, HEALTHY);
    var failed = StatusUpdates.failed(withStatus(healthy, 1), T1, "etcd timed out");
    var recovered = StatusUpdates.reconciled(withStatus(failed, 1), T2, HEALTHY);

    var during = byType(failed);
    assertThat(during.get("Reconciled").getStatus()).isEqualTo("False");
    assertThat(during.get("Reconciled").getLastTransitionTime()).isEqualTo(T1.toString());
    // The error path touches nothing else: the running control plane is still ready.
    for (String type : List.of("Ready", "UpgradeInProgress", "InjectionReady")) {
      assertThat(during.get(type)).as(type).isEqualTo(byType(healthy).get(type));
    }
    assertThat(failed.getComponents()).isEqualTo(healthy.getComponents());
    // Gateways (and their addresses) are merged through an error, not dropped.
    assertThat(failed.getGateways()).isEqualTo(healthy.getGateways()).isNotEmpty();
    assertThat(recovered.getGateways()).isEqualTo(healthy.getGateways());
    assertThat(failed.getVersion()).isEqualTo("1.30.3");
    assertThat(failed.getWebhookCertificateExpiry()).isEqualTo("2027-01-01T00:00:00Z");

    var after = byType(recovered);
    assertThat(after.get("Reconciled").getLastTransitionTime()).isEqualTo(T2.toString());
    for (String type : List.of("Ready", "UpgradeInProgress", "InjectionReady")) {
      assertThat(after.get(type).getLastTransitionTime()).as(type).isEqualTo(T0.toString());
    }
    assertThat(recovered.getConditions()).extracting(StatusCondition::getType).hasSize(4);
  }

  @Test
  void aRefusedChangeLeavesTheRunningControlPlaneReady() {
    var healthy = StatusUpdates.reconciled(withStatus(null, 1), T0, HEALTHY);
    var refused =
        StatusUpdates.refused(
            withStatus(healthy, 2), T1, "VersionRefused", "1.99.0 is unsupported");
    var c = byType(refused);
    assertThat(c.get("Reconciled").getStatus()).isEqualTo("False");
    assertThat(c.get("Reconciled").getReason()).isEqualTo("VersionRefused");
    assertThat(c.get("Reconciled").getMessage()).contains("1.99.0 is unsupported");
    assertThat(c.get("Reconciled").getObservedGeneration()).isEqualTo(2L);
    assertThat(c.get("Ready")).isEqualTo(byType(healthy).get("Ready"));
    assertThat(refused.getObservedGeneration()).isEqualTo(2L);
    assertThat(refused.getVersion()).isEqualTo("1.30.3");
  }

  @Test
  void aRefusalOfANeverInstalledControlPlaneSaysItIsNotReady() {
    var refused = StatusUpdates.refused(withStatus(null, 1), T0, "NamespaceRefused", "not there");
    assertThat(byType(refused).get("Ready").getStatus()).isEqualTo("False");
    assertThat(byType(refused).get("Ready").getReason()).isEqualTo("NamespaceRefused");
  }

  @Test
  void sameInputsGiveAnEqualStatusSoNothingIsWritten() {
    var first = StatusUpdates.reconciled(withStatus(null, 1), T0, HEALTHY);
    var again = StatusUpdates.reconciled(withStatus(first, 1), T1, HEALTHY);
    assertThat(again).isEqualTo(first);
    var refused = StatusUpdates.refused(withStatus(first, 1), T1, "X", "y");
    assertThat(StatusUpdates.refused(withStatus(refused, 1), T2, "X", "y")).isEqualTo(refused);
  }

  @Test
  void messagesAreOneBoundedLine() {
    String trace = "boom\n\tat a.b.C(C.java:1)\n".repeat(500);
    var failed = StatusUpdates.failed(withStatus(null, 1), T0, trace);
    String message = byType(failed).get("Reconciled").getMessage();
    assertThat(message).doesNotContain("\n").hasSizeLessThanOrEqualTo(Conditions.MAX_MESSAGE);
  }

  @Test
  void theIstioCrdsConditionSaysWhatWasFoundAndStaysWhenNotLookedAt() {
    var cr = TestResources.mcp();
    var found = new java.util.LinkedHashMap<String, CustomResourceDefinition>();
    for (String name : IstioCrds.names()) {
      found.put(
          name,
          new CustomResourceDefinitionBuilder()
              .withNewMetadata()
              .withName(name)
              .addToLabels(MeshLabels.MANAGED_BY, "Helm")
              .addToLabels(MeshLabels.VERSION, "1.30.3")
              .endMetadata()
              .build());
    }
    var observed =
        new StatusUpdates.Observed(
            HEALTHY.runningVersion(),
            HEALTHY.components(),
            true,
            false,
            HEALTHY.desiredVersion(),
            Optional.empty(),
            HEALTHY.certificateExpiry(),
            List.of(),
            HEALTHY.gateways(),
            Optional.of(IstioCrdInventory.of(found)),
            Optional.empty());
    var status = StatusUpdates.reconciled(cr, T1, observed);
    var c = status.condition(MeshControlPlaneStatus.ISTIO_CRDS).orElseThrow();
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("InstalledExternally");
    assertThat(c.getMessage()).contains("Istio 1.30.3").contains("left as they are");
    cr.setStatus(status);
    // A reconcile whose workflow did not look (none reported) keeps the condition as it was.
    assertThat(
            StatusUpdates.reconciled(cr, T2, HEALTHY)
                .condition(MeshControlPlaneStatus.ISTIO_CRDS)
                .orElseThrow())
        .isEqualTo(c);
    assertThat(StatusUpdates.failed(cr, T2, "boom").condition(MeshControlPlaneStatus.ISTIO_CRDS))
        .contains(c);
  }

  private static StatusUpdates.Observed withHealth(HealthStatus h) {
    return new StatusUpdates.Observed(
        HEALTHY.runningVersion(),
        HEALTHY.components(),
        true,
        false,
        HEALTHY.desiredVersion(),
        Optional.empty(),
        HEALTHY.certificateExpiry(),
        List.of(),
        HEALTHY.gateways(),
        Optional.empty(),
        Optional.ofNullable(h));
  }

  private static HealthStatus health(int without) {
    var h = new HealthStatus();
    h.namespaces = new HealthStatus.Group(1, List.of("shop"));
    h.pods = 3;
    h.upToDate = 3 - without;
    h.withoutSidecar =
        new HealthStatus.Group(without, without == 0 ? List.of() : List.of("shop/old-1"));
    h.otherRevision = new HealthStatus.Group(0, List.of());
    h.olderVersion = new HealthStatus.Group(0, List.of());
    h.optedOut = 0;
    return h;
  }

  @Test
  void theHealthReportIsMergedAndUnchangedReportsWriteNothing() {
    var first = StatusUpdates.reconciled(withStatus(null, 1), T0, withHealth(health(1)));
    assertThat(first.getHealth()).isEqualTo(health(1));
    var c = first.condition(MeshControlPlaneStatus.SIDECARS_UP_TO_DATE).orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("PodsNeedRestart");
    assertThat(c.getMessage())
        .contains("1 namespace enabled for revision")
        .contains("1 without a sidecar (shop/old-1)");
    // The same report later: the status is equal, so patchIfChanged writes nothing.
    assertThat(StatusUpdates.reconciled(withStatus(first, 1), T1, withHealth(health(1))))
        .isEqualTo(first);
    // No report this time (pod cache not synced): the previous report and condition stand.
    var noReport = StatusUpdates.reconciled(withStatus(first, 1), T1, withHealth(null));
    assertThat(noReport).isEqualTo(first);
    // A failure or a refusal carries the report over.
    assertThat(StatusUpdates.failed(withStatus(first, 1), T1, "boom").getHealth())
        .isEqualTo(health(1));
    assertThat(StatusUpdates.refused(withStatus(first, 2), T1, "VersionRefused", "x").getHealth())
        .isEqualTo(health(1));
    // After the restart: True, with a new transition time.
    var restarted = StatusUpdates.reconciled(withStatus(first, 1), T2, withHealth(health(0)));
    var after = restarted.condition(MeshControlPlaneStatus.SIDECARS_UP_TO_DATE).orElseThrow();
    assertThat(after.getStatus()).isEqualTo("True");
    assertThat(after.getReason()).isEqualTo("SidecarsCurrent");
    assertThat(after.getLastTransitionTime()).isEqualTo(T2.toString());
    assertThat(restarted.getHealth().withoutSidecar.examples).isNull();
  }
}
