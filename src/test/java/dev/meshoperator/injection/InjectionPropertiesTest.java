package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random pods: injection either succeeds or refuses (never throws), is a fixed point on its own
 * output, and its JSON patch turns the input into the output.
 *
 * <p>The generator mixes valid, edge-case and invalid annotation values, user containers named like
 * injected ones, named/numeric/already-rewritten probe ports and all sidecar modes.
 */
class InjectionPropertiesTest {

  /** Annotation values mixing valid, edge and invalid ones. */
  private static final Map<String, List<String>> ANNOTATIONS =
      Map.ofEntries(
          Map.entry("sidecar.istio.io/nativeSidecar", List.of("true", "false", "", "maybe")),
          Map.entry(
              "sidecar.istio.io/interceptionMode", List.of("REDIRECT", "TPROXY", "NONE", "X")),
          Map.entry(
              "traffic.sidecar.istio.io/excludeInboundPorts", List.of("1,2", "", "*", "99999")),
          Map.entry("traffic.sidecar.istio.io/includeInboundPorts", List.of("*", "", "80", "a")),
          Map.entry(
              "traffic.sidecar.istio.io/includeOutboundIPRanges",
              List.of("*", "", "10.0.0.0/8", "x")),
          Map.entry("traffic.sidecar.istio.io/excludeOutboundPorts", List.of("3306", "", "-1")),
          Map.entry("status.sidecar.istio.io/port", List.of("0", "15020", "123", "port")),
          Map.entry(
              "readiness.status.sidecar.istio.io/periodSeconds",
              List.of("5", "0", "-3", "4294967295")),
          Map.entry("sidecar.istio.io/proxyCPU", List.of("100m", "0.5", "2", "1e3", "bad", "")),
          Map.entry("sidecar.istio.io/proxyMemoryLimit", List.of("1Gi", "1536Mi", "0", "1.5Gi")),
          Map.entry("sidecar.istio.io/proxyImage", List.of("x/y:z", "plain", "")),
          Map.entry("sidecar.istio.io/rewriteAppHTTPProbers", List.of("true", "false", "nope")),
          Map.entry("prometheus.io/scrape", List.of("true", "false", "1")),
          Map.entry("prometheus.io/port", List.of("9090", "15020", "15090", "abc", "0")),
          Map.entry("prometheus.istio.io/merge-metrics", List.of("true", "false", "x")),
          Map.entry(
              "proxy.istio.io/config",
              List.of(
                  "holdApplicationUntilProxyStarts: true",
                  "{}",
                  "concurrency: 2",
                  "drainDuration: 5s",
                  "[",
                  "interceptionMode: TPROXY",
                  "proxyMetadata: {A: b}")),
          Map.entry(
              "sidecar.istio.io/userVolume", List.of("{\"v\":{\"emptyDir\":{}}}", "{}", "nope")),
          Map.entry(
              "sidecar.istio.io/userVolumeMount", List.of("{\"v\":{\"mountPath\":\"/v\"}}", "[1]")),
          Map.entry("proxy.istio.io/overrides", List.of("{}", "garbage")),
          // Only unparsable values: a parsable status that does not describe the pod claims an
          // injection that did not happen, and Istio's rules then take the pod's own containers
          // for overrides once (see the merge-probers exclusion in the corpus test).
          Map.entry("sidecar.istio.io/status", List.of("garbage", "[1]")),
          Map.entry(
              "inject.istio.io/templates", List.of("sidecar", "gateway", "grpc-agent", "nosuch")));

  @Provide
  Arbitrary<Map<String, String>> annotations() {
    List<String> keys = new ArrayList<>(ANNOTATIONS.keySet());
    return Arbitraries.of(keys)
        .list()
        .ofMaxSize(5)
        .flatMap(
            chosen -> {
              List<Arbitrary<Map.Entry<String, String>>> entries = new ArrayList<>();
              for (String k : chosen) {
                entries.add(Arbitraries.of(ANNOTATIONS.get(k)).map(v -> Map.entry(k, v)));
              }
              return Combinators.combine(entries)
                  .as(
                      list -> {
                        Map<String, String> m = new LinkedHashMap<>();
                        list.forEach(e -> m.put(e.getKey(), e.getValue()));
                        return m;
                      });
            });
  }

