package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The running version moves only once istiod has rolled out; until then it is upgrading. */
class RunningVersionTest {

  @Test
  void aFirstInstallRunsNothingUntilIstiodHasRolledOut() {
    assertThat(RunningVersion.after(null, "1.30.3", true, false))
        .isEqualTo(new RunningVersion(null, false));
    assertThat(RunningVersion.after(null, "1.30.3", true, true))
        .isEqualTo(new RunningVersion("1.30.3", false));
  }

  @Test
  void anUpgradeKeepsTheOldVersionWhileIstiodRollsOut() {
    assertThat(RunningVersion.after("1.29.6", "1.30.3", true, false))
        .isEqualTo(new RunningVersion("1.29.6", true));
    assertThat(RunningVersion.after("1.29.6", "1.30.3", true, true))
        .isEqualTo(new RunningVersion("1.30.3", false));
  }

  @Test
  void theSameVersionIsNoUpgradeEvenWhileIstiodRollsOut() {
    assertThat(RunningVersion.after("1.30.3", "1.30.3", true, false))
        .isEqualTo(new RunningVersion("1.30.3", false));
  }

  @Test
  void withoutIstiodTheWantedVersionRunsAtOnce() {
    assertThat(RunningVersion.after(null, "1.30.3", false, false))
        .isEqualTo(new RunningVersion("1.30.3", false));
    // As the reconciler always did: one reconcile reports an upgrade, the next starts from the new
    // version and reports none.
    assertThat(RunningVersion.after("1.29.6", "1.30.3", false, false))
        .isEqualTo(new RunningVersion("1.30.3", true));
    assertThat(RunningVersion.after("1.30.3", "1.30.3", false, false))
        .isEqualTo(new RunningVersion("1.30.3", false));
  }
}
