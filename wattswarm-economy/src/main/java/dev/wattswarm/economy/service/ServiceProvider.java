package dev.wattswarm.economy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.Responder;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.function.Function;
import java.util.function.ToLongBiFunction;

/**
 * An agent's brain with ServiceNet in front: a request wrapped as {@code {"servicenet": {...}}}
 * is answered by the brain and comes back with a receipt the agent signs, at the price the agent
 * advertised (a caller offering less is refused); anything else goes to the brain unchanged.
 */
public final class ServiceProvider implements Responder {
  private final Responder inner;
  private final Function<AgentSpec, KeyPair> keys;
  private final ToLongBiFunction<String, String> price;
  private final String networkId;

  /** @param price the advertised price for (agent name, capability), or -1 when the agent sells none */
  public ServiceProvider(Responder inner, Function<AgentSpec, KeyPair> keys, ToLongBiFunction<String, String> price, String networkId) {
    this.inner = inner;
    this.keys = keys;
    this.price = price;
    this.networkId = networkId;
  }

  /** Wraps an agent brain of {@code node}: keys from the agents' key files, prices from the node's own ads. */
  public static Responder forNode(dev.wattswarm.node.Node node, Responder inner) {
    return new ServiceProvider(inner,
        spec -> dev.wattswarm.node.state.IdentityFile.load(node.stateDir().file("agents").resolve(spec.name() + ".key")),
        (agent, capability) -> ServiceNet.ownPrice(node, agent, capability), node.networkId());
  }

  /** A ServiceNet call reads the agent's key file and the node's ads; anything else is as blocking as the brain. */
  @Override
  public boolean blocking(JsonNode body) {
    JsonNode call = body == null ? null : body.get("servicenet");
    return call != null && call.isObject() || inner.blocking(body);
  }

  @Override
  public JsonNode respond(AgentSpec self, String from, JsonNode body) throws Exception {
    JsonNode call = body == null ? null : body.get("servicenet");
    if (call == null || !call.isObject()) return inner.respond(self, from, body);
    String capability = call.path("capability").asText();
    long asked = price.applyAsLong(self.name(), capability);
    ObjectNode out = CanonicalJson.object();
    if (asked < 0) return out.put("error", "agent " + self.name() + " does not sell " + capability);
    if (call.path("price").asLong(-1) < asked) return out.put("error", capability + " costs " + asked + " WATT here");
    JsonNode request = call.path("request");
    JsonNode reply = inner.respond(self, from, request);
    out.set("reply", reply);
    out.set("receipt", Receipt.sign(keys.apply(self), networkId, capability, asked, call.path("caller").asText(),
        call.path("nonce").asText(), request, reply));
    return out;
  }
}
