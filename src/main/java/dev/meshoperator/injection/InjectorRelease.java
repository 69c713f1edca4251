package dev.meshoperator.injection;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import java.util.Optional;

/**
 * What one Istio release's injector does differently from the engine's reference (Istio master of
 * 2026-08-22, whose templates the engine was written from). The differences are few and small, so
 * they are flags the templates consult, not copies of the templates; each was found by diffing the
 * release's {@code injection-template.yaml}, {@code gateway-injection-template.yaml} and {@code
 * grpc-*.yaml} and by running the release's own injector corpus.
 *
 * <p>Patch releases of one minor inject the same, so a release is chosen by its minor version.
 *
 * @param name the minor release ({@code 1.28}) or {@code master}
 * @param resourceFieldDivisor the {@code divisor} of the three resource env vars ({@code
 *     ISTIO_CPU_LIMIT}, {@code GOMEMLIMIT}, {@code GOMAXPROCS}): {@code "1"} from 1.29, whose
 *     template writes it; 1.28's template leaves it out and Go's typed serialization then prints
 *     the zero Quantity (a struct, which {@code omitempty} never drops) as {@code "0"}, in
 *     kube-inject's output and the webhook's patch alike
 * @param gomaxprocsEnv the proxy gets {@code GOMAXPROCS} from {@code limits.cpu} (up to 1.30;
 *     master leaves it to Go's own container-aware default)
 * @param otelResourceAttributes the sidecar template may add {@code OTEL_RESOURCE_ATTRIBUTES} for
 *     an OpenTelemetry provider with semantic-convention enrichment (1.30 and later)
 * @param configurableCrlConfigMap the CRL ConfigMap name comes from {@code pilot.crlConfigMapName}
 *     (1.29 and later; 1.28 always mounts {@code istio-ca-crl})
 * @param fipsGodebug the fips-140-3 compliance policy also sets {@code GODEBUG=fips140=only}
 *     (master only)
 * @param separateInitImage the init container's image is resolved from {@code
 *     global.proxy_init.image} (master); up to 1.30 it is the proxy's image
 */
public record InjectorRelease(
    String name,
    String resourceFieldDivisor,
    boolean gomaxprocsEnv,
    boolean otelResourceAttributes,
    boolean configurableCrlConfigMap,
    boolean fipsGodebug,
    boolean separateInitImage) {

  /** The engine's reference: Istio master of 2026-08-22 (after 1.30). */
  public static final InjectorRelease MASTER =
      new InjectorRelease("master", "1", false, true, true, true, true);

  public static final InjectorRelease V1_30 =
      new InjectorRelease("1.30", "1", true, true, true, false, false);

  public static final InjectorRelease V1_29 =
      new InjectorRelease("1.29", "1", true, false, true, false, false);

  public static final InjectorRelease V1_28 =
      new InjectorRelease("1.28", "0", true, false, false, false, false);

  /**
   * The behaviour of {@code version} ({@code major.minor.patch}); empty means {@link #MASTER}.
   *
   * @throws IllegalArgumentException for a version whose injector behaviour is not known here
   */
  public static InjectorRelease of(String version) {
    if (version == null || version.isEmpty()) {
      return MASTER;
    }
    // Asked on every use of a setting that depends on it: the last answer is kept.
    Known known = last;
    if (known != null && known.version().equals(version)) {
      return known.release();
    }
    InjectorRelease release = resolve(version);
    last = new Known(version, release);
    return release;
  }

  private record Known(String version, InjectorRelease release) {}

  private static volatile Known last;

  private static InjectorRelease resolve(String version) {
    return find(version)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no injector behaviour known for Istio "
                        + version
                        + "; known: 1.28, 1.29, 1.30 (supported releases: "
                        + String.join(", ", IstioVersions.SUPPORTED)
                        + ")"));
  }

  /** The release of {@code version}, if its minor is one this engine reproduces. */
  public static Optional<InjectorRelease> find(String version) {
    Optional<Integer> minor = IstioVersions.minor(version);
    if (minor.isEmpty() || !version.startsWith("1.")) {
      return Optional.empty();
    }
    return switch (minor.get()) {
      case 1028 -> Optional.of(V1_28);
      case 1029 -> Optional.of(V1_29);
      case 1030 -> Optional.of(V1_30);
      default -> Optional.empty();
    };
  }
}
