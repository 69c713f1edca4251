package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshoperator.injection.KubeInject;
import dev.meshoperator.testing.ProjectDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a command: {@code java -jar quarkus-run.jar kube-inject -f FILE} with no
 * usable cluster configuration must inject offline, exit, and neither start the operator nor listen
 * for HTTP. Runs after packaging (failsafe); skipped when the jar has not been built.
 */
class KubeInjectCliIT {

  static final Path JAR = ProjectDir.get().resolve("target/quarkus-app/quarkus-run.jar");

  static final String MANIFESTS =
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
        namespace: shop
      spec:
        ports:
          - port: 80
      """;

  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  Result runJar(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Its own temp directory, so the test can see what the command leaves there.
    Files.createDirectories(dir.resolve("tmp"));
    command.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    // No usable cluster: a missing kubeconfig and an unroutable master. Nothing may need them.
    pb.environment().keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.equals("KUBECONFIG"));
    pb.environment().put("KUBECONFIG", "/nonexistent/kubeconfig");
    pb.environment().put("KUBERNETES_MASTER", "https://127.0.0.1:1");
    Process p = pb.start();
    boolean exited = p.waitFor(2, TimeUnit.MINUTES);
    if (!exited) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(exited).as("kube-inject exited (stderr: %s)", Files.readString(err)).isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void injectsOfflineAndExits() throws Exception {
    assumeTrue(Files.exists(JAR), "run after packaging: " + JAR + " not built");
    Path input = dir.resolve("app.yaml");
    Files.writeString(input, MANIFESTS);

    Result r = runJar("kube-inject", "-f", input.toString());

    assertThat(r.status()).as("exit status; stderr: %s", r.err()).isZero();
    List<JsonNode> docs = KubeInject.parseDocuments(r.out());
    assertThat(docs)
        .extracting(d -> d.path("kind").asText())
        .containsExactly("Deployment", "Service");
    JsonNode spec = docs.get(0).path("spec").path("template").path("spec");
    assertThat(names(spec.path("initContainers"))).containsExactly("istio-init", "istio-proxy");
    assertThat(names(spec.path("containers"))).containsExactly("web");
    assertThat(r.err())
        .doesNotContain("ERROR")
        .doesNotContain("Exception")
        .doesNotContain("Starting operator")
        .doesNotContain("Listening on: http");
    // An offline command writes no key or certificate anywhere it could be found by others.
    try (var files = Files.walk(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".key") || n.endsWith(".crt") || n.endsWith(".pem"));
    }
  }

  /**
   * A command line opens no listener: several runs at once, with port 9000 (Quarkus' management
   * port) already taken, all succeed. Started before Quarkus existed in this path, each would have
   * failed with "Unable to start the management interface".
   */
  @Test
  void severalRunsAtOnceBesideATakenPort9000() throws Exception {
    assumeTrue(Files.exists(JAR), "run after packaging: " + JAR + " not built");
    List<String> outputs =
        severalRunsAtOnce(
            "jar",
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "kube-inject"),
            Map.of());
    assertThat(outputs).allMatch(o -> o.contains("istio-proxy"));
  }

  /**
   * The fast-start launcher (hack/kube-inject: plain class path, AppCDS): several first runs at
   * once race to write the class archive, several later runs use it, all beside a taken port 9000,
   * and every output is the jar's.
   */
  @Test
  void theLauncherRunsSeveralAtOnceAndWritesWhatTheJarWrites() throws Exception {
    assumeTrue(Files.exists(JAR), "run after packaging: " + JAR + " not built");
    Path input = dir.resolve("app.yaml");
    Files.writeString(input, MANIFESTS);
    String expected = runJar("kube-inject", "-f", input.toString()).out();
    Path launcher = ProjectDir.get().resolve("hack/kube-inject");
    Map<String, String> env =
        Map.of(
            "ISTIO_OPERATOR_CACHE", dir.resolve("cache").toString(),
            "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> first = severalRunsAtOnce("first", List.of("bash", launcher.toString()), env);
    try (var archives = Files.list(dir.resolve("cache/kube-inject"))) {
      assertThat(archives.map(f -> f.getFileName().toString()))
          .as("one class archive, no temporary files left")
          .singleElement()
          .satisfies(n -> assertThat(n).endsWith(".jsa"));
    }
    List<String> later = severalRunsAtOnce("later", List.of("bash", launcher.toString()), env);
    assertThat(first).allMatch(expected::equals);
    assertThat(later).allMatch(expected::equals);
  }

  /** Four runs of {@code command -f app.yaml} at once, port 9000 taken; their outputs. */
  private List<String> severalRunsAtOnce(String tag, List<String> command, Map<String, String> env)
      throws Exception {
    Path input = dir.resolve("app.yaml");
    Files.writeString(input, MANIFESTS);
    java.net.ServerSocket taken = null;
    try {
      try {
        taken = new java.net.ServerSocket(9000, 1, java.net.InetAddress.getLoopbackAddress());
      } catch (IOException alreadyInUse) {
        // Someone else holds 9000: the condition under test either way.
      }
      List<Process> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        List<String> c = new ArrayList<>(command);
        c.addAll(List.of("-f", input.toString()));
        ProcessBuilder pb =
            new ProcessBuilder(c)
                .redirectOutput(dir.resolve(tag + "-" + i + ".out").toFile())
                .redirectError(dir.resolve(tag + "-" + i + ".err").toFile());
        pb.environment().putAll(env);
        runs.add(pb.start());
      }
      List<String> outputs = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        Process p = runs.get(i);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue())
            .as(
                "run %s-%d; stderr: %s",
                tag, i, Files.readString(dir.resolve(tag + "-" + i + ".err")))
            .isZero();
        outputs.add(Files.readString(dir.resolve(tag + "-" + i + ".out")));
      }
      return outputs;
    } finally {
      if (taken != null) {
        taken.close();
      }
    }
  }

  static List<String> names(JsonNode containers) {
    List<String> names = new ArrayList<>();
    containers.forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  @Test
  void refusesABadAnnotationWithStatus1() throws Exception {
    assumeTrue(Files.exists(JAR), "run after packaging: " + JAR + " not built");
    Path input = dir.resolve("bad.yaml");
    Files.writeString(
        input,
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bad
          annotations:
            traffic.sidecar.istio.io/excludeInboundPorts: "abc"
        spec:
          containers: [{name: app, image: nginx}]
        """);

    Result r = runJar("kube-inject", "-f", input.toString());

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("traffic.sidecar.istio.io/excludeInboundPorts");
  }

  @Test
  void aUsageErrorExitsWith2() throws Exception {
    assumeTrue(Files.exists(JAR), "run after packaging: " + JAR + " not built");

    Result r = runJar("kube-inject", "--no-such-flag");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("unknown flag: --no-such-flag");
  }
}
