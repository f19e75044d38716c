package dev.wattswarm.node.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventLimits;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.store.EventStores;
import dev.wattswarm.store.StoreConfig;
import dev.wattswarm.testkit.PostgresHarness;
import dev.wattswarm.testkit.TestEvents;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 in the middle of a burst of appends: on restart the log verifies, every acknowledged
 * event is there, projections equal a replay, and the writer's lanes resume without a gap.
 */
@org.junit.jupiter.api.Timeout(300)
class KillDuringBurstTest {
  @TempDir Path dir;

  static StoreConfig storeConfig(String[] args) {
    return args[0].equals("sqlite") ? StoreConfig.sqlite(Path.of(args[1]))
        : StoreConfig.postgres(args[1], args[2].isEmpty() ? null : args[2], null, args[3]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void acknowledgedEventsSurviveKillMinus9(String backend) throws Exception {
    String[] args;
    if (backend.equals("sqlite")) {
      args = new String[] {"sqlite", dir.resolve("wattswarm.db").toString()};
    } else {
      PostgresHarness pg = PostgresHarness.get();
      args = new String[] {"postgres", pg.url(), pg.user() == null ? "" : pg.user(), PostgresHarness.freshSchema("ws_kill")};
    }
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), BurstWriter.class.getName()));
    cmd.addAll(List.of(args));
    Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<EventId> acked = new ArrayList<>();
    try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("ACK ")) acked.add(EventId.parse(line.substring(4)));
        if (acked.size() >= 2000) {
          child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-transaction
          break;
        }
      }
    }
    child.waitFor();
    assertThat(acked).as("the writer acknowledged events before it was killed").hasSizeGreaterThanOrEqualTo(2000);

    try (EventStore store = EventStores.open(storeConfig(args), List.of(new TallyProjector()))) {
      var report = store.verifyLog(new EventVerifier(null, EventLimits.DEFAULT, EventTypes.kernel(), 16));
      assertThat(report.problems()).isEmpty();
      assertThat(report.checked()).isGreaterThanOrEqualTo(acked.size());
      for (EventId id : acked) assertThat(store.contains(id)).as("acknowledged %s", id).isTrue();
      String projections = store.dumpProjections();
      store.replayProjections();
      assertThat(store.dumpProjections()).isEqualTo(projections);

      EventSigner signer = new EventSigner(TestEvents.key(42), TestEvents.NETWORK, Clock.systemUTC());
      try (NodeLog log = new NodeLog(store, signer, new EventVerifier(TestEvents.NETWORK, EventLimits.DEFAULT, EventTypes.kernel(), 16))) {
        long before = store.count();
        log.publish(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("after", true));
        assertThat(store.count()).isEqualTo(before + 1);
      }
      assertThat(store.verifyLog(new EventVerifier(null, EventLimits.DEFAULT, EventTypes.kernel(), 16)).ok()).isTrue();
    }
  }
}
