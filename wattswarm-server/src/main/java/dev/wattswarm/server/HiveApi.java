package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.economy.hive.HiveMessages;
import dev.wattswarm.economy.hive.Hives;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * {@code /v1/hives}: list, create, show with members, join, leave, post and read messages. Refusals
 * as the rest of the economy: 400 a bad hive id, topic or message text, 404 an unknown hive, 409
 * leaving (or posting to) a hive this node is not in or creating one that exists.
 */
final class HiveApi {
  private final Hives hives;

  HiveApi(Hives hives) {
    this.hives = hives;
  }

  void register(Router r) {
    r.get("/v1/hives", req -> hives.list());
    r.post("/v1/hives", req -> {
      JsonNode b = req.json();
      if (b == null || !b.isObject()) throw ApiException.badRequest(null, "the body must be a JSON object: {\"id\": HIVE, \"topic\": T}");
      if (!b.path("id").isTextual()) throw ApiException.badRequest("id", "\"id\" is missing: the hive id to create");
      if (b.has("topic") && !b.get("topic").isTextual() && !b.get("topic").isNull()) {
        throw ApiException.badRequest("topic", "\"topic\" must be a string");
      }
      String topic = b.path("topic").isTextual() ? b.get("topic").asText() : null;
      return new Router.Status(201, EconomyApi.call(() -> hives.create(b.get("id").asText(), topic)));
    });
    r.get("/v1/hives/{id}", req -> EconomyApi.call(() -> hives.show(req.path("id"))));
    r.get("/v1/hives/{id}/members", req -> EconomyApi.call(() -> {
      var h = hives.show(req.path("id"));
      var o = CanonicalJson.object().put("hive", h.path("hive").asText());
      o.set("members", h.get("members"));
      return o;
    }));
    r.post("/v1/hives/{id}/join", req -> EconomyApi.call(() -> hives.join(req.path("id"))));
    r.post("/v1/hives/{id}/leave", req -> EconomyApi.call(() -> hives.leave(req.path("id"))));
    r.get("/v1/hives/{id}/messages", req -> EconomyApi.call(() -> hives.messages().list(req.path("id"),
        req.intQuery("limit", HiveMessages.DEFAULT_LIMIT, 1, HiveMessages.MAX_LIMIT))));
    r.post("/v1/hives/{id}/messages", req -> {
      JsonNode b = req.json();
      if (b == null || !b.isObject() || !b.path("text").isTextual()) {
        throw ApiException.badRequest("text", "the body must be a JSON object with the message: {\"text\": T}");
      }
      return new Router.Status(201, EconomyApi.call(() -> hives.messages().post(req.path("id"), b.get("text").asText())));
    });
  }
}
