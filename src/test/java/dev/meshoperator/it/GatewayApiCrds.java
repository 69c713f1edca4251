package dev.meshoperator.it;

import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The Gateway API standard-channel CRDs from hack/gateway-api-crds.sh, as a user installs them. */
final class GatewayApiCrds {

  private GatewayApiCrds() {}

  static void install(KubernetesClient admin) throws Exception {
    Path script = ProjectDir.get().resolve("hack/gateway-api-crds.sh");
    Process p = new ProcessBuilder("bash", script.toString()).start();
    var out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(script + " failed");
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    String yaml = Files.readString(Path.of(lines[lines.length - 1]));
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        admin
            .resource(Serialization.unmarshal(doc, CustomResourceDefinition.class))
            .forceConflicts()
            .serverSideApply();
      }
    }
    LocalControlPlane.waitFor(
        "Gateway API CRDs Established",
        Duration.ofSeconds(60),
        () ->
            admin
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("httproutes.gateway.networking.k8s.io")
                .get()
                .getStatus()
                .getConditions()
                .stream()
                .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
  }
}
