package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.StatusCondition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-01-01T11:00:00Z");

  @Test
  void newConditionTransitionsNowTruncatedToSeconds() {
    var c = new Conditions(List.of(), T0, 3L).set("Ready", true, "Ok", "fine").build().get(0);
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
    assertThat(c.getStatus()).isEqualTo(StatusCondition.TRUE);
  }

  @Test
  void unchangedStatusKeepsLastTransitionTimeEvenIfMessageChanges() {
    var first = new Conditions(List.of(), T0, 1L).set("Ready", true, "Ok", "a").build();
    var second = new Conditions(first, T1, 2L).set("Ready", true, "Ok", "b").build().get(0);
    assertThat(second.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(second.getMessage()).isEqualTo("b");
  }

  @Test
  void changedStatusMovesLastTransitionTime() {
    var first = new Conditions(List.of(), T0, 1L).set("Ready", true, "Ok", "a").build();
    var second = new Conditions(first, T1, 1L).set("Ready", false, "Down", "b").build().get(0);
    assertThat(second.getLastTransitionTime()).isEqualTo("2026-01-01T11:00:00Z");
  }

  @Test
  void sameInputsGiveEqualConditions() {
    var first = new Conditions(List.of(), T0, 1L).set("Ready", true, "Ok", "a").build();
    var again = new Conditions(first, T1, 1L).set("Ready", true, "Ok", "a").build();
    assertThat(again).isEqualTo(first);
  }
}
