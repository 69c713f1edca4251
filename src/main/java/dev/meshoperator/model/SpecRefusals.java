package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import java.util.Optional;

/**
 * Whether a MeshControlPlane's spec must not be applied, and why: checked before anything is
 * touched, so a refused spec changes nothing in the cluster. Pure: the spec, the version running
 * now and the operator's namespace decide.
 */
public final class SpecRefusals {

  private SpecRefusals() {}

  /** Why the spec must not be applied: the condition's reason and its message. */
  public record Refusal(String reason, String message) {}

  /**
   * The first refusal, in this order: a spec the API types could not read, the operator's own
   * namespace as the control plane's, an invalid gateway quantity, a gateway in a namespace the
   * webhook never sees, an invalid meshConfig, then an unsupported version or a downgrade by more
   * than one minor from {@code running} (null when nothing runs yet).
   */
  public static Optional<Refusal> of(
      MeshControlPlane cr, ControlPlane cp, String running, String operatorNamespace) {
    if (cr.getSpec() != null && cr.getSpec().invalid() != null) {
      return Optional.of(new Refusal("InvalidSpec", cr.getSpec().invalid()));
    }
    if (cp.namespace().equals(operatorNamespace)) {
      return Optional.of(
          new Refusal(
              "NamespaceRefused",
              "spec.namespace "
                  + cp.namespace()
                  + " is the operator's own namespace: istiod there could read and write the"
                  + " webhook's TLS and the mesh root CA Secrets; choose another namespace"));
    }
    Optional<String> quantities =
        Gateways.problem(cr.getSpec() == null ? null : cr.getSpec().gateways);
    if (quantities.isPresent()) {
      return Optional.of(new Refusal("InvalidSpec", quantities.get()));
    }
    Optional<String> gateway = Gateways.namespaceProblem(Gateways.of(cr), operatorNamespace);
    if (gateway.isPresent()) {
      return Optional.of(new Refusal("NamespaceRefused", gateway.get()));
    }
    Optional<String> mesh =
        MeshConfigValidation.problem(cr.getSpec() == null ? null : cr.getSpec().meshConfig);
    if (mesh.isPresent()) {
      return Optional.of(new Refusal("InvalidMeshConfig", mesh.get()));
    }
    return IstioVersions.refusal(running, cp.version()).map(m -> new Refusal("VersionRefused", m));
  }
}
