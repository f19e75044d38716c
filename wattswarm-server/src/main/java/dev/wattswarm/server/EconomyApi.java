package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.economy.Economy;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.ledger.Amounts;
import dev.wattswarm.kernel.task.TaskValidationException;

/**
 * {@code /v1/watt} (balance, supply, history, transfer) and {@code /v1/missions} (post, list, show,
 * cancel). Refusals carry the ledger's reason: 400 bad input, 402 short balance, 404 unknown
 * account or mission, 409 a state that forbids it.
 */
final class EconomyApi {
  private final Economy economy;

  EconomyApi(Economy economy) {
    this.economy = economy;
  }

  void register(Router r) {
    r.get("/v1/watt/balance", req -> call(() -> economy.wallet().balance(req.query("account", null))));
    r.get("/v1/watt/balance/{account}", req -> call(() -> economy.wallet().balance(req.path("account"))));
    r.get("/v1/watt/supply", req -> economy.wallet().reader().supply());
    r.get("/v1/watt/history", req -> call(() -> economy.wallet().history(req.query("account", null), req.intQuery("limit", 100, 1, 10_000))));
    r.post("/v1/watt/transfer", this::transfer);
    r.post("/v1/missions", this::post);
    r.get("/v1/missions", req -> call(() -> economy.missions().list(req.query("state", null), req.intQuery("limit", 100, 1, 1000))));
    r.get("/v1/missions/{id}", req -> call(() -> economy.missions().show(req.path("id"))));
    r.post("/v1/missions/{id}/cancel", req -> call(() -> economy.missions().cancel(req.path("id"))));
    r.post("/v1/services", req -> {
      JsonNode b = object(req);
      long price = amount(b, "price");
      return new Router.Status(201, call(() -> economy.services().advertise(b.path("capability").asText(null), price,
          b.path("agent").isTextual() ? b.get("agent").asText() : null)));
    });
    r.get("/v1/services", req -> economy.services().list(req.query("capability", null)));
    r.post("/v1/services/call", req -> {
      JsonNode b = object(req);
      long max = amount(b, "max_price");
      if (!b.has("request")) throw ApiException.badRequest("request", "\"request\" is missing: the JSON to send the provider");
      return call(() -> economy.services().call(b.path("capability").asText(""), b.get("request"), max));
    });
    r.post("/v1/oracles", req -> {
      JsonNode b = object(req);
      long price = b.has("price") ? (b.path("price").asLong(-1) == 0 ? 0 : amount(b, "price")) : 0;
      return new Router.Status(201, call(() -> economy.oracles().publish(b.path("feed").asText(null), b.get("value"), price)));
    });
    r.post("/v1/oracles/{feed}/subscribe", req -> call(() -> economy.oracles().subscribe(req.path("feed"))));
    r.get("/v1/oracles/{feed}", req -> call(() -> economy.oracles().read(req.path("feed"))));
    new HiveApi(economy.hives()).register(r);
  }

  private static JsonNode object(Request req) {
    JsonNode b = req.json();
    if (b == null || !b.isObject()) throw ApiException.badRequest(null, "the body must be a JSON object");
    return b;
  }

  private static long amount(JsonNode b, String field) {
    try {
      return Amounts.parse(b.get(field), field);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, e.getMessage());
    }
  }

  private Object transfer(Request req) {
    JsonNode b = req.json();
    if (b == null || !b.isObject()) throw ApiException.badRequest(null, "the body must be a JSON object: {\"to\": ACCOUNT, \"amount\": N}");
    if (!b.path("to").isTextual()) throw ApiException.badRequest("to", "\"to\" is missing: the account (node id or agent id) to pay");
    long amount;
    try {
      amount = Amounts.parse(b.get("amount"), "amount");
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("amount", e.getMessage());
    }
    String from = b.path("from").isTextual() ? b.get("from").asText() : null;
    return new Router.Status(201, call(() -> economy.wallet().transfer(b.get("to").asText(), amount, from)));
  }

  private Object post(Request req) {
    JsonNode body = req.json();
    return new Router.Status(201, call(() -> {
      try {
        return economy.missions().post(body);
      } catch (TaskValidationException e) {
        throw TaskApi.invalid(e);
      }
    }));
  }

  static <T> T call(java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (EconomyException e) {
      throw mapped(e);
    }
  }

  static ApiException mapped(EconomyException e) {
    return switch (e.kind()) {
      case BAD_INPUT -> new ApiException(400, "bad_request", e.getMessage(), e.field());
      case NOT_FOUND -> new ApiException(404, "not_found", e.getMessage(), e.field());
      case INSUFFICIENT_FUNDS -> new ApiException(402, "insufficient_funds", e.getMessage(), e.field());
      case CONFLICT -> new ApiException(409, "conflict", e.getMessage(), e.field());
    };
  }
}
