package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.IstiodSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IstiodModelTest {

  private static ControlPlane cp(
      java.util.function.Consumer<dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec> spec) {
    return cp("default", spec);
  }

  private static ControlPlane cp(
      String revision,
      java.util.function.Consumer<dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec> spec) {
    return ControlPlane.of(TestResources.mcp("mesh-ns", revision, spec));
  }

  /**
   * Found by running the real istiod: switching certificateAuthority left the pod template as it
   * was, so istiod kept its self-signed root. The template now changes with the CA, and only then.
   */
  @Test
  void aChangeOfCertificateAuthorityRollsIstiod() {
    var istiodCa = IstiodModel.deployment(cp(s -> {})).getSpec().getTemplate();
    var operatorCa =
        IstiodModel.deployment(
                cp(
                    s ->
                        s.certificateAuthority =
                            dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec.CertificateAuthority
                                .OPERATOR))
            .getSpec()
            .getTemplate();
    assertThat(istiodCa).isNotEqualTo(operatorCa);
    assertThat(istiodCa.getMetadata().getAnnotations())
        .containsEntry(IstiodModel.CA_ANNOTATION, "istiod");
    assertThat(operatorCa.getMetadata().getAnnotations())
        .containsEntry(IstiodModel.CA_ANNOTATION, "operator");
    // Everything else of the template is the same.
    operatorCa.getMetadata().getAnnotations().put(IstiodModel.CA_ANNOTATION, "istiod");
    assertThat(operatorCa).isEqualTo(istiodCa);
  }

  @Test
  void serviceAccountIsInTheCrNamespaceWithManagedLabels() {
    var sa = IstiodModel.serviceAccount(cp("1-30-3", s -> {}));
    assertThat(sa.getMetadata().getName()).isEqualTo("istiod-1-30-3");
    assertThat(sa.getMetadata().getNamespace()).isEqualTo("mesh-ns");
    assertThat(sa.getMetadata().getLabels())
        .containsEntry(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE)
        .containsEntry(MeshLabels.ISTIO_REV, "1-30-3")
        .containsEntry(MeshLabels.INSTANCE, "1-30-3")
        .containsEntry(MeshLabels.COMPONENT, "istiod");
  }

  @Test
  void deploymentRunsPilotImageWithIstiodsPortsProbeAndSecurity() {
    var d = IstiodModel.deployment(cp(s -> s.setVersion("1.29.6")));
    assertThat(d.getMetadata().getName()).isEqualTo("istiod");
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("istiod");
    var c = pod.getContainers().get(0);
    assertThat(c.getName()).isEqualTo("discovery");
    assertThat(c.getImage()).isEqualTo("docker.io/istio/pilot:1.29.6");
    assertThat(c.getPorts())
        .extracting(p -> p.getContainerPort())
        .containsExactly(8080, 15010, 15012, 15017, 15014);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8080);
    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .containsEntry("app", "istiod")
        .containsEntry("istio.io/rev", "default");
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .contains("istio-token", "cacerts", "local-certs");
  }

  @Test
  void istiodsOwnInjectorIsSwitchedOffAndItsValidatorNamed() {
    var env = IstiodModel.env(cp("canary", s -> {}));
    assertThat(env).extracting(EnvVar::getName).doesNotHaveDuplicates();
    assertThat(value(env, "INJECT_ENABLED")).isEqualTo("false");
    assertThat(value(env, "PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER")).isEqualTo("false");
    assertThat(value(env, "REVISION")).isEqualTo("canary");
    assertThat(value(env, "VALIDATION_WEBHOOK_CONFIG_NAME"))
        .isEqualTo("istio-validator-canary-mesh-ns");
  }

  @Test
  void userEnvReplacesDefaultsByName() {
    var env =
        IstiodModel.env(
            cp(
                s -> {
                  s.istiod = new IstiodSpec();
                  s.istiod.env =
                      List.of(
                          new EnvVarBuilder()
                              .withName("PILOT_TRACE_SAMPLING")
                              .withValue("5")
                              .build(),
                          new EnvVarBuilder().withName("PILOT_X").withValue("y").build());
                }));
    assertThat(value(env, "PILOT_TRACE_SAMPLING")).isEqualTo("5");
    assertThat(value(env, "PILOT_X")).isEqualTo("y");
    assertThat(env).extracting(EnvVar::getName).doesNotHaveDuplicates();
  }

  @Test
  void defaultProfileAutoscalesSoDeploymentLeavesReplicasToTheHpa() {
    var cp = cp(s -> {});
    assertThat(IstiodModel.autoscaled(cp)).isTrue();
    assertThat(IstiodModel.deployment(cp).getSpec().getReplicas()).isNull();
    var hpa = IstiodModel.autoscaler(cp);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(80);
    assertThat(IstiodModel.disruptionBudgeted(cp)).as("one replica: no PDB").isFalse();
  }

  @Test
  void demoProfileRunsOneFixedReplicaWithSmallRequestsAndFullSampling() {
    var cp = cp(s -> s.setProfile(Profile.DEMO));
    assertThat(IstiodModel.autoscaled(cp)).isFalse();
    var d = IstiodModel.deployment(cp);
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("10m");
    assertThat(value(c.getEnv(), "PILOT_TRACE_SAMPLING")).isEqualTo("100");
  }

  @Test
  void disruptionBudgetOnlyWithMoreThanOneReplica() {
    var two =
        cp(
            s -> {
              s.setProfile(Profile.DEMO);
              s.istiod = new IstiodSpec();
              s.istiod.replicas = 2;
            });
    assertThat(IstiodModel.disruptionBudgeted(two)).isTrue();
    assertThat(IstiodModel.disruptionBudget(two).getSpec().getMinAvailable().getIntVal())
        .isEqualTo(1);
  }

  @Test
  void emptyProfileRunsNoIstiodUnlessEnabled() {
    assertThat(cp(s -> s.setProfile(Profile.EMPTY)).istiodEnabled()).isFalse();
    assertThat(
            cp(s -> {
                  s.setProfile(Profile.EMPTY);
                  s.istiod = new IstiodSpec();
                  s.istiod.enabled = true;
                })
                .istiodEnabled())
        .isTrue();
  }

  @Test
  void serviceExposesXdsDnsWebhookAndMonitoring() {
    var svc = IstiodModel.service(cp("canary", s -> {}));
    assertThat(svc.getMetadata().getName()).isEqualTo("istiod-canary");
    assertThat(svc.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getIntVal())
        .containsExactly(
            "grpc-xds:15010->15010",
            "https-dns:15012->15012",
            "https-webhook:443->15017",
            "http-monitoring:15014->15014");
    assertThat(svc.getSpec().getSelector()).containsEntry("istio.io/rev", "canary");
  }

  @Test
  void meshConfigHasDiscoveryAddressAndUserValuesWin() {
    var cp =
        cp(
            "canary",
            s -> {
              s.meshConfig =
                  Map.of(
                      "trustDomain",
                      "example.org",
                      "defaultConfig",
                      Map.of("holdApplicationUntilProxyStarts", true));
            });
    var cm = IstiodModel.meshConfigMap(cp);
    assertThat(cm.getMetadata().getName()).isEqualTo("istio-canary");
    String mesh = cm.getData().get("mesh");
    assertThat(mesh)
        .contains("discoveryAddress: istiod-canary.mesh-ns.svc:15012")
        .contains("trustDomain: example.org")
        .contains("holdApplicationUntilProxyStarts: true")
        .contains("rootNamespace: mesh-ns");
    assertThat(cp.trustDomain()).isEqualTo("example.org");
  }

  @Test
  void demoMeshConfigLogsToStdout() {
    String mesh =
        IstiodModel.meshConfigMap(cp(s -> s.setProfile(Profile.DEMO))).getData().get("mesh");
    assertThat(mesh).contains("accessLogFile: /dev/stdout").contains("name: jaeger");
  }

  @Test
  void validatingWebhookLeavesCaBundleAndFailurePolicyToIstiod() {
    var vwc = IstiodModel.validatingWebhook(cp(s -> {}));
    assertThat(vwc.getMetadata().getName()).isEqualTo("istio-validator-mesh-ns");
    assertThat(vwc.getWebhooks()).hasSize(2);
    assertThat(vwc.getWebhooks())
        .allSatisfy(
            w -> {
              assertThat(w.getFailurePolicy()).isNull();
              assertThat(w.getClientConfig().getCaBundle()).isNull();
              assertThat(w.getClientConfig().getService().getName()).isEqualTo("istiod");
              assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/validate");
            });
    var canary = IstiodModel.validatingWebhook(cp("canary", s -> {}));
    assertThat(canary.getWebhooks())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.getObjectSelector().getMatchExpressions().get(0).getValues())
                    .containsExactly("canary"));
  }

  @Test
  void desiredStateIsDeterministic() {
    assertThat(IstiodModel.deployment(cp(s -> {}))).isEqualTo(IstiodModel.deployment(cp(s -> {})));
    assertThat(IstiodModel.meshConfigMap(cp(s -> s.setProfile(Profile.DEMO))))
        .isEqualTo(IstiodModel.meshConfigMap(cp(s -> s.setProfile(Profile.DEMO))));
  }

  private static String value(List<EnvVar> env, String name) {
    return env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
  }
}
