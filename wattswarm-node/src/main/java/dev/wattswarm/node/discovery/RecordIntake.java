package dev.wattswarm.node.discovery;

import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.NodeRecordBook;
import java.util.function.BooleanSupplier;

/**
 * The checks every discovery record passes before it is stored, whether it came in a POST, by
 * gossip, from a neighbour or from a discovery URL, in an order that gives each refusal its own
 * reason: size, JSON shape, network, signature, time window, then newer than what is held.
 */
public final class RecordIntake {
  private RecordIntake() {}

  /** Decodes and checks a record without storing it. */
  public static NodeRecord check(byte[] json, String networkId, long nowMs) {
    return check(parse(json), networkId, nowMs);
  }

  /** Decodes a record within the size cap; checks nothing else. */
  public static NodeRecord parse(byte[] json) {
    if (json.length > NodeRecord.MAX_BYTES) {
      throw new Refusal(413, "too_large", "record of " + json.length + " bytes is over the cap of " + NodeRecord.MAX_BYTES + " bytes");
    }
    com.fasterxml.jackson.databind.JsonNode tree;
    try {
      tree = CanonicalJson.parse(json);
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "malformed", "not a discovery record: the body is not valid JSON (send one signed record as a JSON object)");
    }
    NodeRecord r;
    try {
      r = NodeRecord.fromJson(tree);
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "malformed", "not a discovery record: " + e.getMessage());
    }
    return r;
  }

  /** Checks a parsed record without storing it. */
  public static NodeRecord check(NodeRecord r, String networkId, long nowMs) {
    if (!networkId.equals(r.networkId())) {
      throw new Refusal(400, "wrong_network", "record is for network " + r.networkId() + "; this node serves " + networkId);
    }
    try {
      // at its own issue time only the shape and the signature can fail
      r.verify(networkId, r.issuedAtMs());
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      if (m != null && m.contains("signature")) {
        throw new Refusal(403, "bad_signature", m + "; a record must be signed by the key of its node_id");
      }
      throw new Refusal(400, "malformed", "not a valid discovery record: " + m);
    }
    if (r.expiresAtMs() <= nowMs) {
      throw new Refusal(410, "expired", "record expired at " + r.expiresAtMs() + " (now " + nowMs + "); sign a fresh one");
    }
    if (r.issuedAtMs() > nowMs + NodeRecord.MAX_SKEW_MS) {
      throw new Refusal(400, "not_yet_valid", "record is issued at " + r.issuedAtMs() + ", in the future (now " + nowMs + "); check the clock");
    }
    return r;
  }

  /**
   * Checks and stores.
   *
   * @return STORED or UNCHANGED (the same record again)
   * @throws Refusal also when a newer record of the node is held (409 stale) or the book is full of longer-lived ones
   */
  public static NodeRecordBook.Outcome admit(NodeRecordBook book, NodeRecord r, long nowMs) {
    return admit(book, r, nowMs, () -> true);
  }

  /**
   * Checks and stores, paying for a node not held yet with {@code newNode} (the source's budget of
   * new node ids): renewals of known nodes are always free.
   *
   * @throws Refusal as {@link #admit(NodeRecordBook, NodeRecord, long)}, and 429 source_quota when
   *     the budget is spent
   */
  public static NodeRecordBook.Outcome admit(NodeRecordBook book, NodeRecord r, long nowMs, BooleanSupplier newNode) {
    var held = book.get(r.nodeId(), nowMs);
    // byte-identical to a record already verified: polls and snapshots repeat most records
    if (held.isPresent() && java.util.Arrays.equals(held.get().encode(), r.encode())) return NodeRecordBook.Outcome.UNCHANGED;
    check(r, book.networkId(), nowMs);
    if (held.isEmpty() && !newNode.getAsBoolean()) {
      throw new Refusal(429, "source_quota", "this source has added too many new nodes lately (keys are free, so each source"
          + " gets a budget); try again later");
    }
    NodeRecordBook.Outcome o;
    try {
      o = book.offer(r, nowMs);
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "malformed", "not a valid discovery record: " + e.getMessage());
    }
    if (o == NodeRecordBook.Outcome.STALE) {
      throw book.get(r.nodeId(), nowMs).isPresent()
          ? new Refusal(409, "stale", "a newer record of " + r.nodeId() + " is already held; this one (issued " + r.issuedAtMs() + ") is a replay or out of date")
          : new Refusal(429, "store_full", "the record store is full of records that live longer; try again later");
    }
    return o;
  }
}
