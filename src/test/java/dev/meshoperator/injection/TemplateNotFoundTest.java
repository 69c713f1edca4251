package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The templates Istio's releases ship that the engine does not have say why. */
class TemplateNotFoundTest {

  static Pod pod(String templates) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("app")
        .addToAnnotations("inject.istio.io/templates", templates)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  /** The webhook's denial for a pod naming {@code template}. */
  static String denial(String template) {
    InjectionResult r = Injector.inject(pod(template), InjectionSettings.defaults());
    assertThat(r).isInstanceOf(InjectionResult.Denied.class);
    return ((InjectionResult.Denied) r).message();
  }

  @Test
  void ambientTemplatesSayAmbientIsNotInScope() {
    for (String name : List.of("waypoint", "agentgateway", "agentgateway-waypoint")) {
      assertThat(denial(name))
          .contains("requested template \"" + name + "\" not found")
          .contains("ambient mode")
          .contains("not in scope");
    }
  }

  @Test
  void kubeGatewaySaysWhereGatewayApiGatewaysComeFrom() {
    assertThat(denial("kube-gateway"))
        .contains("requested template \"kube-gateway\" not found")
        .contains("not a pod template")
        .contains("\"gateway\" template");
  }

  /**
   * Every template of every supported release's injector ConfigMap is built in or explained: a
   * template a new release adds fails here until it is one or the other.
   */
  @Test
  void everyTemplateIstioShipsIsBuiltInOrExplained() throws IOException {
    Pattern entry = Pattern.compile("(?m)^      ([a-z-]+): \\|$");
    for (String v : IstioVersions.SUPPORTED) {
      Path cm =
          ProjectDir.get()
              .resolve("../shared/istio-releases")
              .normalize()
              .resolve(v)
              .resolve(
                  "charts/istio-control/istio-discovery/templates/istiod-injector-configmap.yaml");
      assumeTrue(Files.exists(cm), "release chart not present: " + cm);
      List<String> names = new ArrayList<>();
      Matcher m = entry.matcher(Files.readString(cm));
      while (m.find()) {
        names.add(m.group(1));
      }
      assertThat(names).as(v).contains("sidecar", "gateway", "kube-gateway");
      for (String name : names) {
        assertThat(
                Injector.builtInTemplates().contains(name)
                    || Injector.NOT_SHIPPED.containsKey(name))
            .as(v + ": template " + name + " is built in or explained")
            .isTrue();
      }
    }
  }
}
