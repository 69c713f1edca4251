package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import java.util.List;

/**
 * One supported Istio release, and what its charts install differently from the others, as data.
 *
 * <p>The models are written once, after the newest supported release; each {@link Change} is a
 * difference of an older release's charts (at their default values) that the models apply when
 * building that release's objects. {@code ChartParityTest} renders every supported release's own
 * charts and checks that, with these changes, the models give what that release installs.
 *
 * @param version {@code major.minor.patch}
 * @param minor {@code major * 1000 + minor}, e.g. 1029 for 1.29.x
 */
public record IstioRelease(String version, int minor) {

  /**
   * A change in Istio's charts between supported releases: what a release from {@link #since} on
   * installs, and older ones do not (or the reverse, as its description says).
   */
  public enum Change {
    /**
     * istiod's chart stops setting {@code GOMEMLIMIT} from the container's memory limit (from 1.29
     * istiod derives it itself); 1.28's sets it.
     */
    ISTIOD_NO_GOMEMLIMIT_ENV(1029),
    /** The {@code istio-reader} ClusterRole also reads ConfigMaps. */
    READER_READS_CONFIGMAPS(1029),
    /**
     * ListenerSet is a standard Gateway API kind ({@code listenersets/status} in {@code
     * gateway.networking.k8s.io}) instead of the experimental {@code xlistenersets/status} in
     * {@code gateway.networking.x-k8s.io}.
     */
    STANDARD_LISTENERSETS(1030),
    /** The {@code TrafficExtension} CRD ({@code extensions.istio.io}) exists. */
    TRAFFIC_EXTENSION_CRD(1030);

    private final int since;

    Change(int since) {
      this.since = since;
    }

    /** The first minor release (as {@code major * 1000 + minor}) with this change. */
    public int since() {
      return since;
    }
  }

  /** The newest supported release: the one the models are written after. */
  public static IstioRelease newest() {
    return of(IstioVersions.DEFAULT);
  }

  /** Every supported release, oldest first. */
  public static List<IstioRelease> supported() {
    return IstioVersions.SUPPORTED.stream().map(IstioRelease::of).toList();
  }

  /**
   * The release of {@code version}. A version that does not parse (the reconciler refuses it before
   * anything is built) is taken as the newest release.
   */
  public static IstioRelease of(String version) {
    int minor =
        IstioVersions.minor(version)
            .orElseGet(() -> IstioVersions.minor(IstioVersions.DEFAULT).get());
    return new IstioRelease(version, minor);
  }

  /** Whether this release's charts have {@code change}. */
  public boolean has(Change change) {
    return minor >= change.since;
  }
}
