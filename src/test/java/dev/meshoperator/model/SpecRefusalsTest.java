package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.GatewaySpec;
import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Which specs are refused before anything is applied, with which reason, in which order. */
class SpecRefusalsTest {

  private static final String OPERATOR_NS = "istio-operator";

  private static Optional<SpecRefusals.Refusal> refusal(
      String running, Consumer<MeshControlPlaneSpec> spec) {
    MeshControlPlane cr = TestResources.mcp("istio-system", "default", spec);
    return SpecRefusals.of(cr, ControlPlane.of(cr), running, OPERATOR_NS);
  }

  private static GatewaySpec gateway(String name, Consumer<GatewaySpec> g) {
    var spec = new GatewaySpec();
    spec.name = name;
    g.accept(spec);
    return spec;
  }

  @Test
  void aValidSpecIsApplied() {
    assertThat(refusal(null, s -> {})).isEmpty();
    assertThat(refusal(IstioVersions.DEFAULT, s -> {})).isEmpty();
  }

  @Test
  void theOperatorsOwnNamespaceIsRefused() {
    assertThat(refusal(null, s -> s.namespace = OPERATOR_NS))
        .hasValueSatisfying(
            r -> {
              assertThat(r.reason()).isEqualTo("NamespaceRefused");
              assertThat(r.message()).startsWith("spec.namespace istio-operator is the operator's");
            });
  }

  @Test
  void aGatewayQuantityThatIsNoQuantityIsAnInvalidSpec() {
    var resources = new ResourceRequirements();
    resources.setLimits(Map.of("cpu", new Quantity("-2")));
    assertThat(
            refusal(null, s -> s.gateways = List.of(gateway("edge", g -> g.resources = resources))))
        .hasValueSatisfying(
            r -> {
              assertThat(r.reason()).isEqualTo("InvalidSpec");
              assertThat(r.message()).startsWith("spec.gateways[0].resources.limits.cpu");
            });
  }

  @Test
  void aGatewayTheWebhookNeverSeesIsRefused() {
    for (String ns : List.of(OPERATOR_NS, "kube-system")) {
      assertThat(refusal(null, s -> s.gateways = List.of(gateway("edge", g -> g.namespace = ns))))
          .hasValueSatisfying(
              r -> {
                assertThat(r.reason()).isEqualTo("NamespaceRefused");
                assertThat(r.message()).startsWith("spec.gateways[edge].namespace " + ns);
              });
    }
  }

  @Test
  void aMeshConfigOfTheWrongTypeIsRefused() {
    assertThat(refusal(null, s -> s.meshConfig = Map.of("enableTracing", 2)))
        .hasValueSatisfying(
            r -> {
              assertThat(r.reason()).isEqualTo("InvalidMeshConfig");
              assertThat(r.message()).startsWith("spec.meshConfig.enableTracing");
            });
  }

  @Test
  void anUnsupportedVersionAndADowngradeByTwoMinorsAreRefused() {
    assertThat(refusal(null, s -> s.version = "1.19.0"))
        .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("VersionRefused"));
    String oldest = IstioVersions.SUPPORTED.get(0);
    String newest = IstioVersions.SUPPORTED.get(IstioVersions.SUPPORTED.size() - 1);
    assertThat(refusal(newest, s -> s.version = oldest))
        .hasValueSatisfying(
            r -> {
              assertThat(r.reason()).isEqualTo("VersionRefused");
              assertThat(r.message()).startsWith("downgrade from " + newest);
            });
    // The same move the other way is an upgrade, and allowed.
    assertThat(refusal(oldest, s -> s.version = newest)).isEmpty();
  }

  @Test
  void theNamespaceIsCheckedBeforeTheVersion() {
    assertThat(
            refusal(
                null,
                s -> {
                  s.namespace = OPERATOR_NS;
                  s.version = "1.19.0";
                }))
        .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("NamespaceRefused"));
  }
}
