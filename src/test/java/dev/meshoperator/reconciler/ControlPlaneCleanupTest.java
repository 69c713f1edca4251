package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import dev.meshoperator.model.TestResources;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What one control plane's deletion shares with the others (the pure part of the cleanup). */
class ControlPlaneCleanupTest {

  private static int uids;

  private static MeshControlPlane mcp(
      String namespace, String revision, boolean deleting, Consumer<MeshControlPlaneSpec> spec) {
    var cr = TestResources.mcp(namespace, revision, spec);
    cr.getMetadata().setUid("uid-" + (++uids));
    if (deleting) {
      cr.getMetadata().setDeletionTimestamp("2026-01-01T10:00:00Z");
    }
    return cr;
  }

  private static void operatorCa(MeshControlPlaneSpec s) {
    s.certificateAuthority = MeshControlPlaneSpec.CertificateAuthority.OPERATOR;
  }

  @Test
  void theOnlyControlPlaneIsTheLastAndSharesNothing() {
    var cr = mcp("istio-system", "default", true, ControlPlaneCleanupTest::operatorCa);
    assertThat(ControlPlaneCleanup.Plan.of(cr, List.of(cr)))
        .isEqualTo(new ControlPlaneCleanup.Plan(true, false, List.of()));
    // The cache may already have dropped it.
    assertThat(ControlPlaneCleanup.Plan.of(cr, List.of()))
        .isEqualTo(new ControlPlaneCleanup.Plan(true, false, List.of()));
  }

  @Test
  void othersBeingDeletedTooLeaveItTheLastButStillShareTheCa() {
    var cr = mcp("istio-system", "default", true, ControlPlaneCleanupTest::operatorCa);
    var canary = mcp("istio-system", "canary", true, ControlPlaneCleanupTest::operatorCa);
    assertThat(ControlPlaneCleanup.Plan.of(cr, List.of(cr, canary)))
        .isEqualTo(new ControlPlaneCleanup.Plan(true, true, List.of()));
  }

  @Test
  void aRemainingControlPlaneKeepsTheClassesAndTheCrds() {
    var cr = mcp("istio-system", "default", true, s -> {});
    var other = mcp("mesh-b", "b", false, s -> {});
    assertThat(ControlPlaneCleanup.Plan.of(cr, List.of(cr, other)))
        .isEqualTo(new ControlPlaneCleanup.Plan(false, false, List.of("b")));
  }

  @Test
  void theCaIsSharedOnlyWithinOneMeshNamespaceAndOnlyWhenBothUseIt() {
    var cr = mcp("istio-system", "default", true, ControlPlaneCleanupTest::operatorCa);
    var elsewhere = mcp("mesh-b", "b", false, ControlPlaneCleanupTest::operatorCa);
    var ownCa = mcp("istio-system", "canary", false, s -> {});
    assertThat(ControlPlaneCleanup.Plan.of(cr, List.of(cr, elsewhere, ownCa)).caShared()).isFalse();
    var sameMesh = mcp("istio-system", "canary2", false, ControlPlaneCleanupTest::operatorCa);
    assertThat(ControlPlaneCleanup.Plan.of(cr, List.of(cr, sameMesh)).caShared()).isTrue();
    // A control plane not using the operator's CA shares none, whoever else does.
    var noCa = mcp("istio-system", "plain", true, s -> {});
    assertThat(ControlPlaneCleanup.Plan.of(noCa, List.of(noCa, sameMesh)).caShared()).isFalse();
  }
}
