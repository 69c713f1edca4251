package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.AddonStatus;
import dev.meshoperator.model.AddonSettings;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.MeshNames;
import dev.meshoperator.model.addons.Addons;
import dev.meshoperator.reconciler.dependent.Conditions;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The status of each enabled addon, from its Deployment as the informers see it. Pure. */
final class AddonStatuses {

  private AddonStatuses() {}

  /**
   * One entry per enabled addon, in a fixed order: ready when its Deployment has rolled out, with
   * its in-cluster URL. {@code deployments} looks a Deployment up by name in the control plane's
   * namespace.
   */
  static List<AddonStatus> of(ControlPlane cp, Function<String, Optional<Deployment>> deployments) {
    List<AddonStatus> out = new ArrayList<>();
    for (AddonSettings.Name addon : AddonSettings.Name.values()) {
      if (!cp.addons().enabled(addon)) {
        continue;
      }
      Optional<Deployment> d = deployments.apply(MeshNames.addon(cp, addon));
      int ready =
          d.map(Deployment::getStatus)
              .map(s -> s.getReadyReplicas() == null ? 0 : s.getReadyReplicas())
              .orElse(0);
      String image =
          d.map(x -> x.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
              .orElse(null);
      out.add(
          new AddonStatus(
              addon.id(),
              d.map(Conditions::rolledOut).orElse(false),
              ready,
              image,
              Addons.url(cp, addon)));
    }
    return out;
  }
}
