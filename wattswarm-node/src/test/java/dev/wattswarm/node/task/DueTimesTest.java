package dev.wattswarm.node.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DueTimesTest {
  @Test
  void onlyTasksWhoseTimeHasComeAreTakenEachOnce() {
    DueTimes d = new DueTimes();
    d.schedule("late", 30L * 86_400_000);
    d.schedule("a", 100);
    d.schedule("b", 50);
    assertThat(d.pollDue(49)).isEmpty();
    assertThat(d.pollDue(100)).containsExactly("b", "a");
    assertThat(d.pollDue(1_000)).isEmpty();
    assertThat(d.size()).isEqualTo(1);
  }

  @Test
  void aLaterScheduleReplacesTheEarlierOneAndForgetCancels() {
    DueTimes d = new DueTimes();
    d.schedule("t", 10);
    d.schedule("t", 500);
    assertThat(d.pollDue(100)).isEmpty();
    assertThat(d.pollDue(500)).containsExactly("t");
    d.schedule("u", 10);
    d.forget("u");
    d.schedule("v", Long.MAX_VALUE);
    assertThat(d.pollDue(Long.MAX_VALUE - 1)).isEmpty();
    assertThat(d.size()).isZero();
  }

  @Test
  void churnDoesNotPileUpStaleEntries() {
    DueTimes d = new DueTimes();
    for (int i = 0; i < 100_000; i++) d.schedule("t" + (i % 10), 1_000 + i);
    assertThat(d.size()).isEqualTo(10);
    assertThat(d.pollDue(Long.MAX_VALUE - 1)).hasSize(10);
  }

  @Test
  void nextAfterSkipsPastAndUnsetDeadlines() {
    assertThat(DueTimes.nextAfter(100, 0, 50, 200, 150, Long.MAX_VALUE)).isEqualTo(151);
    assertThat(DueTimes.nextAfter(100, 0, 50)).isEqualTo(Long.MAX_VALUE);
  }
}
