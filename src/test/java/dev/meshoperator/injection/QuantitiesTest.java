package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantitiesTest {

  @ParameterizedTest
  @CsvSource({
    "1000m,1",
    "3000m,3",
    "4000m,4",
    "100m,100m",
    "0.5,500m",
    "1500m,1500m",
    "2000,2k",
    "1024Mi,1Gi",
    "1536Mi,1536Mi",
    "1.5Gi,1536Mi",
    "0,0",
    "0Mi,0",
    "512,512",
    "1e3,1e3",
    "1000e0,1e3",
    "0.1m,100u"
  })
  void canonicalFormMatchesKubernetes(String in, String expected) {
    assertThat(Quantities.canonical(in)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"lots", "1Gb", "'1 Gi'", "''", "--1"})
  void invalidQuantities(String in) {
    assertThat(Quantities.isValid(in)).isFalse();
  }
}
