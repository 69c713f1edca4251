package dev.meshoperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The install manifests agree with the code they deploy: ports with Quarkus' configuration, the
 * webhook Service with what the injector webhooks reference, every environment variable with a real
 * configuration property. Nothing here is hand-copied that could drift unnoticed.
 */
class OperatorInstallTest {

  static final String NS = "istio-operator";

  @Test
  void portsMatchTheApplicationsListeners() throws IOException {
    Properties app = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
      app.load(in);
    }
    Map<String, Integer> ports =
        container().getPorts().stream()
            .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
    assertThat(ports)
        .containsEntry(
            OperatorInstall.WEBHOOK_PORT_NAME,
            Integer.parseInt(app.getProperty("quarkus.http.ssl-port")))
        .containsEntry(
            OperatorInstall.MANAGEMENT_PORT_NAME,
            Integer.parseInt(app.getProperty("quarkus.management.port")));
  }

  @Test
  void theWebhookServiceIsTheOneTheInjectorWebhooksReference() throws Exception {
    var svc = OperatorInstall.webhookService(NS);
    assertThat(svc.getMetadata().getName())
        .isEqualTo(defaultOf(OperatorConfig.Webhook.class, "serviceName"));
    assertThat(svc.getSpec().getPorts().get(0).getPort())
        .isEqualTo(Integer.parseInt(defaultOf(OperatorConfig.Webhook.class, "servicePort")));
    assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getStrVal())
        .isEqualTo(OperatorInstall.WEBHOOK_PORT_NAME);
    assertThat(svc.getSpec().getSelector())
        .isEqualTo(OperatorInstall.deployment(NS, "i").getSpec().getSelector().getMatchLabels());
  }

  @Test
  void runsUnprivilegedWithProbesOnTheHealthEndpoints() {
    PodSpec pod = OperatorInstall.deployment(NS, "img:1").getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("img:1");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(OperatorInstall.deployment(NS, "i").getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void everyEnvironmentVariableIsARealSetting() {
    List<EnvVar> env = new java.util.ArrayList<>(container().getEnv());
    @SuppressWarnings("unchecked")
    var patch =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) CertManagerOverlay.deploymentPatch(NS).get("spec"))
                        .get("template"))
                .get("spec");
    @SuppressWarnings("unchecked")
    var containers = (List<Map<String, Object>>) patch.get("containers");
    @SuppressWarnings("unchecked")
    var patchEnv = (List<Map<String, String>>) containers.get(0).get("env");
    patchEnv.forEach(e -> env.add(new EnvVar(e.get("name"), e.get("value"), null)));
    for (EnvVar e : env) {
      String name = e.getName();
      if (name.equals("POD_NAME")
          || name.equals("JAVA_OPTS_APPEND")
          || name.equals("MALLOC_ARENA_MAX")) {
        continue; // read by LeaderElectionProducer, the image's run-java.sh and glibc
      }
      assertThat(name).startsWith("MESH_OPERATOR_");
      assertThat(resolves(name.substring("MESH_OPERATOR_".length())))
          .as(name + " names a mesh-operator.* property")
          .isTrue();
    }
  }

  /**
   * The Deployment's JVM options are accepted by this JDK (17, as the image's): a JVM exits at
   * start on an option it does not know, and some of them (TrimNativeHeapInterval) exist only in
   * later 17 updates.
   */
  @Test
  void javaOptionsStartThisJdk() throws Exception {
    String opts =
        container().getEnv().stream()
            .filter(e -> e.getName().equals("JAVA_OPTS_APPEND"))
            .findFirst()
            .orElseThrow()
            .getValue();
    List<String> command = new java.util.ArrayList<>();
    command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(opts.split(" ")));
    command.add("-version");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).doesNotContainIgnoringCase("warning").doesNotContain("Unrecognized");
  }

  /** Whether FOO_BAR_BAZ is a path of methods below OperatorConfig (SmallRye's env mapping). */
  private static boolean resolves(String rest) {
    return resolves(OperatorConfig.class, Arrays.asList(rest.toLowerCase().split("_")));
  }

  private static boolean resolves(Class<?> type, List<String> words) {
    for (Method m : type.getMethods()) {
      String kebab = m.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
      List<String> parts = Arrays.asList(kebab.split("_"));
      if (words.size() >= parts.size() && words.subList(0, parts.size()).equals(parts)) {
        List<String> remaining = words.subList(parts.size(), words.size());
        if (remaining.isEmpty() && m.getReturnType().getPackageName().startsWith("java")) {
          return true;
        }
        if (!remaining.isEmpty()
            && m.getReturnType().getEnclosingClass() == OperatorConfig.class
            && resolves(m.getReturnType(), remaining)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String defaultOf(Class<?> type, String method) throws Exception {
    return type.getMethod(method).getAnnotation(WithDefault.class).value();
  }

  private static Container container() {
    return OperatorInstall.deployment(NS, "i")
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }
}
