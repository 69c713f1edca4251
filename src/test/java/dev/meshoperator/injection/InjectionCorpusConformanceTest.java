package dev.meshoperator.injection;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.testing.ProjectDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance with Istio's own injector test corpus ({@code ../shared/istio-inject-corpus}, see its
 * README for the settings behind each golden). Skipped when the corpus is absent.
 *
 * <p>Every case runs both of Istio's paths: kube-inject over the whole manifest, and the webhook
 * path (each pod template as a Pod, injected, turned into a JSON patch, the patch applied to the
 * input), plus idempotency (injecting the result again changes nothing). Objects are compared as
 * Jackson trees after {@link TreeNormalizer} (which documents the few normalizations).
 */
class InjectionCorpusConformanceTest {

  static final Path CORPUS =
      ProjectDir.get().resolve("../shared/istio-inject-corpus").normalize().resolve("cases");

  /** A check of a corpus case that is left out. */
  enum Check {
    ALL,
    IDEMPOTENCY
  }

  /** An excluded case or check, with the reason. */
  record Exclusion(Check check, String reason) {}

  /** The one place listing corpus cases (or checks of them) not supported, with the reason. */
  static final Map<String, Exclusion> EXCLUDED =
      Map.of(
          "merge-probers.yaml.injected",
          new Exclusion(
              Check.IDEMPOTENCY,
              "the input was injected by an older Istio (proxy as a regular container); Istio"
                  + " treats that container once as a user override and keeps its stale args and"
                  + " env, and its own re-injection of the golden re-renders them - the golden"
                  + " is not a fixed point, so matching it excludes idempotency"));

  private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();

  /** One golden (or expected refusal) with the settings it was produced with. */
  record Case(
      String id,
      String input,
      String golden,
      UnaryOperator<InjectionSettings.Builder> settings,
      String overlay,
      boolean kubeInject,
      boolean webhook,
      String expectedError,
      String expectedWarning) {

    Case settings(UnaryOperator<InjectionSettings.Builder> s) {
      return new Case(
          id, input, golden, s, overlay, kubeInject, webhook, expectedError, expectedWarning);
    }

    Case overlay(String iop) {
      return new Case(
          id, input, golden, settings, iop, kubeInject, webhook, expectedError, expectedWarning);
    }

    Case webhookOnly() {
      return new Case(
          id, input, golden, settings, overlay, false, true, expectedError, expectedWarning);
    }

    Case kubeInjectOnly() {
      return new Case(
          id, input, golden, settings, overlay, true, false, expectedError, expectedWarning);
    }

    Case warning(String w) {
      return new Case(id, input, golden, settings, overlay, kubeInject, webhook, expectedError, w);
    }

    InjectionSettings build(Path corpus) throws IOException {
      return build(corpus, InjectionSettings.builder());
    }

    /** These settings on top of {@code base}: the case's overlay, then its setting changes. */
    InjectionSettings build(Path corpus, InjectionSettings.Builder base) throws IOException {
      if (overlay != null) {
        CorpusSettings.applyOverlay(base, corpus.resolve(overlay));
      }
      return settings.apply(base).build();
    }
  }

  static Case golden(String golden, String input) {
    return new Case(golden, input, golden, b -> b, null, true, true, null, null);
  }

  static Case error(String input, String expected) {
    return new Case(input, input, null, b -> b, null, true, false, expected, null);
  }

