package dev.meshoperator.model.addons;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.injection.InjectionResult;
import dev.meshoperator.injection.Injector;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.InjectionSettingsModel;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.TestResources;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus configuration this project writes: accepted by Prometheus' own {@code promtool
 * check config}, and scraping what the mesh exposes: the agent's merged metrics on 15020 of every
 * injected pod, and istiod's monitoring port 15014.
 */
class PrometheusConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static ControlPlane demo() {
    return ControlPlane.of(
        TestResources.mcp("mesh-ns", "default", s -> s.setProfile(Profile.DEMO)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> job(ControlPlane cp, String name) throws IOException {
    Map<String, Object> config = YAML.readValue(PrometheusModel.config(cp), Map.class);
    return ((List<Map<String, Object>>) config.get("scrape_configs"))
        .stream()
            .filter(j -> name.equals(j.get("job_name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no job " + name));
  }

  /** An application pod as the webhook would inject it, scheduled and running. */
  private static Pod injectedPod(ControlPlane cp, Map<String, String> annotations) {
    Pod app =
        new PodBuilder()
            .withNewMetadata()
            .withName("reviews-v1-abc")
            .withNamespace("bookinfo")
            .withLabels(Map.of("app", "reviews", "version", "v1"))
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("reviews")
            .withImage("docker.io/istio/examples-bookinfo-reviews-v1:1.20.3")
            .addNewPort()
            .withContainerPort(9080)
            .endPort()
            .endContainer()
            .endSpec()
            .build();
    var result = Injector.inject(app, InjectionSettingsModel.settings(cp, true));
    assertThat(result).isInstanceOf(InjectionResult.Injected.class);
    Pod injected = ((InjectionResult.Injected) result).pod();
    injected.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPodIP("10.0.0.7")
            .withPhase("Running")
            .build());
    return injected;
  }

  private static Pod istiodPod(ControlPlane cp) {
    var template = IstiodModel.deployment(cp).getSpec().getTemplate();
    return new PodBuilder()
        .withMetadata(template.getMetadata())
        .editMetadata()
        .withName("istiod-5f4d-xyz")
        .withNamespace(cp.namespace())
        .endMetadata()
        .withSpec(template.getSpec())
        .withNewStatus()
        .withPodIP("10.0.0.3")
        .withPhase("Running")
        .endStatus()
        .build();
  }

  @Test
  void injectedPodsAreScrapedOnTheAgentsMergedPort15020() throws IOException {
    ControlPlane cp = demo();
    Set<Relabeling.Target> plain =
        Relabeling.targets(job(cp, "kubernetes-pods"), injectedPod(cp, Map.of()));
    assertThat(plain)
        .containsExactly(new Relabeling.Target("10.0.0.7:15020", "http", "/stats/prometheus"));
    // An application with its own metrics annotations: merged by the agent, still 15020.
    Set<Relabeling.Target> merged =
        Relabeling.targets(
            job(cp, "kubernetes-pods"),
            injectedPod(
                cp,
                Map.of(
                    "prometheus.io/scrape", "true",
                    "prometheus.io/port", "9080",
                    "prometheus.io/path", "/app-metrics")));
    assertThat(merged)
        .containsExactly(new Relabeling.Target("10.0.0.7:15020", "http", "/stats/prometheus"));
    // Injected pods are not istiod.
    assertThat(Relabeling.targets(job(cp, "istiod"), injectedPod(cp, Map.of()))).isEmpty();
  }

  @Test
  void istiodIsScrapedOnItsMonitoringPort15014Once() throws IOException {
    ControlPlane cp = demo();
    Pod istiod = istiodPod(cp);
    assertThat(Relabeling.targets(job(cp, "istiod"), istiod))
        .containsExactly(new Relabeling.Target("10.0.0.3:15014", "http", "/metrics"));
    // Not a second time through its prometheus.io annotations.
    assertThat(Relabeling.targets(job(cp, "kubernetes-pods"), istiod)).isEmpty();
    // istiod pods of another namespace belong to another control plane's Prometheus.
    assertThat(job(cp, "istiod").toString()).contains("names=[mesh-ns]");
  }

  @Test
  void podsThatDoNotAskToBeScrapedAreNot() throws IOException {
    ControlPlane cp = demo();
    Pod plain =
        new PodBuilder()
            .withNewMetadata()
            .withName("db")
            .withNamespace("bookinfo")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("db")
            .addNewPort()
            .withContainerPort(5432)
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPodIP("10.0.0.9")
            .withPhase("Running")
            .endStatus()
            .build();
    assertThat(Relabeling.targets(job(cp, "kubernetes-pods"), plain)).isEmpty();
  }

  @Test
  void retentionSizeIsEightyPercentOfTheEmptyDirInBytes() {
    assertThat(PrometheusModel.retentionSize("1Gi")).isEqualTo("858993459B");
    assertThat(PrometheusModel.retentionSize("500M")).isEqualTo("400000000B");
  }

  @Test
  void promtoolAcceptsTheGeneratedConfig(@TempDir Path dir) throws Exception {
    Path promtool = promtool();
    for (ControlPlane cp :
        List.of(
            demo(),
            ControlPlane.of(
                TestResources.mcp("other-ns", "canary", s -> s.setProfile(Profile.DEMO))))) {
      Path file = dir.resolve(cp.namespace() + "-prometheus.yml");
      Files.writeString(file, PrometheusModel.config(cp), StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(promtool.toString(), "check", "config", file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      System.out.println("promtool check config " + file.getFileName() + ":\n" + out);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("SUCCESS");
    }
    // And promtool really checks: the same config with one bad relabel action is refused.
    Path broken = dir.resolve("broken.yml");
    Files.writeString(
        broken,
        PrometheusModel.config(demo()).replaceFirst("action: keep", "action: keep-ish"),
        StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "config", broken.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isNotZero();
    assertThat(out).contains("keep-ish");
  }

  /**
   * promtool from hack/build-promtool.sh (built once from the Go module proxy, then cached). The
   * test is skipped, saying why, only when it cannot be built here.
   */
  static Path promtool() throws Exception {
    Process p =
        new ProcessBuilder("bash", ProjectDir.get().resolve("hack/build-promtool.sh").toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    boolean done = p.waitFor(30, TimeUnit.MINUTES);
    Assumptions.assumeTrue(
        done && p.exitValue() == 0,
        "SKIPPED: promtool could not be built (bash hack/build-promtool.sh failed: no Go or no"
            + " module proxy?); the generated config was NOT checked by promtool");
    String[] lines = out.split("\n");
    return Path.of(lines[lines.length - 1]);
  }
}
