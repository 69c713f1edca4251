package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.Objects;

/** Workflow conditions; each derives from the CR alone or from a secondary in the cache. */
public final class Conditions {

  private Conditions() {}

  /** istiod runs unless the profile (empty) or the spec turns it off. */
  public static class IstiodEnabled implements Condition<Object, MeshControlPlane> {
    @Override
    public boolean isMet(
        DependentResource<Object, MeshControlPlane> dr,
        MeshControlPlane primary,
        Context<MeshControlPlane> context) {
      return ControlPlane.of(primary).istiodEnabled();
    }
  }

  /** istiod has a HorizontalPodAutoscaler. */
  public static class IstiodAutoscaled implements Condition<Object, MeshControlPlane> {
    @Override
    public boolean isMet(
        DependentResource<Object, MeshControlPlane> dr,
        MeshControlPlane primary,
        Context<MeshControlPlane> context) {
      return IstiodModel.autoscaled(ControlPlane.of(primary));
    }
  }

  /** istiod runs more than one replica and wants a PodDisruptionBudget. */
  public static class IstiodDisruptionBudgeted implements Condition<Object, MeshControlPlane> {
    @Override
    public boolean isMet(
        DependentResource<Object, MeshControlPlane> dr,
        MeshControlPlane primary,
        Context<MeshControlPlane> context) {
      return IstiodModel.disruptionBudgeted(ControlPlane.of(primary));
    }
  }

  /** A Deployment has rolled out its current spec and all its replicas are ready. */
  public static class DeploymentReady implements Condition<Deployment, MeshControlPlane> {
    @Override
    public boolean isMet(
        DependentResource<Deployment, MeshControlPlane> dr,
        MeshControlPlane primary,
        Context<MeshControlPlane> context) {
      return dr.getSecondaryResource(primary, context).map(Conditions::rolledOut).orElse(false);
    }
  }

  /** True when the Deployment's controller has seen the current spec and every replica is ready. */
  public static boolean rolledOut(Deployment d) {
    var status = d.getStatus();
    if (status == null) {
      return false;
    }
    int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    return Objects.equals(status.getObservedGeneration(), d.getMetadata().getGeneration())
        && orZero(status.getUpdatedReplicas()) >= wanted
        && orZero(status.getReadyReplicas()) >= wanted
        && orZero(status.getReplicas()) == orZero(status.getUpdatedReplicas());
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
