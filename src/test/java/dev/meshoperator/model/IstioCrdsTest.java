package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IstioCrdsTest {

  private static final Map<String, String> LABELS =
      Map.of(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE, MeshLabels.PART_OF, "istio");

  private static Map<String, CustomResourceDefinition> byName() {
    return IstioCrds.all(LABELS).stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
  }

  private static List<String> versions(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().stream()
        .map(CustomResourceDefinitionVersion::getName)
        .toList();
  }

  private static String storage(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().stream()
        .filter(CustomResourceDefinitionVersion::getStorage)
        .map(CustomResourceDefinitionVersion::getName)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void tableHasIstiosKindsInTheirGroups() {
    assertThat(IstioCrds.table())
        .extracting(IstioCrds.Entry::kind, IstioCrds.Entry::group)
        .containsExactlyInAnyOrder(
            tuple("VirtualService", "networking.istio.io"),
            tuple("DestinationRule", "networking.istio.io"),
            tuple("Gateway", "networking.istio.io"),
            tuple("ServiceEntry", "networking.istio.io"),
            tuple("Sidecar", "networking.istio.io"),
            tuple("WorkloadEntry", "networking.istio.io"),
            tuple("WorkloadGroup", "networking.istio.io"),
            tuple("EnvoyFilter", "networking.istio.io"),
            tuple("ProxyConfig", "networking.istio.io"),
            tuple("AuthorizationPolicy", "security.istio.io"),
            tuple("PeerAuthentication", "security.istio.io"),
            tuple("RequestAuthentication", "security.istio.io"),
            tuple("Telemetry", "telemetry.istio.io"),
            tuple("WasmPlugin", "extensions.istio.io"),
            tuple("TrafficExtension", "extensions.istio.io"));
  }

  @Test
  void namesArePluralDotGroupAndSorted() {
    assertThat(List.copyOf(IstioCrds.names())).isSorted();
    assertThat(IstioCrds.names())
        .hasSize(IstioCrds.table().size())
        .contains(
            "virtualservices.networking.istio.io",
            "authorizationpolicies.security.istio.io",
            "telemetries.telemetry.istio.io",
            "wasmplugins.extensions.istio.io");
    for (CustomResourceDefinition crd : IstioCrds.all(LABELS)) {
      var spec = crd.getSpec();
      assertThat(crd.getMetadata().getName())
          .isEqualTo(spec.getNames().getPlural() + "." + spec.getGroup());
    }
    assertThat(IstioCrds.all(LABELS))
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyElementsOf(IstioCrds.names());
  }

  @Test
  void versionsAndStorageAreIstios() {
    var crds = byName();
    for (String plural :
        List.of(
            "virtualservices",
            "destinationrules",
            "gateways",
            "serviceentries",
            "sidecars",
            "workloadentries",
            "workloadgroups")) {
      var crd = crds.get(plural + ".networking.istio.io");
      assertThat(versions(crd)).as(plural).containsExactly("v1", "v1alpha3", "v1beta1");
      assertThat(storage(crd)).as(plural).isEqualTo("v1");
    }
    assertThat(versions(crds.get("envoyfilters.networking.istio.io"))).containsExactly("v1alpha3");
    assertThat(versions(crds.get("proxyconfigs.networking.istio.io"))).containsExactly("v1beta1");
    for (String plural :
        List.of("authorizationpolicies", "peerauthentications", "requestauthentications")) {
      var crd = crds.get(plural + ".security.istio.io");
      assertThat(versions(crd)).as(plural).containsExactly("v1", "v1beta1");
      assertThat(storage(crd)).as(plural).isEqualTo("v1");
    }
    var telemetry = crds.get("telemetries.telemetry.istio.io");
    assertThat(versions(telemetry)).containsExactly("v1", "v1alpha1");
    assertThat(storage(telemetry)).isEqualTo("v1alpha1");
    assertThat(versions(crds.get("wasmplugins.extensions.istio.io"))).containsExactly("v1alpha1");
  }

  @Test
  void exactlyOneStorageVersionAndAllVersionsServed() {
    for (CustomResourceDefinition crd : IstioCrds.all(LABELS)) {
      var versions = crd.getSpec().getVersions();
      assertThat(versions)
          .as(crd.getMetadata().getName())
          .filteredOn(CustomResourceDefinitionVersion::getStorage)
          .hasSize(1);
      assertThat(versions).allMatch(CustomResourceDefinitionVersion::getServed);
    }
    for (IstioCrds.Entry e : IstioCrds.table()) {
      assertThat(e.versions()).extracting(IstioCrds.Version::name).contains(e.storageVersion());
    }
  }

  @Test
  void namesScopeAndCategoriesFollowIstiosConventions() {
    var crds = byName();
    for (CustomResourceDefinition crd : crds.values()) {
      var spec = crd.getSpec();
      var names = spec.getNames();
      assertThat(spec.getScope()).isEqualTo("Namespaced");
      assertThat(names.getListKind()).isEqualTo(names.getKind() + "List");
      assertThat(names.getSingular()).isEqualTo(names.getKind().toLowerCase());
      assertThat(names.getCategories())
          .containsExactly("istio-io", spec.getGroup().replace('.', '-'));
    }
    assertThat(crds.get("virtualservices.networking.istio.io").getSpec().getNames().getShortNames())
        .containsExactly("vs");
    assertThat(
            crds.get("authorizationpolicies.security.istio.io")
                .getSpec()
                .getNames()
                .getShortNames())
        .containsExactly("ap");
    assertThat(crds.get("sidecars.networking.istio.io").getSpec().getNames().getShortNames())
        .isEmpty();
  }

  @Test
  void printerColumnsWhereIstioHasThem() {
    var crds = byName();
    for (CustomResourceDefinitionVersion v :
        crds.get("virtualservices.networking.istio.io").getSpec().getVersions()) {
      assertThat(v.getAdditionalPrinterColumns())
          .extracting(c -> c.getName(), c -> c.getJsonPath())
          .containsExactly(
              tuple("Gateways", ".spec.gateways"),
              tuple("Hosts", ".spec.hosts"),
              tuple("Age", ".metadata.creationTimestamp"));
    }
    assertThat(
            crds.get("peerauthentications.security.istio.io")
                .getSpec()
                .getVersions()
                .get(0)
                .getAdditionalPrinterColumns())
        .extracting(c -> c.getJsonPath())
        .containsExactly(".spec.mtls.mode", ".metadata.creationTimestamp");
    assertThat(
            crds.get("gateways.networking.istio.io")
                .getSpec()
                .getVersions()
                .get(0)
                .getAdditionalPrinterColumns())
        .isEmpty();
  }

  @Test
  void schemasAreStructuralAndPreserveSpecAndStatus() {
    for (CustomResourceDefinition crd : IstioCrds.all(LABELS)) {
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        String where = crd.getMetadata().getName() + "/" + v.getName();
        assertThat(v.getSubresources().getStatus()).as(where).isNotNull();
        JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
        assertThat(root).as(where).isNotNull();
        assertThat(root.getType()).as(where).isEqualTo("object");
        assertThat(root.getXKubernetesPreserveUnknownFields()).as(where).isNull();
        assertThat(root.getProperties()).as(where).containsOnlyKeys("spec", "status");
        for (String field : List.of("spec", "status")) {
          JSONSchemaProps p = root.getProperties().get(field);
          assertThat(p.getType()).as(where + " " + field).isEqualTo("object");
          assertThat(p.getXKubernetesPreserveUnknownFields()).as(where + " " + field).isTrue();
        }
      }
    }
  }

  @Test
  void specIsRequiredWhereIstioRequiresIt() {
    var crds = byName();
    assertThat(
            crds.get("serviceentries.networking.istio.io")
                .getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getRequired())
        .containsExactly("spec");
    assertThat(
            crds.get("virtualservices.networking.istio.io")
                .getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getRequired())
        .isEmpty();
  }

  @Test
  void labelsAreAppliedAndCopied() {
    var labels = new HashMap<>(LABELS);
    var crds = IstioCrds.all(labels);
    labels.put("mutated", "after");
    assertThat(crds)
        .allSatisfy(c -> assertThat(c.getMetadata().getLabels()).isEqualTo(LABELS))
        .allSatisfy(c -> assertThat(c.getMetadata().getAnnotations()).isNullOrEmpty());
    assertThat(IstioCrds.all(Map.of()))
        .allSatisfy(c -> assertThat(c.getMetadata().getLabels()).isNullOrEmpty());
  }

  @Test
  void outputIsDeterministicAndNotShared() {
    var first = IstioCrds.all(LABELS);
    var second = IstioCrds.all(LABELS);
    assertThat(first).isEqualTo(second);
    assertThat(Serialization.asYaml(first)).isEqualTo(Serialization.asYaml(second));
    // Mutating one result must not leak into the next.
    first.get(0).getSpec().getVersions().get(0).setServed(false);
    assertThat(IstioCrds.all(LABELS)).isEqualTo(second);
  }

  @Test
  void serializesToYaml() {
    for (CustomResourceDefinition crd : IstioCrds.all(LABELS)) {
      assertThatCode(() -> Serialization.asYaml(crd)).doesNotThrowAnyException();
      String yaml = Serialization.asYaml(crd);
      assertThat(yaml)
          .contains("apiVersion: \"apiextensions.k8s.io/v1\"")
          .contains("kind: \"CustomResourceDefinition\"")
          .contains("x-kubernetes-preserve-unknown-fields: true")
          .contains("status: {}");
      var back = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
      assertThat(back).isEqualTo(crd);
    }
  }
}
