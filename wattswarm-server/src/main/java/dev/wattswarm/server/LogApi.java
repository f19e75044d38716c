package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.LogVerifyReport;
import dev.wattswarm.node.Node;

/** {@code /v1/log}: head, full verification and projection replay of the running node's log. */
public final class LogApi {
  private final Node node;

  LogApi(Node node) {
    this.node = node;
  }

  void register(Router r) {
    r.get("/v1/log/head", req -> head(node.store()));
    r.post("/v1/log/verify", req -> verify(node.store(), node.config().limits()));
    r.post("/v1/log/replay", req -> replay(node.store()));
  }

  public static ObjectNode head(EventStore store) {
    ObjectNode o = CanonicalJson.object();
    o.put("position", store.headPosition()).put("events", store.count()).put("lanes", store.lanes().size())
        .put("storage", store.backend());
    var last = store.list(Math.max(0, store.headPosition() - 1), 1, dev.wattswarm.kernel.store.EventFilter.ALL);
    if (!last.events().isEmpty()) o.set("last", EventJson.render(last.events().get(0), last.positions().get(0)));
    return o;
  }

  public static ObjectNode verify(EventStore store, dev.wattswarm.kernel.event.EventLimits limits) {
    // a fresh verifier with an empty cache: verification must re-check every signature
    LogVerifyReport rep = store.verifyLog(new EventVerifier(null, limits, EventTypes.kernel(), 1));
    ObjectNode o = CanonicalJson.object();
    o.put("ok", rep.ok()).put("checked", rep.checked()).put("lanes", rep.lanes());
    var arr = o.putArray("problems");
    rep.problems().forEach(arr::add);
    return o;
  }

  public static ObjectNode replay(EventStore store) {
    String before = store.dumpProjections();
    long t0 = System.nanoTime();
    store.replayProjections();
    String after = store.dumpProjections();
    ObjectNode o = CanonicalJson.object();
    o.put("identical", before.equals(after)).put("events", store.count())
        .put("projection_bytes", after.length()).put("millis", (System.nanoTime() - t0) / 1_000_000);
    return o;
  }
}
