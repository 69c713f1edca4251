package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a reconciled control plane is looked at again without an event. */
class RechecksTest {

  @Test
  void withoutMeshCaOrExternalCrdsNothingIsScheduled() {
    assertThat(Rechecks.next(Optional.empty(), false)).isEmpty();
  }

  @Test
  void theMeshCaScheduleIsCappedAtSixHours() {
    assertThat(Rechecks.next(Optional.of(Duration.ofMinutes(5)), false))
        .contains(Duration.ofMinutes(5));
    assertThat(Rechecks.next(Optional.of(Duration.ofDays(30)), false))
        .contains(Rechecks.MAX_CA_CHECK);
  }

  @Test
  void externalCrdsAreLookedAtEveryTenMinutesOrSooner() {
    assertThat(Rechecks.next(Optional.empty(), true)).contains(Rechecks.EXTERNAL_CRDS_CHECK);
    assertThat(Rechecks.next(Optional.of(Duration.ofHours(1)), true))
        .contains(Rechecks.EXTERNAL_CRDS_CHECK);
    assertThat(Rechecks.next(Optional.of(Duration.ofMinutes(3)), true))
        .contains(Duration.ofMinutes(3));
  }
}
