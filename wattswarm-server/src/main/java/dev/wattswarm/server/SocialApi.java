package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.social.RelationshipView;
import dev.wattswarm.social.Social;
import dev.wattswarm.social.SocialException;
import dev.wattswarm.social.dm.DmRow;

/** {@code /v1/relationships} and {@code /v1/dm/{node_id}}. */
final class SocialApi {
  static final int MAX_LIST = 10_000;
  private final Social social;

  SocialApi(Social social) {
    this.social = social;
  }

  void register(Router r) {
    r.get("/v1/relationships", req -> list());
    r.post("/v1/relationships/{node_id}/{action}", req -> {
      NodeId peer = peer(req);
      String note = null;
      if (req.path("action").equals("request")) {
        byte[] body = req.body();
        if (body.length > 0) {
          JsonNode b;
          try {
            b = CanonicalJson.parse(body);
          } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("body", e.getMessage());
          }
          if (b.has("note") && !b.get("note").isTextual()) throw ApiException.badRequest("note", "note must be a string");
          note = b.path("note").asText("");
        }
      }
      String n = note;
      RelationshipView v = call(() -> social.relationships().act(peer, req.path("action"), n));
      // null: the action counted for nothing yet (a request to a node that blocks us)
      return v == null ? CanonicalJson.object().put("node_id", peer.toString()).put("state", "none") : row(v);
    });
    r.get("/v1/dm/{node_id}", req -> {
      NodeId peer = peer(req);
      int limit = req.intQuery("limit", 100, 1, MAX_LIST);
      ObjectNode o = CanonicalJson.object();
      ArrayNode arr = o.putArray("messages");
      for (DmRow m : social.dms().list(peer, limit)) arr.add(m.toJson());
      return o;
    });
    r.add("POST", "/v1/dm/{node_id}", req -> {
      NodeId peer = peer(req);
      JsonNode b = req.json();
      if (!b.path("text").isTextual()) throw ApiException.badRequest("text", "send {\"text\": \"...\"}");
      return call(() -> social.dms().send(peer, b.get("text").asText())).toJson();
    }, 201);
  }

  private ObjectNode list() {
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("relationships");
    for (RelationshipView v : social.relationships().views()) arr.add(row(v));
    return o;
  }

  static ObjectNode row(RelationshipView v) {
    ObjectNode o = CanonicalJson.object().put("node_id", v.peer().toString()).put("state", v.state().wire())
        .put("updated_at_ms", v.updatedAtMs());
    if (!v.note().isEmpty()) o.put("note", v.note());
    o.put("contact_verified", v.peerCard() != null);
    return o;
  }

  private static NodeId peer(Request req) {
    try {
      return NodeId.parse(req.path("node_id"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("node_id", "node_id '" + req.path("node_id") + "' is not a node id: " + e.getMessage());
    }
  }

  private static <T> T call(java.util.function.Supplier<T> op) {
    try {
      return op.get();
    } catch (SocialException e) {
      throw switch (e.kind()) {
        case BAD_INPUT -> ApiException.badRequest(null, e.getMessage());
        case REFUSED -> new ApiException(409, "refused", e.getMessage(), null);
        case OFFLINE -> new ApiException(409, "offline", e.getMessage(), null);
      };
    }
  }
}
