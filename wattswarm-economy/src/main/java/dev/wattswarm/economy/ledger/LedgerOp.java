package dev.wattswarm.economy.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * One op of an account chain, as it came in an event. A node's own ops ride its global lane and
 * are ordered by lane sequence; an agent's ops ride its host node's global lane, signed by the
 * agent too, and are ordered by {@code agent_seq} (1, 2, ...).
 *
 * @param owner the account whose chain the op belongs to (the payer of a debit, the payee of an
 *     acknowledgement)
 * @param carrier the node that signed the event; equal to {@code owner} for a node's own ops
 * @param agentSeq the op's position in an agent's chain, 0 for a node's op
 * @param body the payload, canonical
 */
public record LedgerOp(String type, String eventId, String owner, String carrier, long carrierSeq, long agentSeq, JsonNode body) {
  public static final String GENESIS = "watt.genesis";
  public static final String SENT = "watt.sent";
  public static final String RECEIVED = "watt.received";
  public static final String ESCROWED = "watt.escrowed";

  public boolean byAgent() {
    return agentSeq > 0;
  }

  /**
   * The op an event carries, or null when the event is not a well-formed ledger op: not a watt
   * type, not in the global scope, or an agent op whose signature, host or sequence is wrong.
   * Such events stay in the log (lanes have no holes) and move no WATT.
   */
  public static LedgerOp of(Event e) {
    if (!e.type().startsWith("watt.") || !e.scope().equals(Scope.GLOBAL)) return null;
    JsonNode p;
    try {
      p = CanonicalJson.parse(e.payload());
    } catch (RuntimeException malformed) {
      return null;
    }
    if (!p.isObject()) return null;
    String carrier = e.author().toString();
    JsonNode from = p.get("from");
    if (from == null) return new LedgerOp(e.type(), e.id().hex(), carrier, carrier, e.laneSeq(), 0, p);
    if (e.type().equals(GENESIS) || !from.isTextual() || !Accounts.isKeyed(from.asText())) return null;
    JsonNode seq = p.get("agent_seq");
    if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 1) return null;
    if (!carrier.equals(p.path("host").asText())) return null;
    if (!AgentAuth.verify(from.asText(), e.networkId(), e.type(), p)) return null;
    return new LedgerOp(e.type(), e.id().hex(), from.asText(), carrier, e.laneSeq(), seq.asLong(), p);
  }

  /** The op as stored in its chain: what the ledger needs to apply it again in a refold. */
  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("type", type).put("event", eventId).put("owner", owner).put("carrier", carrier).put("carrier_seq", carrierSeq)
        .put("agent_seq", agentSeq);
    o.set("body", body);
    return o;
  }

  public static LedgerOp fromJson(JsonNode o) {
    return new LedgerOp(o.path("type").asText(), o.path("event").asText(), o.path("owner").asText(), o.path("carrier").asText(),
        o.path("carrier_seq").asLong(), o.path("agent_seq").asLong(), o.path("body"));
  }
}
