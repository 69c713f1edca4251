package dev.meshoperator.cli;

import static dev.meshoperator.cli.KubeInjectCommandTest.assertSameDocuments;
import static dev.meshoperator.cli.KubeInjectCommandTest.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.cli.KubeInjectCommandTest.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kube-inject --istio-version}: each supported release injects as that release does. */
class KubeInjectIstioVersionTest {

  @TempDir Path dir;

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new KubeInjectCommand(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                dir)
            .run(args);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The hub of the release's goldens (see ../shared/istio-releases/README.md). */
  static String goldenHub(String version) {
    return version.equals("1.30.3") ? "registry.istio.io/testing" : "gcr.io/istio-testing";
  }

  /** Without a control-plane file, the release's own golden for a pod and for a Deployment. */
  @ParameterizedTest
  @ValueSource(strings = {"1.28.10", "1.29.6", "1.30.3"})
  void theReleasesGoldenWithoutAControlPlaneFile(String version) throws IOException {
    Path corpus = release(version);
    assumeTrue(Files.isDirectory(corpus), "release corpus not present: " + corpus);
    for (String input : new String[] {"pod.yaml", "hello.yaml"}) {
      Run r =
          run(
              "-f",
              corpus.resolve(input).toString(),
              "--istio-version",
              version,
              "--hub",
              goldenHub(version),
              "--tag",
              "latest");
      assertThat(r.err()).isEmpty();
      assertThat(r.status()).isZero();
      assertSameDocuments(Files.readString(corpus.resolve(input + ".injected")), r.out());
    }
  }

  /** The flag matters: 1.28.10's output is not 1.30.3's golden (no divisor "1", no OTEL...). */
  @Test
  void releasesInjectDifferently() throws IOException {
    Path corpus = release("1.30.3");
    assumeTrue(Files.isDirectory(corpus), "release corpus not present: " + corpus);
    String pod = corpus.resolve("pod.yaml").toString();
    String old =
        run("-f", pod, "--istio-version", "1.28.10", "--hub", "registry.istio.io/testing").out();
    String current =
        run("-f", pod, "--istio-version", "1.30.3", "--hub", "registry.istio.io/testing").out();
    assertThat(old).contains("divisor: \"0\"").doesNotContain("divisor: \"1\"");
    assertThat(current).contains("divisor: \"1\"");
    // Without --tag the image tag is the release's.
    assertThat(old).contains("registry.istio.io/testing/proxyv2:1.28.10");
  }

  @Test
  void theFlagOverridesTheControlPlanesVersion() throws Exception {
    Path cp = dir.resolve("cp.yaml");
    Files.writeString(
        cp,
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: default}
        spec: {version: "1.30.3"}
        """);
    var o =
        KubeInjectCommand.parse(
            "-f", "x.yaml", "--control-plane", cp.toString(), "--istio-version", "1.28.10");
    var s = new KubeInjectCommand(System.in, System.out, System.err, dir).settings(o);
    assertThat(s.istioVersion()).isEqualTo("1.28.10");
    assertThat(s.tag()).isEqualTo("1.28.10");
  }

  @Test
  void unsupportedVersionsAreRefusedNamingTheSupportedOnes() {
    for (String v : new String[] {"1.27.3", "1.30.2", "master", "1.31.0"}) {
      Run r = run("-f", "x.yaml", "--istio-version", v);
      assertThat(r.status()).isEqualTo(KubeInjectCommand.USAGE);
      assertThat(r.err())
          .contains("--istio-version " + v + " is not supported")
          .contains("supported versions: " + String.join(", ", IstioVersions.SUPPORTED));
    }
  }
}
