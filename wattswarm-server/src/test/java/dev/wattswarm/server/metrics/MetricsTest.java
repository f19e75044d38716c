package dev.wattswarm.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.server.LocalNodeApi;
import dev.wattswarm.testkit.TestEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} over real HTTP, checked by Prometheus' own promtool, with values that follow the node. */
@org.junit.jupiter.api.Timeout(300)
class MetricsTest extends LocalNodeApi {

  String scrape() throws Exception {
    var r = send("GET", "/metrics", null, false);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
    return r.body();
  }

  /** Sample lines as series (name plus labels, as printed) to value. */
  static Map<String, Double> samples(String text) {
    Map<String, Double> m = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int sp = line.lastIndexOf(' ');
      m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
    }
    return m;
  }

  static double value(String text, String series) {
    return samples(text).getOrDefault(series, Double.NaN);
  }

  @Test
  void metricsNeedNoTokenPassPromtoolAndAreAllPrefixed() throws Exception {
    String text = scrape();
    promtoolCheck(text);
    for (String series : samples(text).keySet()) assertThat(series).startsWith("wattswarm_");
    // the families the issue names, present from the start
    assertThat(text).contains("wattswarm_events_appended_total{origin=\"local\"}", "wattswarm_events_rejected_total{reason=\"bad_signature\"}",
        "wattswarm_tasks{state=\"open\"}", "wattswarm_task_finalize_latency_seconds_bucket", "wattswarm_p2p_peers ",
        "wattswarm_p2p_strikes_total", "wattswarm_p2p_bans_total", "wattswarm_queue_depth{queue=\"log_write\"}",
        "wattswarm_jvm_memory_used_bytes", "wattswarm_jvm_threads_live_threads", "wattswarm_process_uptime_seconds");
  }

  @Test
  void aSubmittedTaskMovesTheTaskEventAndRequestSeries() throws Exception {
    String before = scrape();
    assertThat(value(before, "wattswarm_tasks{state=\"finalized\"}")).isEqualTo(0.0);
    assertThat(value(before, "wattswarm_task_finalize_latency_seconds_count")).isEqualTo(0.0);
    double appended = value(before, "wattswarm_events_appended_total{origin=\"local\"}");

    var r = send("POST", "/v1/tasks", "{\"task_id\":\"m1\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"count the words please\"}}", true);
    assertThat(r.statusCode()).isEqualTo(201);
    await().atMost(60, TimeUnit.SECONDS).until(() -> value(scrape(), "wattswarm_tasks{state=\"finalized\"}") == 1.0);
    String after = scrape();
    promtoolCheck(after);
    assertThat(value(after, "wattswarm_task_finalize_latency_seconds_count")).isEqualTo(1.0);
    assertThat(value(after, "wattswarm_events_appended_total{origin=\"local\"}")).isGreaterThan(appended);
    assertThat(value(after, "wattswarm_control_requests_seconds_count{method=\"POST\",route=\"/v1/tasks\",status=\"201\"}")).isEqualTo(1.0);
    assertThat(value(after, "wattswarm_log_head_position")).isGreaterThan(value(before, "wattswarm_log_head_position"));
  }

  @Test
  void refusedEventsAndUnauthorizedRequestsAreCountedByReason() throws Exception {
    // an event of another network, signed by a stranger
    assertThatThrownBy(() -> host.node().log().ingest(TestEvents.next(TestEvents.signer(7), 1)))
        .isInstanceOf(EventRejectedException.class);
    assertThat(send("GET", "/v1/node", null, false).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/no/such/path", null, false).statusCode()).isEqualTo(404);
    String text = scrape();
    assertThat(value(text, "wattswarm_events_rejected_total{reason=\"wrong_network\"}")).isEqualTo(1.0);
    assertThat(value(text, "wattswarm_events_rejected_total{reason=\"bad_signature\"}")).isEqualTo(0.0);
    assertThat(value(text, "wattswarm_control_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"401\"}")).isEqualTo(1.0);
    assertThat(value(text, "wattswarm_control_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}")).isEqualTo(1.0);
    promtoolCheck(text);
  }

  @Test
  void promtoolRefusesBrokenExposition() throws Exception {
    // the check itself can fail: a counter without _total and a sample with no value
    assertThatThrownBy(() -> promtoolCheck("# HELP x_requests a\n# TYPE x_requests counter\nx_requests{a=\"b\"\n"))
        .isInstanceOf(AssertionError.class);
  }

  /** Runs {@code promtool check metrics} (Debian's prometheus package; .ci/run installs it). */
  static void promtoolCheck(String text) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is not installed: install Debian's 'prometheus' package (.ci/run does)", e);
    }
    try (var in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) throw new AssertionError("promtool check metrics failed:\n" + out);
  }
}
