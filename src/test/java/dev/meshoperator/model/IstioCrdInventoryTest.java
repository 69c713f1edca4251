package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IstioCrdInventoryTest {

  private static CustomResourceDefinition crd(String name, Map<String, String> labels) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  private static final Map<String, String> OURS =
      Map.of(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE);

  // What Istio's base chart puts on its CRDs once release-builder has stamped the version.
  private static final Map<String, String> HELM =
      Map.of(
          MeshLabels.MANAGED_BY,
          "Helm",
          MeshLabels.PART_OF,
          "istio",
          MeshLabels.VERSION,
          "1.30.3",
          "helm.sh/chart",
          "base-1.30.3");

  @Test
  void absentAndLabeledAreOursAndWritable() {
    Map<String, CustomResourceDefinition> found = new LinkedHashMap<>();
    found.put("gateways.networking.istio.io", crd("gateways.networking.istio.io", OURS));
    var s = IstioCrdInventory.of(found);
    assertThat(s.ours()).containsExactlyElementsOf(IstioCrds.names());
    assertThat(s.external()).isEmpty();
    assertThat(s.reason()).isEqualTo("InstalledByOperator");
    assertThat(s.message()).startsWith("15 Istio CRDs, all installed by the operator");
    assertThat(IstioCrds.names()).allMatch(s::writable);
  }

  @Test
  void helmInstalledAreExternalWithTheirRelease() {
    Map<String, CustomResourceDefinition> found = new LinkedHashMap<>();
    IstioCrds.names().forEach(n -> found.put(n, crd(n, HELM)));
    var s = IstioCrdInventory.of(found);
    assertThat(s.ours()).isEmpty();
    assertThat(s.external())
        .extracting(IstioCrdInventory.External::istioVersion)
        .containsOnly("1.30.3");
    assertThat(IstioCrds.names()).noneMatch(s::writable);
    assertThat(s.reason()).isEqualTo("InstalledExternally");
    assertThat(s.message())
        .isEqualTo(
            "15 Istio CRDs: all 15 found installed by someone else (Istio 1.30.3) and left as"
                + " they are");
  }

  @Test
  void mixedListsTheFewAndCountsVersionlessOnes() {
    Map<String, CustomResourceDefinition> found = new LinkedHashMap<>();
    IstioCrds.names().forEach(n -> found.put(n, crd(n, HELM)));
    found.remove("sidecars.networking.istio.io");
    // kubectl apply -f crd-all.gen.yaml: the file's static labels name no release.
    found.put(
        "telemetries.telemetry.istio.io",
        crd("telemetries.telemetry.istio.io", Map.of("app", "istio-pilot", "release", "istio")));
    var s = IstioCrdInventory.of(found);
    assertThat(s.ours()).containsExactly("sidecars.networking.istio.io");
    assertThat(s.writable("sidecars.networking.istio.io")).isTrue();
    assertThat(s.writable("telemetries.telemetry.istio.io")).isFalse();
    assertThat(s.reason()).isEqualTo("PartlyInstalledExternally");
    assertThat(s.message())
        .isEqualTo(
            "15 Istio CRDs: 1 installed by the operator (sidecars.networking.istio.io), 14 found"
                + " installed by someone else (Istio 1.30.3; some without a release label) and"
                + " left as they are");
  }

  @Test
  void releaseLabels() {
    assertThat(IstioCrdInventory.istioVersion(crd("x", Map.of("helm.sh/chart", "base-1.29.6"))))
        .isEqualTo("1.29.6");
    assertThat(
            IstioCrdInventory.istioVersion(
                crd("x", Map.of("operator.istio.io/version", "1.28.10"))))
        .isEqualTo("1.28.10");
    assertThat(
            IstioCrdInventory.istioVersion(crd("x", Map.of(MeshLabels.VERSION, "not a version"))))
        .isNull();
    assertThat(IstioCrdInventory.istioVersion(crd("x", Map.of()))).isNull();
    assertThat(IstioCrdInventory.istioVersion(crd("x", null))).isNull();
  }

  @Test
  void messagesStayOneBoundedLine() {
    Map<String, CustomResourceDefinition> found = new LinkedHashMap<>();
    List<String> names = List.copyOf(IstioCrds.names());
    for (int i = 0; i < names.size(); i++) {
      if (i % 2 == 0) {
        found.put(names.get(i), crd(names.get(i), Map.of(MeshLabels.VERSION, "1." + i + ".0")));
      }
    }
    String m = IstioCrdInventory.of(found).message();
    assertThat(m).doesNotContain("\n").hasSizeLessThan(300);
  }
}