  Arbitrary<Probe> probes() {
    Arbitrary<IntOrString> ports =
        Arbitraries.oneOf(
            Arbitraries.integers().between(1, 65535).map(IntOrString::new),
            Arbitraries.of("http", "metrics", "missing").map(IntOrString::new),
            Arbitraries.just(new IntOrString(15020)));
    return Combinators.combine(Arbitraries.integers().between(0, 3), ports)
        .as(
            (kind, port) ->
                switch (kind) {
                  case 0 ->
                      new ProbeBuilder()
                          .withNewHttpGet()
                          .withPort(port)
                          .withScheme("HTTPS")
                          .endHttpGet()
                          .build();
                  case 1 ->
                      new ProbeBuilder().withNewTcpSocket().withPort(port).endTcpSocket().build();
                  case 2 ->
                      new ProbeBuilder()
                          .withNewGrpc()
                          .withPort(port.getIntVal() == null ? 1 : port.getIntVal())
                          .endGrpc()
                          .build();
                  default -> new ProbeBuilder().withNewExec().withCommand("true").endExec().build();
                })
        .injectNull(0.4);
  }

  Arbitrary<Container> containers() {
    Arbitrary<String> names =
        Arbitraries.of("app", "web", "istio-proxy", "istio-init", "side", "x".repeat(70));
    Arbitrary<List<Integer>> ports = Arbitraries.integers().between(1, 65535).list().ofMaxSize(3);
    return Combinators.combine(names, ports, probes(), probes(), Arbitraries.of("auto", "img:1"))
        .as(
            (name, portList, readiness, liveness, image) -> {
              ContainerBuilder b = new ContainerBuilder().withName(name).withImage(image);
              int i = 0;
              for (int p : portList) {
                b.addNewPort().withContainerPort(p).withName(i++ == 0 ? "http" : null).endPort();
              }
              return b.withReadinessProbe(readiness).withLivenessProbe(liveness).build();
            });
  }

  @Provide
  Arbitrary<Pod> pods() {
    return Combinators.combine(
            annotations(),
            containers().list().ofMinSize(0).ofMaxSize(3),
            containers().list().ofMaxSize(2),
            Arbitraries.of("hello", "", "a-very-long-name-" + "x".repeat(60)),
            Arbitraries.<Map<String, String>>of(
                Map.of(), Map.of("app", "a"), Map.of("topology.istio.io/network", "n1")))
        .as(
            (annotations, containers, init, name, labels) ->
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name.isEmpty() ? null : name)
                    .withLabels(labels)
                    .withAnnotations(annotations)
                    .endMetadata()
                    .withNewSpec()
                    .withContainers(containers)
                    .withInitContainers(init)
                    .endSpec()
                    .build());
  }

  @Provide
  Arbitrary<InjectionSettings> settings() {
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(0, 15020, 123))
        .as(
            (nativeSidecars, cni, hold, statusPort) ->
                InjectionSettings.builder()
                    .nativeSidecars(nativeSidecars)
                    .cniEnabled(cni)
                    .holdApplicationUntilProxyStarts(hold)
                    .statusPort(statusPort)
                    .build());
  }

  @Property(tries = 1000)
  void injectionNeverThrowsAndIsIdempotent(
      @ForAll("pods") Pod pod, @ForAll("settings") InjectionSettings settings) {
    JsonNode before = JsonPatches.toJson(pod);
    InjectionResult result = Injector.inject(pod, settings);
    assertThat(JsonPatches.toJson(pod)).as("input untouched").isEqualTo(before);
    if (result instanceof InjectionResult.Denied denied) {
      assertThat(denied.message()).isNotBlank();
      return;
    }
    Pod injected = result.pod();
    JsonNode patch = JsonPatches.diff(pod, injected);
    assertThat(JsonPatch.apply(patch, before)).isEqualTo(JsonPatches.toJson(injected));
    InjectionResult again = Injector.inject(injected, settings);
    assertThat(again.injected()).as("re-injection of %s", injected).isTrue();
    assertThat(JsonPatches.toJson(again.pod())).isEqualTo(JsonPatches.toJson(injected));
  }
}
