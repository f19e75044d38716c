package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;

/** The JSON shape of an event in the API. */
public final class EventJson {
  private EventJson() {}

  public static ObjectNode render(Event e, long position) {
    ObjectNode o = CanonicalJson.object();
    o.put("position", position).put("id", e.id().hex()).put("type", e.type()).put("network_id", e.networkId())
        .put("author", e.author().toString()).put("scope", e.scope().toString()).put("kind", e.kind().wire())
        .put("task_id", e.taskId()).put("clock", e.clock()).put("lane_seq", e.laneSeq())
        .put("prev", e.prev().hex()).put("created_at_ms", e.createdAtMs());
    o.set("payload", CanonicalJson.parse(e.payload()));
    o.put("signature", Hashes.hex(e.signature()));
    return o;
  }
}
