package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import dev.meshoperator.api.v1alpha1.ProxySpec;
import dev.meshoperator.injection.InjectionCorpusConformanceTest.Case;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.InjectionSettingsModel;
import dev.meshoperator.model.TestResources;
import dev.meshoperator.testing.ProjectDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Injector conformance per supported Istio release: each release's own corpus ({@code
 * ../shared/istio-releases/<v>/inject-corpus}) through both paths (kube-inject and the webhook's
 * JSON patch) and idempotency, with settings derived the production way: {@link
 * InjectionSettingsModel} from a MeshControlPlane of that version in {@code istio-system} with the
 * goldens' hub and tag. A case whose settings the MeshControlPlane can express is configured
 * through it ({@link #THROUGH_THE_CR}); a case needing an engine setting the CR does not offer gets
 * it on top of the production settings and is named in the summary. The count includes every case.
 */
class ReleaseCorpusConformanceTest {

  static final Path RELEASES = ProjectDir.get().resolve("../shared/istio-releases").normalize();

  /** The hub the release's goldens were made with (see the releases' README). */
  static String goldenHub(String version) {
    return version.startsWith("1.28.") || version.startsWith("1.29.")
        ? "gcr.io/istio-testing"
        : "registry.istio.io/testing";
  }

  /** Per release: case id to result ({@code ok}, {@code failed}, {@code excluded: why}). */
  private static final Map<String, Map<String, String>> RESULTS = new TreeMap<>();

  /** Per release: cases that needed an engine setting the MeshControlPlane does not offer. */
  private static final Map<String, Set<String>> ENGINE_SETTINGS = new TreeMap<>();

  /** Per release: table cases whose files that release's corpus does not have. */
  private static final Map<String, Set<String>> ABSENT = new TreeMap<>();

  /**
   * The corpus cases whose settings are MeshControlPlane fields: the spec change replaces the
   * case's engine settings and overlay. Checked: the settings derived from the changed CR must make
   * the case pass, which only they can.
   */
  static final Map<String, Consumer<MeshControlPlaneSpec>> THROUGH_THE_CR = throughTheCr();

  private static Map<String, Consumer<MeshControlPlaneSpec>> throughTheCr() {
    Map<String, Consumer<MeshControlPlaneSpec>> m = new LinkedHashMap<>();
    Consumer<MeshControlPlaneSpec> tproxy = s -> defaultConfig(s).put("interceptionMode", "TPROXY");
    m.put("hello-tproxy.yaml.injected", tproxy);
    m.put("proxy-override-runas.yaml.tproxy.injected", tproxy);
    m.put(
        "hello-always.yaml.injected",
        s -> proxy(s).imagePullPolicy = ProxySpec.ImagePullPolicy.Always);
    m.put(
        "hello-never.yaml.injected",
        s -> proxy(s).imagePullPolicy = ProxySpec.ImagePullPolicy.Never);
    Consumer<MeshControlPlaneSpec> off =
        s -> proxy(s).nativeSidecars = ProxySpec.NativeSidecars.OFF;
    for (String name :
        List.of("hello", "pod", "job", "daemonset", "replicaset", "native-sidecar")) {
      m.put(name + "-old-version.yaml.injected", off);
    }
    m.put("native-sidecar-opt-in.yaml.injected [native sidecars off]", off);
    m.put("format-duration.yaml.injected", s -> defaultConfig(s).put("drainDuration", "23s"));
    Consumer<MeshControlPlaneSpec> hold = s -> proxy(s).holdApplicationUntilProxyStarts = true;
    for (String golden :
        List.of(
            "hello.proxyHoldsApplication.yaml.injected",
            "hello-probes.proxyHoldsApplication.yaml.injected",
            "hello-probes-noProxyHoldApplication-ProxyConfig.yaml.injected",
            "merge-probers.yaml.injected")) {
      m.put(golden, hold);
    }
    m.put(
        "traffic-annotations.yaml.injected",
        s ->
            defaultConfig(s)
                .put(
                    "proxyMetadata",
                    Map.of(
                        "ISTIO_META_TLS_CLIENT_KEY", "/etc/identity/client/keys/client-key.pem")));
    m.put("hello-tracing-disabled.yaml.injected", s -> defaultConfig(s).put("tracing", Map.of()));
    Consumer<MeshControlPlaneSpec> secrets = s -> s.imagePullSecrets = List.of("barSecret");
    m.put("hello-image-secrets-in-values.yaml.injected", secrets);
    m.put("hello-multiple-image-secrets.yaml.injected", secrets);
    for (String name :
        List.of(
            "proxy-resources-null",
            "proxy-resources-zero",
            "proxy-resources-memory-null",
            "proxy-resources-mixed-null")) {
      m.put(name + ".yaml.injected", resourcesFrom(name + ".iop.yaml"));
    }
    m.put(
        "proxy-resources-null-no-init.yaml.injected",
        resourcesFrom("proxy-resources-null.iop.yaml"));
    m.put(
        "hello-otel-semconv.yaml.injected",
        s ->
            meshConfig(s)
                .put(
                    "extensionProviders",
                    List.of(
                        Map.of(
                            "name",
                            "otel",
                            "opentelemetry",
                            Map.of(
                                "service",
                                "otel-collector.observability.svc.cluster.local",
                                "port",
                                4317,
                                "serviceAttributeEnrichment",
                                "OTEL_SEMANTIC_CONVENTIONS")))));
    return m;
  }

  /** {@code traffic-params}: the CR has the ranges and ports, not statusPort 0. */
  private static final String TRAFFIC_PARAMS = "traffic-params.yaml.injected";

  private static Consumer<MeshControlPlaneSpec> resourcesFrom(String iop) {
    return s -> proxy(s).resources = CorpusSettings.overlayResources(currentCorpus.resolve(iop));
  }

  /** The corpus whose overlays {@link #resourcesFrom} reads (tests of one release run in turn). */
  private static Path currentCorpus;

  private static ProxySpec proxy(MeshControlPlaneSpec s) {
    if (s.proxy == null) {
      s.proxy = new ProxySpec();
    }
    return s.proxy;
  }

  private static Map<String, Object> meshConfig(MeshControlPlaneSpec s) {
    if (s.meshConfig == null) {
      s.meshConfig = new LinkedHashMap<>();
    }
    return s.meshConfig;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> defaultConfig(MeshControlPlaneSpec s) {
    return (Map<String, Object>)
        meshConfig(s).computeIfAbsent("defaultConfig", k -> new LinkedHashMap<String, Object>());
  }

  /** The production settings for a MeshControlPlane of {@code version} changed by {@code spec}. */
  static InjectionSettings production(String version, Consumer<MeshControlPlaneSpec> spec) {
    var cr =
        TestResources.mcp(
            "istio-system",
            "default",
            s -> {
              s.setVersion(version);
              s.setHub(goldenHub(version));
              s.setTag("latest");
              spec.accept(s);
            });
    // The corpus' nodes run kubelet 1.33/1.34: native sidecars on unless the CR says otherwise.
    return InjectionSettingsModel.settings(ControlPlane.of(cr), true);
  }

  @TestFactory
  Stream<DynamicNode> releases() {
    assumeTrue(Files.isDirectory(RELEASES), "Istio release data not found at " + RELEASES);
    return IstioVersions.SUPPORTED.stream().map(this::release);
  }

  private DynamicNode release(String version) {
    Path corpus = RELEASES.resolve(version).resolve("inject-corpus");
    Map<String, String> results = RESULTS.computeIfAbsent(version, v -> new TreeMap<>());
    if (!Files.isDirectory(corpus)) {
      return DynamicTest.dynamicTest(
          version,
          () -> {
            results.put("(corpus)", "failed");
            throw new AssertionError(
                "supported release " + version + " has no corpus at " + corpus);
          });
    }
    Set<String> absent = ABSENT.computeIfAbsent(version, v -> new TreeSet<>());
    Set<String> engine = ENGINE_SETTINGS.computeIfAbsent(version, v -> new TreeSet<>());
    List<Case> cases;
    try {
      cases = InjectionCorpusConformanceTest.cases(corpus, absent);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases) {
      tests.add(
          DynamicTest.dynamicTest(
              c.id(),
              () -> {
                results.put(c.id(), "failed");
                currentCorpus = corpus;
                var excluded = InjectionCorpusConformanceTest.EXCLUDED.get(c.id());
                InjectionSettings settings = settings(version, corpus, c, engine);
                try {
                  CorpusRunner.run(corpus, c, settings, excluded == null);
                } catch (AssertionError e) {
                  throw new AssertionError(version + " " + c.id() + ": " + e.getMessage(), e);
                }
                results.put(
                    c.id(),
                    excluded == null
                        ? "ok"
                        : "ok (idempotency not checked: " + excluded.reason() + ")");
              }));
    }
    return DynamicContainer.dynamicContainer(version, tests);
  }

  /**
   * The case's settings: through the CR where it can express them, else the case's engine settings
   * on top of the production ones (recorded in {@code engine} when they change anything).
   */
  private static InjectionSettings settings(String version, Path corpus, Case c, Set<String> engine)
      throws IOException {
    InjectionSettings base = production(version, s -> {});
    if (c.id().equals(TRAFFIC_PARAMS)) {
      engine.add(c.id() + " (statusPort 0)");
      return production(
              version,
              s -> {
                proxy(s).includeIPRanges = "127.0.0.1/24,10.96.0.1/24";
                proxy(s).excludeIPRanges = "10.96.0.2/24,10.96.0.3/24";
                proxy(s).excludeInboundPorts = "4,5,6";
              })
          .toBuilder()
          .statusPort(0)
          .build();
    }
    Consumer<MeshControlPlaneSpec> cr = THROUGH_THE_CR.get(c.id());
    if (cr != null) {
      InjectionSettings viaCr = production(version, cr);
      assertThat(viaCr).as("the CR change alters the settings").isNotEqualTo(base);
      return viaCr;
    }
    InjectionSettings s = c.build(corpus, base.toBuilder());
    if (!s.equals(base)) {
      engine.add(c.id());
    }
    return s;
  }

  @AfterAll
  static void summary() {
    RESULTS.forEach(
        (version, results) -> {
          long ok = results.values().stream().filter(r -> r.startsWith("ok")).count();
          List<String> failing =
              results.entrySet().stream()
                  .filter(e -> e.getValue().equals("failed"))
                  .map(Map.Entry::getKey)
                  .toList();
          List<String> partial =
              results.entrySet().stream()
                  .filter(e -> e.getValue().startsWith("ok ("))
                  .map(e -> e.getKey() + " " + e.getValue().substring(3))
                  .toList();
          System.out.println(
              "release corpus "
                  + version
                  + ": "
                  + ok
                  + "/"
                  + results.size()
                  + " cases match (production settings path: InjectionSettingsModel from a"
                  + " MeshControlPlane "
                  + version
                  + ", hub "
                  + goldenHub(version)
                  + ", tag latest, istio-system)"
                  + (partial.isEmpty() ? "" : "; " + String.join("; ", partial))
                  + "; with an engine setting the CR does not offer: "
                  + ENGINE_SETTINGS.getOrDefault(version, Set.of())
                  + "; table cases not in this release's corpus: "
                  + ABSENT.getOrDefault(version, Set.of())
                  + (failing.isEmpty() ? "" : "; FAILING: " + String.join(", ", failing)));
        });
  }
}
