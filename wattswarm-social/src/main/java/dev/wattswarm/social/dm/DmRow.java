package dev.wattswarm.social.dm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;

/** One decrypted message of a thread, as {@code dm list} shows it. */
public record DmRow(String from, String to, String text, long atMs, String eventId) {
  public ObjectNode toJson() {
    return CanonicalJson.object().put("from", from).put("to", to).put("text", text).put("at_ms", atMs)
        .put("event_id", eventId);
  }
}
