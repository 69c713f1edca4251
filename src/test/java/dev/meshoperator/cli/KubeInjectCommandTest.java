package dev.meshoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.injection.InjectionSettings;
import dev.meshoperator.injection.KubeInject;
import dev.meshoperator.injection.TreeNormalizer;
import dev.meshoperator.testing.ProjectDir;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeInjectCommandTest {

  static final Path CORPUS =
      ProjectDir.get().resolve("../shared/istio-inject-corpus").normalize().resolve("cases");

  static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: web
                image: nginx
                ports:
                  - containerPort: 8080
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        ports:
          - port: 80
      """;

  @TempDir Path dir;

  /** One run of the command: its exit status and what it wrote. */
  record Run(int status, String out, String err) {}

  Run runWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new KubeInjectCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                dir)
            .run(args);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Run run(String... args) {
    return runWithInput("", args);
  }

  Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  static void assertSameDocuments(String expectedYaml, String actualYaml) {
    List<JsonNode> expected = KubeInject.parseDocuments(expectedYaml);
    List<JsonNode> actual = KubeInject.parseDocuments(actualYaml);
    assertThat(actual).hasSameSizeAs(expected);
    Comparator<JsonNode> numeric =
        (a, b) ->
            a.isNumber() && b.isNumber()
                ? a.decimalValue().compareTo(b.decimalValue())
                : a.equals(b) ? 0 : 1;
    for (int i = 0; i < expected.size(); i++) {
      JsonNode e = TreeNormalizer.document(expected.get(i));
      JsonNode a = TreeNormalizer.document(actual.get(i));
      assertThat(e.equals(numeric, a))
          .as("document %d:%nexpected %s%nactual   %s", i + 1, e, a)
          .isTrue();
    }
  }

  static InjectionSettings settings(String... args) throws Exception {
    var cmd =
        new KubeInjectCommand(
            new ByteArrayInputStream(new byte[0]), System.out, System.err, Path.of(""));
    return cmd.settings(KubeInjectCommand.parse(args));
  }

  @Test
  void hubAndTagOfIstiosTestsGiveTheCorpusDefaults() throws Exception {
    assertThat(settings("-f", "x.yaml", "--hub", "registry.istio.io/testing", "--tag", "latest"))
        .isEqualTo(InjectionSettings.defaults());
  }

  @Test
  void withoutFlagsTheImagesAreThoseOfADefaultControlPlane() throws Exception {
    InjectionSettings s = settings("-f", "x.yaml");
    assertThat(s.hub()).isEqualTo("docker.io/istio");
    assertThat(s.tag()).isEqualTo(IstioVersions.DEFAULT);
    assertThat(s.toBuilder().hub("registry.istio.io/testing").tag("latest").build())
        .isEqualTo(InjectionSettings.defaults());
  }

  @Test
  void injectsHelloLikeIstio() {
    Path hello = CORPUS.resolve("hello.yaml");
    assumeTrue(Files.exists(hello), "Istio injection corpus not present");
    Run r = run("-f", hello.toString(), "--hub", "registry.istio.io/testing", "--tag", "latest");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertSameDocuments(read(CORPUS.resolve("hello.yaml.injected")), r.out());
  }

  @Test
  void nativeSidecarsOffGivesTheOldVersionGolden() {
    Path hello = CORPUS.resolve("hello.yaml");
    assumeTrue(Files.exists(hello), "Istio injection corpus not present");
    Run r =
        run(
            "--filename=" + hello,
            "--hub=registry.istio.io/testing",
            "--tag=latest",
            "--native-sidecars=false");
    assertThat(r.status()).as(r.err()).isZero();
    assertSameDocuments(read(CORPUS.resolve("hello-old-version.yaml.injected")), r.out());
  }

  @Test
  void meshConfigDefaultConfigIsApplied() throws IOException {
    Path input = CORPUS.resolve("format-duration.yaml");
    assumeTrue(Files.exists(input), "Istio injection corpus not present");
    Path mesh = write("mesh.yaml", "defaultConfig:\n  drainDuration: 23s\n");
    Run r =
        run(
            "-f",
            input.toString(),
            "--hub",
            "registry.istio.io/testing",
            "--tag",
            "latest",
            "--meshconfig",
            mesh.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertSameDocuments(read(CORPUS.resolve("format-duration.yaml.injected")), r.out());
  }

  @Test
  void meshConfigMayBeTheIstioConfigMap() throws Exception {
    Path cm =
        write(
            "istio.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |-
                trustDomain: example.org
                defaultConfig:
                  holdApplicationUntilProxyStarts: true
            """);
    InjectionSettings s = settings("-f", "x.yaml", "--meshconfig", cm.toString());
    assertThat(s.trustDomain()).isEqualTo("example.org");
    assertThat(s.meshDefaultConfig().path("holdApplicationUntilProxyStarts").asBoolean()).isTrue();
  }

  @Test
  void controlPlaneSettingsAppearInTheOutput() throws IOException {
    Path cp =
        write(
            "cp.yaml",
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata:
              name: canary
            spec:
              namespace: mesh
              hub: registry.example.com/istio
              tag: 1.29.6-distroless
              proxy:
                nativeSidecars: "off"
                logLevel: debug
            """);
    Run r = runWithInput(DEPLOYMENT, "-f", "-", "--control-plane", cp.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("image: registry.example.com/istio/proxyv2:1.29.6-distroless")
        .contains("istio.io/rev: canary")
        .contains("istiod-canary.mesh.svc:15012")
        .contains("--proxyLogLevel=debug")
        .doesNotContain("restartPolicy: Always");
    List<JsonNode> docs = KubeInject.parseDocuments(r.out());
    assertThat(docs).hasSize(2);
    JsonNode spec = docs.get(0).path("spec").path("template").path("spec");
    List<String> containers = new java.util.ArrayList<>();
    spec.path("containers").forEach(c -> containers.add(c.path("name").asText()));
    // Native sidecars off (from the CR): the proxy is a regular container.
    assertThat(containers).containsExactly("web", "istio-proxy");
    // The Service passes through.
    assertThat(docs.get(1).path("kind").asText()).isEqualTo("Service");
  }

  @Test
  void flagsOverrideTheControlPlane() throws Exception {
    Path cp =
        write(
            "cp.yaml",
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata: {name: canary}
            spec: {namespace: mesh, hub: registry.example.com/istio, tag: "1.29.6"}
            """);
    InjectionSettings s =
        settings(
            "-f",
            "x.yaml",
            "--control-plane",
            cp.toString(),
            "--hub",
            "my.registry/istio",
            "--revision",
            "stable",
            "--native-sidecars=false");
    assertThat(s.hub()).isEqualTo("my.registry/istio");
    assertThat(s.tag()).isEqualTo("1.29.6");
    assertThat(s.revision()).isEqualTo("stable");
    assertThat(s.caAddress()).isEqualTo("istiod-stable.mesh.svc:15012");
    assertThat(s.nativeSidecars()).isFalse();
  }

  @Test
  void controlPlaneWithoutNamespaceIsInIstioSystem() throws Exception {
    Path cp =
        write(
            "cp.yaml",
            "apiVersion: meshoperator.dev/v1alpha1\nkind: MeshControlPlane\nmetadata: {name: default}\n");
    InjectionSettings s = settings("-f", "x.yaml", "--control-plane", cp.toString());
    assertThat(s.caAddress()).isEqualTo("istiod.istio-system.svc:15012");
    assertThat(s.hub()).isEqualTo("docker.io/istio");
    assertThat(s.tag()).isEqualTo(IstioVersions.DEFAULT);
    assertThat(s.nativeSidecars()).isTrue();
  }

  @Test
  void aMisspelledControlPlaneFieldIsAnError() throws IOException {
    Path cp =
        write(
            "cp.yaml",
            "apiVersion: meshoperator.dev/v1alpha1\nkind: MeshControlPlane\n"
                + "metadata: {name: x}\nspec: {hubb: a}\n");
    Run r = run("-f", "-", "--control-plane", cp.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("hubb");
  }

  @Test
  void aFileWithoutAControlPlaneIsAnError() throws IOException {
    Path cp = write("cp.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    Run r = run("-f", "-", "--control-plane", cp.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("expected one MeshControlPlane");
  }

  @Test
  void revisionWithoutControlPlanePointsAtThatIstiod() throws Exception {
    InjectionSettings s = settings("-f", "x.yaml", "--revision", "canary");
    assertThat(s.revision()).isEqualTo("canary");
    assertThat(s.caAddress()).isEqualTo("istiod-canary.istio-system.svc:15012");
    assertThat(s.meshDefaultConfig().path("discoveryAddress").asText())
        .isEqualTo("istiod-canary.istio-system.svc:15012");
  }

  @Test
  void readsStandardInputAndWritesTheOutputFile() throws IOException {
    Run r = runWithInput(DEPLOYMENT, "-f", "-", "-o", "out.yaml");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(dir.resolve("out.yaml")))
        .contains("name: istio-proxy")
        .contains("image: docker.io/istio/proxyv2:" + IstioVersions.DEFAULT);
  }

  @Test
  void skippedWorkloadsAreWarnedAboutOnStderr() {
    String hostNetwork =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: host}
        spec:
          hostNetwork: true
          containers: [{name: app, image: nginx}]
        """;
    Run r = runWithInput(hostNetwork, "-f", "-");
    assertThat(r.status()).isZero();
    assertThat(r.err()).contains("host networking");
    assertThat(r.out()).doesNotContain("istio-proxy");
  }

  @Test
  void anInvalidAnnotationFailsNamingIt() {
    String pod =
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bad
          annotations:
            traffic.sidecar.istio.io/excludeInboundPorts: "abc"
        spec:
          containers: [{name: app, image: nginx}]
        """;
    Run r = runWithInput(pod, "-f", "-");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("traffic.sidecar.istio.io/excludeInboundPorts");
  }

  @Test
  void theCorpusRefusalsFail() {
    Path bad = CORPUS.resolve("traffic-annotations-bad-excludeinboundports.yaml");
    assumeTrue(Files.exists(bad), "Istio injection corpus not present");
    Run r = run("-f", bad.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().toLowerCase()).contains("excludeinboundports");
  }

  @Test
  void invalidYamlAndMissingFilesFail() {
    Run r = runWithInput("kind: [unclosed", "-f", "-");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("invalid YAML");
    Run missing = run("-f", "nope.yaml");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("nope.yaml").contains("no such file");
  }

  @Test
  void usageErrorsExitWith2() {
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"--hub", "x"},
            new String[] {"-f", "a.yaml", "--bogus"},
            new String[] {"-f"},
            new String[] {"-f", "a.yaml", "extra"},
            new String[] {"-f", "a.yaml", "-f", "b.yaml"},
            new String[] {"-f", "a.yaml", "--native-sidecars=maybe"},
            new String[] {"-f", "a.yaml", "--revision", "Not_A_Label"},
            new String[] {"-f", "a.yaml", "--control-plane", "-"})) {
      Run r = run(args);
      assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).startsWith("Error: ").contains("--help");
    }
    assertThat(run("-f", "a.yaml", "--bogus").err()).contains("unknown flag: --bogus");
    assertThat(run("--hub", "x").err()).contains("-f/--filename is required");
  }

  @Test
  void helpGoesToStdout() {
    Run r = run("--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("Usage: kube-inject").contains("--control-plane");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void parsesBothFlagForms() throws Exception {
    var o =
        KubeInjectCommand.parse(
            "--filename=a.yaml", "-o", "b.yaml", "--native-sidecars", "--tag=1.2.3");
    assertThat(o.filename()).isEqualTo("a.yaml");
    assertThat(o.output()).isEqualTo("b.yaml");
    assertThat(o.nativeSidecars()).isTrue();
    assertThat(o.tag()).isEqualTo("1.2.3");
    assertThatThrownBy(() -> KubeInjectCommand.parse("-f", "a", "--help=yes"))
        .isInstanceOf(KubeInjectCommand.UsageException.class);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