  static ObjectNode meshConfig(String yaml) {
    try {
      return (ObjectNode) new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The README's variant table; every other X.yaml pairs with X.yaml.injected on defaults. */
  static List<Case> cases() throws IOException {
    return cases(CORPUS, ABSENT);
  }

  /**
   * The table and every other input of {@code corpus}; table cases whose files the corpus lacks go
   * to {@code absent}.
   */
  static List<Case> cases(Path corpus, Set<String> absent) throws IOException {
    UnaryOperator<InjectionSettings.Builder> statusParams =
        b ->
            b.statusPort(123)
                .readinessInitialDelaySeconds(100)
                .readinessPeriodSeconds(200)
                .readinessFailureThreshold(300);
    UnaryOperator<InjectionSettings.Builder> oldVersion = b -> b.nativeSidecars(false);
    UnaryOperator<InjectionSettings.Builder> hold = b -> b.holdApplicationUntilProxyStarts(true);
    UnaryOperator<InjectionSettings.Builder> multus = b -> b.cniEnabled(true).cniProvider("multus");
    UnaryOperator<InjectionSettings.Builder> openShift =
        b -> {
          // The README's namespace test-ns carries these OpenShift annotations.
          OpenShiftIds ids =
              OpenShiftIds.fromNamespaceAnnotations(
                  Map.of(
                      OpenShiftIds.UID_RANGE, "1000620000/10000",
                      OpenShiftIds.SUPPLEMENTAL_GROUPS, "1000620000/10000"));
          return b.openShift(true).cniEnabled(true).proxyUid(ids.uid()).proxyGid(ids.gid());
        };
    List<Case> table = new ArrayList<>();
    table.add(
        golden("hello.yaml.cni.injected", "hello.yaml")
            .settings(b -> b.cniEnabled(true).network("network1")));
    table.add(
        golden("hello.yaml.proxyImageName.injected", "hello.yaml")
            .settings(b -> b.proxyImageName("proxyTest")));
    table.add(
        golden("hello.yaml.proxyInitImageName.injected", "hello.yaml")
            .settings(b -> b.proxyInitImageName("proxyInitTest")));
    table.add(
        golden("hello-tproxy.yaml.injected", "hello.yaml")
            .settings(b -> b.meshDefaultConfig(meshConfig("interceptionMode: TPROXY"))));
    table.add(
        golden("hello-always.yaml.injected", "hello.yaml")
            .settings(b -> b.imagePullPolicy("Always")));
    table.add(
        golden("hello-never.yaml.injected", "hello.yaml")
            .settings(b -> b.imagePullPolicy("Never")));
    for (String name :
        List.of("hello", "pod", "job", "daemonset", "replicaset", "native-sidecar")) {
      table.add(golden(name + "-old-version.yaml.injected", name + ".yaml").settings(oldVersion));
    }
    table.add(
        golden("format-duration.yaml.injected", "format-duration.yaml")
            .settings(b -> b.meshDefaultConfig(meshConfig("drainDuration: 23s"))));
    table.add(
        golden("traffic-params.yaml.injected", "traffic-params.yaml")
            .settings(
                b ->
                    b.includeIPRanges("127.0.0.1/24,10.96.0.1/24")
                        .excludeIPRanges("10.96.0.2/24,10.96.0.3/24")
                        .excludeInboundPorts("4,5,6")
                        .statusPort(0)));
    for (String name :
        List.of("status_params", "kubevirtInterfaces", "reroute-virtual-interfaces")) {
      table.add(golden(name + ".yaml.injected", name + ".yaml").settings(statusParams));
    }
    table.add(
        golden("hello-image-secrets-in-values.yaml.injected", "hello.yaml")
            .overlay("hello-image-secrets-in-values.iop.yaml"));
    table.add(
        golden("hello-multiple-image-secrets.yaml.injected", "hello-image-pull-secret.yaml")
            .overlay("hello-image-secrets-in-values.iop.yaml"));
    table.add(
        golden("hello-template-in-values.yaml.injected", "hello.yaml")
            .overlay("hello-template-in-values.iop.yaml"));
    table.add(
        golden("hello-mount-mtls-certs.yaml.injected", "hello.yaml")
            .settings(b -> b.mountMtlsCerts(true)));
    table.add(golden("hello-cncf-networks.yaml.injected", "hello.yaml").settings(multus));
    table.add(
        golden("hello-existing-cncf-networks.yaml.injected", "hello-existing-cncf-networks.yaml")
            .settings(multus));
    table.add(
        golden(
                "hello-existing-cncf-networks-json.yaml.injected",
                "hello-existing-cncf-networks-json.yaml")
            .settings(multus));
    table.add(golden("hello.proxyHoldsApplication.yaml.injected", "hello.yaml").settings(hold));
    table.add(
        golden("hello-probes.proxyHoldsApplication.yaml.injected", "hello-probes.yaml")
            .settings(hold));
    table.add(
        golden(
                "hello-probes-noProxyHoldApplication-ProxyConfig.yaml.injected",
                "hello-probes-noProxyHoldApplication-ProxyConfig.yaml")
            .settings(hold));
    table.add(golden("merge-probers.yaml.injected", "merge-probers.yaml").settings(hold));
    table.add(
        golden("traffic-annotations.yaml.injected", "traffic-annotations.yaml")
            .settings(
                b ->
                    b.meshDefaultConfig(
                        meshConfig(
                            "proxyMetadata:\n  ISTIO_META_TLS_CLIENT_KEY:"
                                + " /etc/identity/client/keys/client-key.pem"))));
    table.add(
        golden("proxy-override-runas.yaml.cni.injected", "proxy-override-runas.yaml")
            .settings(b -> b.cniEnabled(true)));
    table.add(
        golden("proxy-override-runas.yaml.tproxy.injected", "proxy-override-runas.yaml")
            .settings(b -> b.meshDefaultConfig(meshConfig("interceptionMode: TPROXY"))));
    table.add(golden("proxy-override-args-native.yaml.injected", "proxy-override-args.yaml"));
    table.add(golden("native-sidecar-opt-in.yaml.injected", "native-sidecar-opt-in.yaml"));
    Case optInOff =
        golden("native-sidecar-opt-in.yaml.injected", "native-sidecar-opt-in.yaml")
            .settings(oldVersion);
    table.add(
        new Case(
            "native-sidecar-opt-in.yaml.injected [native sidecars off]",
            optInOff.input(),
            optInOff.golden(),
            optInOff.settings(),
            null,
            true,
            true,
            null,
            null));
    table.add(
        golden("custom-template.yaml.injected", "custom-template.yaml")
            .overlay("custom-template.iop.yaml"));
    table.add(
        golden("hello-tracing-disabled.yaml.injected", "hello-tracing-disabled.yaml")
            .settings(b -> b.meshDefaultConfig(meshConfig("tracing: {}"))));
    for (String name :
        List.of("hello-openshift", "hello-openshift-custom-injection", "hello-openshift-tproxy")) {
      table.add(golden(name + ".yaml.injected", name + ".yaml").settings(openShift).webhookOnly());
    }
    for (String name :
        List.of(
            "proxy-resources-null",
            "proxy-resources-zero",
            "proxy-resources-memory-null",
            "proxy-resources-mixed-null")) {
      table.add(golden(name + ".yaml.injected", name + ".yaml").overlay(name + ".iop.yaml"));
    }
    table.add(
        golden("proxy-resources-null-no-init.yaml.injected", "proxy-resources-null-no-init.yaml")
            .overlay("proxy-resources-null.iop.yaml"));
    for (String name : List.of("sidecar-spire", "gateway-spire")) {
      table.add(golden(name + ".yaml.injected", name + ".yaml").overlay("spire-template.iop.yaml"));
    }
    table.add(
        golden("hello-otel-semconv.yaml.injected", "hello-otel-semconv.yaml")
            .settings(b -> b.otelSemanticConventions(true)));
    table.add(
        golden("hello-fips-140-3.yaml.injected", "hello.yaml")
            .settings(b -> b.compliancePolicy("fips-140-3")));
    table.add(golden("hello-service.yaml.injected", "hello-service.yaml").kubeInjectOnly());
    table.add(golden("cronjob.yaml.injected", "cronjob.yaml").kubeInjectOnly());
    table.add(
        golden("hello-host-network-with-ns.yaml.injected", "hello-host-network-with-ns.yaml")
            .warning(
                "Skipping injection because Deployment \"sample/hello-host-network\" has host"
                    + " networking enabled"));

    Set<String> covered = new TreeSet<>();
    table.forEach(c -> covered.add(c.golden() != null ? c.golden() : c.input()));
    List<Case> all = new ArrayList<>();
    // Cases whose files are not in this corpus (kept back by its maintainers) are not run; the
    // summary names them, so a case that vanished is seen, not silently dropped from the count.
    for (Case c : table) {
      if (Files.exists(corpus.resolve(c.input())) && Files.exists(corpus.resolve(c.golden()))) {
        all.add(c);
      } else {
        absent.add(c.id());
      }
    }
    try (Stream<Path> files = Files.list(corpus)) {
      for (String f : files.map(p -> p.getFileName().toString()).sorted().toList()) {
        if (!f.endsWith(".yaml") || f.endsWith(".iop.yaml")) {
          continue;
        }
        if (f.startsWith("traffic-annotations-bad-")) {
          String what = f.substring("traffic-annotations-bad-".length(), f.length() - 5);
          all.add(error(f, what));
        } else if (!covered.contains(f + ".injected")
            && Files.exists(corpus.resolve(f + ".injected"))) {
          all.add(golden(f + ".injected", f));
        }
      }
    }
    return all;
  }

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException {
    assumeTrue(Files.isDirectory(CORPUS), "Istio injection corpus not found at " + CORPUS);
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.id(),
                    () -> {
                      try {
                        run(c);
                      } catch (AssertionError e) {
                        throw new AssertionError(c.id() + ": " + e.getMessage(), e);
                      }
                    }));
  }

