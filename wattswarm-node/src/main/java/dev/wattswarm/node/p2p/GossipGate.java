package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.codec.MalformedEventException;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.network.NetworkRules;
import dev.wattswarm.p2p.gossip.Validator;
import dev.wattswarm.p2p.gossip.Verdict;
import java.util.Arrays;

/**
 * Judges an event arriving by gossip before the overlay keeps or forwards it: size within the
 * network's cap, decodes, the gossip id is the event's own id (SHA-256 of its unsigned encoding,
 * so the id is bound to the content), it belongs to the topic it came on, and it verifies. The
 * node log's verifier remembers the signature, so ingesting the event later costs no second
 * check. Refusals count as {@code rejected_events.<reason>}.
 */
final class GossipGate {
  private final EventVerifier verifier;
  private final NetworkRules rules;
  private final SyncCounters counters;
  /** The event the last accepted verdict was about: delivery follows at once on the same thread. */
  private Event lastAccepted;

  GossipGate(EventVerifier verifier, NetworkRules rules, SyncCounters counters) {
    this.verifier = verifier;
    this.rules = rules;
    this.counters = counters;
  }

  Validator forTopic(Scope scope, EventKind kind) {
    return (from, id, payload) -> judge(from, id, payload, scope, kind);
  }

  private Verdict judge(NodeId from, byte[] id, byte[] payload, Scope scope, EventKind kind) {
    if (payload.length > rules.maxGossipBytes()) return refuse("oversized");
    Event e;
    try {
      e = EventCodec.decode(payload);
    } catch (MalformedEventException bad) {
      return refuse("malformed");
    }
    if (!Arrays.equals(id, e.id().bytes())) return refuse("id_mismatch");
    if (!e.scope().equals(scope) || e.kind() != kind) return refuse("wrong_topic");
    if (e.payload().length > rules.maxPayloadBytes()) return refuse("payload_too_large");
    try {
      verifier.verify(e);
    } catch (EventRejectedException r) {
      return refuse(r.reason().code());
    }
    lastAccepted = e;
    return Verdict.ACCEPT;
  }

  private Verdict refuse(String reason) {
    counters.inc("rejected_events." + reason);
    return Verdict.reject(reason);
  }

  /** The accepted event with this id, decoded once (called right after the verdict, same thread). */
  Event accepted(byte[] id, byte[] payload) {
    Event e = lastAccepted;
    lastAccepted = null;
    if (e != null && Arrays.equals(id, e.id().bytes())) return e;
    return EventCodec.decode(payload);
  }
}
