package dev.meshoperator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {

  @Test
  void largeBodiesExhaustTheirBudgetWhileSmallRequestsStillGetSlots() {
    var budget = new BodyBudget(4, 3 * BodyBudget.SMALL);
    var big = budget.open();
    assertThat(big.grow(BodyBudget.SMALL)).as("the first 64 KiB come with the slot").isTrue();
    assertThat(budget.largeUsed()).isZero();
    assertThat(big.grow(3L * BodyBudget.SMALL)).isTrue();
    assertThat(budget.largeUsed()).isEqualTo(2L * BodyBudget.SMALL);
    var big2 = budget.open();
    assertThat(big2.grow(3L * BodyBudget.SMALL)).as("only one step left").isFalse();
    assertThat(big2.grow(2L * BodyBudget.SMALL)).isTrue();
    // The large budget is gone; small requests still fit in their slots.
    var small = budget.open();
    assertThat(small.grow(5_000)).isTrue();
    var small2 = budget.open();
    assertThat(small2).isNotNull();
    assertThat(budget.open()).as("every slot taken").isNull();
    big.close();
    big.close(); // idempotent
    assertThat(budget.largeUsed()).isEqualTo(BodyBudget.SMALL);
    assertThat(budget.inFlight()).isEqualTo(3);
    for (var lease : new BodyBudget.Lease[] {big2, small, small2}) {
      lease.close();
    }
    assertThat(budget.largeUsed()).isZero();
    assertThat(budget.inFlight()).isZero();
  }
}