  /** Table cases whose input or golden is not in this corpus. */
  private static final Set<String> ABSENT = new TreeSet<>();

  @AfterAll
  static void summary() {
    if (RESULTS.isEmpty()) {
      return;
    }
    long ok = RESULTS.values().stream().filter("ok"::equals).count();
    List<String> failing =
        RESULTS.entrySet().stream()
            .filter(e -> !e.getValue().equals("ok") && !e.getValue().startsWith("excluded"))
            .map(Map.Entry::getKey)
            .toList();
    String excluded =
        EXCLUDED.isEmpty()
            ? "none"
            : EXCLUDED.entrySet().stream()
                .map(
                    e ->
                        e.getKey()
                            + (e.getValue().check() == Check.ALL
                                ? ""
                                : " [" + e.getValue().check().name().toLowerCase() + " check only]")
                            + " ("
                            + e.getValue().reason()
                            + ")")
                .collect(Collectors.joining(", "));
    System.out.println(
        "corpus: "
            + ok
            + "/"
            + RESULTS.size()
            + " cases match exactly; excluded: "
            + excluded
            + "; not run, files not in this corpus (kept back by its maintainers): "
            + (ABSENT.isEmpty() ? "none" : ABSENT.size() + " " + ABSENT)
            + (failing.isEmpty() ? "" : "; failing: " + String.join(", ", failing)));
  }

  private static boolean checks(Case c, Check check) {
    Exclusion e = EXCLUDED.get(c.id());
    return e == null || (e.check() != Check.ALL && e.check() != check);
  }

  private static void run(Case c) throws Exception {
    Exclusion exclusion = EXCLUDED.get(c.id());
    if (exclusion != null && exclusion.check() == Check.ALL) {
      RESULTS.put(c.id(), "excluded");
      assumeTrue(false, "excluded: " + exclusion.reason());
    }
    RESULTS.put(c.id(), "failed");
    CorpusRunner.run(CORPUS, c, c.build(CORPUS), checks(c, Check.IDEMPOTENCY));
    RESULTS.put(c.id(), "ok");
  }

  static Map<String, String> results() {
    return new LinkedHashMap<>(RESULTS);
  }
}
