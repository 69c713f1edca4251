package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.IstioVersions;
import org.junit.jupiter.api.Test;

class IstioReleaseTest {

  @Test
  void changesApplyFromTheirMinorOn() {
    var r128 = IstioRelease.of("1.28.10");
    var r129 = IstioRelease.of("1.29.6");
    var r130 = IstioRelease.of("1.30.3");
    assertThat(r128.has(IstioRelease.Change.ISTIOD_NO_GOMEMLIMIT_ENV)).isFalse();
    assertThat(r129.has(IstioRelease.Change.ISTIOD_NO_GOMEMLIMIT_ENV)).isTrue();
    assertThat(r129.has(IstioRelease.Change.STANDARD_LISTENERSETS)).isFalse();
    assertThat(r130.has(IstioRelease.Change.STANDARD_LISTENERSETS)).isTrue();
    // Every change is one of a supported release: the newest has them all.
    for (var c : IstioRelease.Change.values()) {
      assertThat(IstioRelease.newest().has(c)).as(c.name()).isTrue();
    }
  }

  @Test
  void anUnparsableVersionIsTakenAsTheNewest() {
    assertThat(IstioRelease.of("latest").minor()).isEqualTo(IstioRelease.newest().minor());
    assertThat(IstioRelease.supported()).hasSize(IstioVersions.SUPPORTED.size());
  }

  @Test
  void eachReleaseHasItsOwnCrdsAndTheOperatorInstallsTheUnion() {
    assertThat(IstioCrds.table(IstioRelease.of("1.28.10"))).hasSize(14);
    assertThat(IstioCrds.table(IstioRelease.newest())).isEqualTo(IstioCrds.table());
  }

  @Test
  void theReaderReadsConfigMapsFrom129AndListenerSetsMoveIn130() {
    assertThat(IstiodRbac.readerClusterRules(IstioRelease.of("1.28.10")).toString())
        .doesNotContain("configmaps");
    assertThat(IstiodRbac.readerClusterRules(IstioRelease.of("1.29.6")).toString())
        .contains("configmaps");
    assertThat(IstiodRbac.istiodClusterRules(IstioRelease.of("1.29.6")).toString())
        .contains("xlistenersets/status")
        .doesNotContain(" listenersets/status");
    assertThat(IstiodRbac.istiodClusterRules(IstioRelease.of("1.30.3")).toString())
        .doesNotContain("xlistenersets/status");
  }
}
