package dev.wattswarm.server.a2a;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.Version;
import dev.wattswarm.kernel.json.CanonicalJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Collection;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code /.well-known/agent-card.json}: the swarm as one A2A v1.0 agent. Its skills are the
 * capabilities of the node's agents (plus {@code swarm}, any task); it asks for a gateway key as
 * an HTTP bearer token; its one interface is the JSON-RPC transport at {@link A2aRpc#PATH}.
 * The card is public, as discovery needs it to be; it names no key and no secret.
 */
public final class AgentCardRoute {
  public static final String PATH = "/.well-known/agent-card.json";
  static final String SCHEME = "gateway_key";

  private final String nodeId;
  private final Supplier<String> baseUrl;
  private final Supplier<Collection<String>> capabilities;

  /** @param baseUrl the listener's public base URL, known once it is bound */
  public AgentCardRoute(String nodeId, Supplier<String> baseUrl, Supplier<Collection<String>> capabilities) {
    this.nodeId = nodeId;
    this.baseUrl = baseUrl;
    this.capabilities = capabilities;
  }

  public void register(RoutesConfig r) {
    r.get(PATH, this::card);
  }

  ObjectNode card() {
    ObjectNode c = CanonicalJson.object().put("name", "wattswarm node " + nodeId)
        .put("description", "A wattswarm swarm: each message becomes a swarm task that the swarm's agents claim, run and agree on;"
            + " the decided output comes back as the task's artifact.")
        .put("version", Version.get());
    c.putArray("supportedInterfaces").addObject().put("url", baseUrl.get() + A2aRpc.PATH).put("protocolBinding", "JSONRPC")
        .put("protocolVersion", "1.0");
    c.putObject("provider").put("organization", "wattswarm").put("url", baseUrl.get());
    c.putObject("capabilities").put("streaming", true).put("pushNotifications", false).put("extendedAgentCard", false);
    c.putObject("securitySchemes").putObject(SCHEME).putObject("httpAuthSecurityScheme").put("scheme", "Bearer")
        .put("description", "a gateway key from `wattswarm gateway key create NAME`");
    c.putArray("securityRequirements").addObject().putObject("schemes").putObject(SCHEME);
    c.putArray("defaultInputModes").add("text/plain").add("application/json");
    c.putArray("defaultOutputModes").add("text/plain").add("application/json");
    ArrayNode skills = c.putArray("skills");
    skills.addObject().put("id", "swarm").put("name", "swarm task")
        .put("description", "Any task: the message text is the prompt; a data part holding a task (task_type, inputs, ...) is used as is.")
        .putArray("tags").add("swarm");
    for (String cap : new TreeSet<>(capabilities.get())) {
      if (cap.equals("swarm")) continue;
      ObjectNode s = skills.addObject().put("id", cap).put("name", cap)
          .put("description", "Tasks needing the '" + cap + "' capability: send a data part {\"task_type\": ..., \"capability\": \"" + cap
              + "\", \"inputs\": {\"prompt\": ...}}.");
      s.putArray("tags").add(cap);
    }
    return c;
  }

  private void card(Context ctx) {
    ctx.contentType("application/json").header("Cache-Control", "no-store").result(card().toString());
  }
}
