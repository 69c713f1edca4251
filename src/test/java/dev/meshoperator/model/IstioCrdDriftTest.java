package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IstioCrdDriftTest {

  private static final Map<String, String> LABELS =
      Map.of(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE, MeshLabels.PART_OF, "istio");

  private static CustomResourceDefinition desired(String name) {
    return IstioCrds.all(LABELS).stream()
        .filter(c -> c.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** As the apiserver hands it back: through YAML, with empty lists gone and defaults filled. */
  private static CustomResourceDefinition served(CustomResourceDefinition crd) {
    String yaml = Serialization.asYaml(crd).replace("shortNames: []\n", "");
    var back = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    return new CustomResourceDefinitionBuilder(back)
        .editMetadata()
        .withResourceVersion("42")
        .addToLabels("team", "mesh")
        .addToAnnotations("note", "someone else's")
        .endMetadata()
        .editSpec()
        .withNewConversion()
        .withStrategy("None")
        .endConversion()
        .endSpec()
        .build();
  }

  @Test
  void whatTheApiserverReturnsForTheOperatorsOwnIsNoDrift() {
    for (String name : IstioCrds.names()) {
      var d = desired(name);
      assertThat(IstioCrdDrift.differences(d, served(d))).as(name).isEmpty();
    }
  }

  @Test
  void aServedOrStorageFlagFlippedIsDrift() {
    var d = desired("virtualservices.networking.istio.io");
    var a = served(d);
    a.getSpec().getVersions().get(2).setServed(false);
    assertThat(IstioCrdDrift.differences(d, a)).containsExactly("spec.versions");
    a = served(d);
    a.getSpec().getVersions().get(0).setStorage(false);
    a.getSpec().getVersions().get(1).setStorage(true);
    assertThat(IstioCrdDrift.differences(d, a)).containsExactly("spec.versions");
  }

  @Test
  void aSchemaEditIsDriftEvenWhenItOnlyAddsAProperty() {
    var d = desired("gateways.networking.istio.io");
    var a = served(d);
    a.getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec")
        .getProperties()
        .put("selector", new JSONSchemaPropsBuilder().withType("object").build());
    assertThat(IstioCrdDrift.differences(d, a)).containsExactly("spec.versions");
    a = served(d);
    a.getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec")
        .setXKubernetesPreserveUnknownFields(false);
    assertThat(IstioCrdDrift.differences(d, a)).containsExactly("spec.versions");
  }

  @Test
  void aDroppedStatusSubresourceOrVersionIsDrift() {
    var d = desired("sidecars.networking.istio.io");
    var a = served(d);
    a.getSpec().getVersions().get(1).getSubresources().setStatus(null);
    assertThat(IstioCrdDrift.differences(d, a)).containsExactly("spec.versions");
    a = served(d);
    a.getSpec().getVersions().remove(2);
    assertThat(IstioCrdDrift.differences(d, a)).containsExactly("spec.versions");
  }

  @Test
  void namesScopeAndTheOperatorsLabelsAreOwned() {
    var d = desired("serviceentries.networking.istio.io");
    var a = served(d);
    a.getSpec().getNames().getShortNames().add("svcentry");
    a.getSpec().setScope("Cluster");
    a.getMetadata().getLabels().remove(MeshLabels.MANAGED_BY);
    assertThat(IstioCrdDrift.differences(d, a))
        .containsExactlyInAnyOrder(
            "metadata.labels[" + MeshLabels.MANAGED_BY + "]", "spec.scope", "spec.names");
  }
}
