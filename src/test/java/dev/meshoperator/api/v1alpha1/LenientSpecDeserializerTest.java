package dev.meshoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** A spec Java cannot hold is read as an invalid spec naming the field, never as an exception. */
class LenientSpecDeserializerTest {

  private static MeshControlPlane read(String spec) {
    return Serialization.unmarshal(
        "{\"apiVersion\":\"meshoperator.dev/v1alpha1\",\"kind\":\"MeshControlPlane\","
            + "\"metadata\":{\"name\":\"x\"},\"spec\":"
            + spec
            + "}",
        MeshControlPlane.class);
  }

  @Test
  void anOverflowingIntegerNamesItsField() {
    var cr = read("{\"istiod\":{\"replicas\":2147483648}}");
    assertThat(cr.getSpec().invalid()).startsWith("spec.istiod.replicas cannot be read");
    assertThat(cr.getSpec().istiod).isNull();
  }

  @Test
  void aCopyThroughJsonIsJustAsUnreadable() {
    // JOSDK clones primaries through JSON: the copy must not become a valid empty spec.
    var cr = read("{\"istiod\":{\"replicas\":2147483648},\"profile\":\"demo\"}");
    var copy = Serialization.unmarshal(Serialization.asJson(cr), MeshControlPlane.class);
    assertThat(copy.getSpec().invalid()).isEqualTo(cr.getSpec().invalid());
    assertThat(Serialization.asJson(copy)).contains("2147483648").contains("\"demo\"");
  }

  @Test
  void aWrongTypeNamesItsField() {
    var cr = read("{\"proxy\":{\"holdApplicationUntilProxyStarts\":{\"a\":1}}}");
    assertThat(cr.getSpec().invalid())
        .startsWith("spec.proxy.holdApplicationUntilProxyStarts cannot be read")
        .hasSizeLessThanOrEqualTo(240);
  }

  @Test
  void aValidSpecIsReadAsUsual() {
    var cr = read("{\"profile\":\"demo\",\"namespace\":\"mesh\",\"istiod\":{\"replicas\":3}}");
    assertThat(cr.getSpec().invalid()).isNull();
    assertThat(cr.getSpec().getProfile()).isEqualTo(Profile.DEMO);
    assertThat(cr.getSpec().getNamespace()).isEqualTo("mesh");
    assertThat(cr.getSpec().istiod.replicas).isEqualTo(3);
    // It writes back in the same shape (nothing of the reader's own leaks out).
    assertThat(Serialization.asJson(cr.getSpec()))
        .doesNotContain("invalid")
        .contains("\"replicas\":3");
  }
}
