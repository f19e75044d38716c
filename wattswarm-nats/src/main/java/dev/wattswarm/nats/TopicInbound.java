package dev.wattswarm.nats;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.gossip.Plumtree;
import dev.wattswarm.p2p.gossip.Validator;
import dev.wattswarm.p2p.gossip.Verdict;
import dev.wattswarm.p2p.limits.DefenseCounters;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What arrives on one topic's subject, judged before anyone sees it: size, a well-formed id and
 * sender, the topic's validator (for events: decode, id binding, signature), then each id once.
 * The sender header is only a claim (NATS proves nothing), so it decides whom to ask for a gap,
 * never whom to trust; a message accepted here is one the validator verified by itself.
 */
final class TopicInbound {
  static final String ID = "Ws-Id";
  /** JetStream dedup key: a hash of the content, so a forged copy cannot shadow the genuine message under its id. */
  static final String DEDUP = "Nats-Msg-Id";
  static final String FROM = "Ws-From";
  private static final int SEEN_IDS = 65_536;

  private final String topic;
  private final NodeId me;
  private final Validator validator;
  private final Plumtree.Delivery delivery;
  private final DefenseCounters counters;
  private final int maxBytes;
  private final Map<String, Boolean> seen;

  TopicInbound(String topic, NodeId me, Validator validator, Plumtree.Delivery delivery, DefenseCounters counters, int maxBytes,
      Map<String, Boolean> seen) {
    this.topic = topic;
    this.me = me;
    this.validator = validator;
    this.delivery = delivery;
    this.counters = counters;
    this.maxBytes = maxBytes;
    this.seen = seen;
  }

  /** A bounded set of ids delivered, shared by a substrate's topics. */
  static Map<String, Boolean> seenIds() {
    return java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
        return size() > SEEN_IDS;
      }
    });
  }

  /** Judges and delivers one message; call on the substrate's thread. */
  void handle(Message m) {
    byte[] payload = m.getData() == null ? new byte[0] : m.getData();
    if (payload.length > maxBytes) {
      counters.inc("rejected_gossip.oversized");
      return;
    }
    Headers h = m.getHeaders();
    String idHex = h == null ? null : h.getFirst(ID);
    String fromText = h == null ? null : h.getFirst(FROM);
    byte[] id;
    NodeId from;
    try {
      if (idHex == null || idHex.length() > 128) throw new IllegalArgumentException("id");
      id = Hashes.unhex(idHex);
      from = NodeId.parse(fromText);
    } catch (RuntimeException e) {
      counters.inc("rejected_gossip.bad_headers");
      return;
    }
    if (from.equals(me)) return; // our own, echoed back (or someone's claim to be us: theirs is dropped too)
    String key = topic + "|" + idHex;
    if (seen.containsKey(key)) {
      counters.inc("duplicate_gossip");
      return;
    }
    Verdict v;
    try {
      v = validator.validate(from, id, payload);
    } catch (RuntimeException e) {
      v = Verdict.reject("validator_failed");
    }
    switch (v.kind()) {
      case REJECT -> counters.inc("rejected_gossip." + v.reason());
      case IGNORE -> counters.inc("ignored_gossip");
      case ACCEPT -> {
        seen.put(key, Boolean.TRUE);
        delivery.deliver(topic, id, payload, from);
      }
    }
  }
}
