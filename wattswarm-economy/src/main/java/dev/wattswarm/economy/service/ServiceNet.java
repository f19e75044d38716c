package dev.wattswarm.economy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.Strategy;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.EconomyException.Kind;
import dev.wattswarm.economy.ledger.Amounts;
import dev.wattswarm.economy.wallet.Wallet;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.node.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * ServiceNet: agents advertise a capability at a price (a signed {@code service.advertised} event
 * in the global scope), anyone discovers the offers, and a call goes to the cheapest provider
 * within the caller's price; the provider answers with a receipt it signs (request hash, response
 * hash, price), the caller checks it and only then pays the provider's account. A provider that
 * fails, times out or returns a bad receipt is not paid.
 */
public final class ServiceNet {
  public static final String ADVERTISED = "service.advertised";
  private final Node node;
  private final AgentRuntime agents;
  private final Wallet wallet;

  public ServiceNet(Node node, AgentRuntime agents, Wallet wallet) {
    this.node = node;
    this.agents = agents;
    this.wallet = wallet;
  }

  /** Advertises {@code capability} at {@code price} for one of this node's agents. */
  public ObjectNode advertise(String capability, long price, String agentName) {
    if (capability == null || !capability.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new EconomyException(Kind.BAD_INPUT, "capability", "capability must be 1-64 letters, digits, '.', '_' or '-'");
    }
    if (price < 1 || price > Amounts.MAX) throw new EconomyException(Kind.BAD_INPUT, "price", "price must be a whole number from 1 to " + Amounts.MAX);
    var agent = local(agentName);
    ObjectNode p = CanonicalJson.object();
    p.put("capability", capability).put("price", price).put("provider", agent.id()).put("agent", agent.spec().name())
        .put("node", node.nodeId().toString());
    node.log().publish(Scope.GLOBAL, EventKind.EVENTS, ADVERTISED, "", p);
    return p;
  }

  private dev.wattswarm.agents.LocalAgent local(String name) {
    if (agents == null || agents.localAgents().isEmpty()) {
      throw new EconomyException(Kind.NOT_FOUND, "agent", "this node runs no agents; start it with --agent NAME:ROLE:CAPS to sell a service");
    }
    if (name == null || name.isBlank()) return agents.localAgents().get(0);
    for (var a : agents.localAgents()) if (a.spec().name().equals(name) || a.id().equals(name)) return a;
    throw new EconomyException(Kind.NOT_FOUND, "agent", "no agent '" + name + "' runs on this node (agents list shows them)");
  }

  /** The price this node's agent {@code agentName} asks for {@code capability}, or -1. */
  public static long ownPrice(Node node, String agentName, String capability) {
    long price = -1;
    for (JsonNode ad : ads(node, capability)) {
      if (ad.path("node").asText().equals(node.nodeId().toString()) && ad.path("agent").asText().equals(agentName)
          && ad.path("capability").asText().equals(capability)) price = ad.path("price").asLong();
    }
    return price;
  }

  /** The latest offer of each (provider, capability), signed by the provider's own node. */
  public List<ObjectNode> ads(String capability) {
    return ads(node, capability);
  }

  static List<ObjectNode> ads(Node node, String capability) {
    TreeMap<String, ObjectNode> latest = new TreeMap<>();
    long after = 0;
    while (true) {
      EventPage page = node.store().list(after, 1000, new EventFilter(ADVERTISED, "", ""));
      for (Event e : page.events()) {
        JsonNode p = CanonicalJson.parse(e.payload());
        if (!p.path("node").asText().equals(e.author().toString())) continue; // only a node speaks for its agents
        if (capability != null && !capability.equals(p.path("capability").asText())) continue;
        if (Amounts.of(p.get("price")) == null) continue;
        ObjectNode ad = ((ObjectNode) p).deepCopy();
        ad.put("clock", e.clock());
        String key = p.path("provider").asText() + " " + p.path("capability").asText();
        ObjectNode held = latest.get(key);
        if (held == null || held.path("clock").asLong() < e.clock()) latest.put(key, ad);
      }
      if (page.events().isEmpty() || page.nextCursor() == after) break;
      after = page.nextCursor();
    }
    List<ObjectNode> out = new ArrayList<>(latest.values());
    out.forEach(a -> a.remove("clock"));
    out.sort(java.util.Comparator.comparingLong((ObjectNode a) -> a.path("price").asLong()).thenComparing(a -> a.path("provider").asText()));
    return out;
  }

  public ObjectNode list(String capability) {
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("services");
    ads(capability).forEach(arr::add);
    return o;
  }

  /**
   * Calls the cheapest provider of {@code capability} asking at most {@code maxPrice}, checks its
   * signed receipt, then pays it.
   */
  public ObjectNode call(String capability, JsonNode request, long maxPrice) {
    if (agents == null) throw new EconomyException(Kind.CONFLICT, null, "this node runs without agents, so it cannot reach providers");
    List<ObjectNode> offers = new ArrayList<>();
    for (ObjectNode ad : ads(capability)) if (ad.path("price").asLong() <= maxPrice) offers.add(ad);
    if (offers.isEmpty()) {
      throw new EconomyException(Kind.NOT_FOUND, "capability", "no provider sells " + capability + " for " + maxPrice
          + " WATT or less (service list --capability " + capability + " shows the offers)");
    }
    ObjectNode ad = offers.get(0);
    long price = ad.path("price").asLong();
    String provider = ad.path("provider").asText();
    wallet.requireFunds(wallet.nodeAccount(), price);
    ObjectNode call = CanonicalJson.object();
    call.putObject("servicenet").put("capability", capability).put("price", price).put("caller", wallet.nodeAccount())
        .put("nonce", UUID.randomUUID().toString()).set("request", request);
    AgentRuntime.Reply reply;
    try {
      reply = agents.operatorRequest(provider, call, Strategy.RANDOM, 30_000);
    } catch (RuntimeException e) {
      throw new EconomyException(Kind.CONFLICT, null, "provider " + provider + " failed (" + e.getMessage() + "); nothing was paid");
    }
    JsonNode body = reply.body();
    JsonNode receipt = body.path("receipt");
    if (body.has("error") || !reply.agentId().equals(provider) || !receipt.path("provider").asText().equals(provider)
        || receipt.path("price").asLong() != price || !Receipt.verify(receipt, node.networkId(), request, body.path("reply"))) {
      throw new EconomyException(Kind.CONFLICT, null, "provider " + provider + " gave no valid signed receipt ("
          + body.path("error").asText("bad receipt") + "); nothing was paid");
    }
    ObjectNode memo = CanonicalJson.object().put("service", capability).put("receipt", receipt.path("signature").asText());
    ObjectNode payment = wallet.pay(null, provider, price, memo);
    ObjectNode out = CanonicalJson.object();
    out.put("provider", provider).put("node", reply.nodeId()).put("capability", capability);
    out.set("reply", body.path("reply"));
    out.set("receipt", receipt);
    out.set("payment", payment);
    return out;
  }
}
