package dev.wattswarm.node.log;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventLimits;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.store.EventStores;
import dev.wattswarm.testkit.TestEvents;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Child process for {@link KillDuringBurstTest}: publishes events as fast as it can through a
 * NodeLog and prints the id of each one whose append was acknowledged, until it is killed.
 * Args: backend-config... (see {@link KillDuringBurstTest#storeConfig}).
 */
public final class BurstWriter {
  public static void main(String[] args) throws Exception {
    EventStore store = EventStores.open(KillDuringBurstTest.storeConfig(args), List.of(new TallyProjector()));
    EventSigner signer = new EventSigner(TestEvents.key(42), TestEvents.NETWORK, Clock.systemUTC());
    NodeLog log = new NodeLog(store, signer, new EventVerifier(TestEvents.NETWORK, EventLimits.DEFAULT, EventTypes.kernel(), 1024));
    PrintStream out = new PrintStream(System.out, false);
    out.println("READY");
    out.flush();
    for (long i = 0; ; i++) {
      // bursts of concurrent publishes so the writer commits groups, as under real load
      CompletableFuture<?>[] burst = new CompletableFuture<?>[32];
      for (int j = 0; j < burst.length; j++) {
        Scope scope = j % 3 == 0 ? Scope.parse("region:r" + (j % 2)) : Scope.GLOBAL;
        burst[j] = log.publishAsync(scope, EventKind.EVENTS, EventTypes.NODE_STARTED, "",
                CanonicalJson.object().put("i", i).put("j", j))
            .thenAccept(e -> {
              synchronized (out) {
                out.println("ACK " + ((Event) e).id().hex());
              }
            });
      }
      CompletableFuture.allOf(burst).join();
      synchronized (out) {
        out.flush();
      }
    }
  }
}
