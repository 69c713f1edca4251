package dev.meshoperator.reconciler;

import java.time.Duration;
import java.util.Optional;

/**
 * When a reconciled MeshControlPlane is looked at again although no event came: for what the
 * informers do not watch (the mesh CA's schedule, Istio CRDs someone else installed). Pure.
 */
final class Rechecks {

  private Rechecks() {}

  /** The mesh CA is looked at least this often, whatever its own schedule says. */
  static final Duration MAX_CA_CHECK = Duration.ofHours(6);

  /**
   * Istio CRDs installed by someone else are not watched (the CRD informer sees only the
   * operator's): this often they are looked at again, so one removed (say, by {@code helm
   * uninstall}) is recreated by the operator within this time even if nothing else changes.
   */
  static final Duration EXTERNAL_CRDS_CHECK = Duration.ofMinutes(10);

  /**
   * The delay before the next reconcile, if one is needed: the sooner of the mesh CA's next check
   * (at most {@link #MAX_CA_CHECK}) and, when external Istio CRDs exist, {@link
   * #EXTERNAL_CRDS_CHECK}.
   *
   * @param caCheck when the mesh CA wants to be looked at again; empty when the operator runs none
   */
  static Optional<Duration> next(Optional<Duration> caCheck, boolean externalCrds) {
    Optional<Duration> next = caCheck.map(d -> d.compareTo(MAX_CA_CHECK) > 0 ? MAX_CA_CHECK : d);
    if (externalCrds) {
      next =
          Optional.of(
              next.filter(d -> d.compareTo(EXTERNAL_CRDS_CHECK) < 0).orElse(EXTERNAL_CRDS_CHECK));
    }
    return next;
  }
}
