package dev.wattswarm.economy.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Where an agent's signed ops go. An agent numbers its own ops and a host carries them on its
 * lane, so the ledger meets agent ops out of order, twice (a copy carried again), in conflict (a
 * fork of the agent's chain), past a proven fork, and can later learn that the lane position
 * carrying one was itself forked (such an op never counts). For the ledger to be a function of the
 * set of events, the chain is kept dense (position k holds the op numbered k + 1, the smallest
 * event id among copies) and whatever has no place in it now is parked rather than dropped: a
 * refold places every op again, in (position, event id) order, from what is still valid, and a
 * chain that grows takes parked ops that now fit. The fork record names the smallest event id at
 * the forked position and the smallest one whose op differs from it, whatever order they came in.
 * Parked ops are events the node holds anyway, and at most {@link #MAX_PARKED} per agent; every
 * walk is over ops actually held, never over the numbers an agent claims.
 *
 * <p>Documents: {@code xs/<agent>} (the parked ops, by position and event id), {@code
 * x/<agent>/<event>} (a parked op), {@code f/<agent>} (the fork record).
 */
final class AgentChains {
  enum Placed { IN_CHAIN, PARKED, FORK }

  static final int MAX_PARKED = 1024;

  private final LedgerDocs docs;

  AgentChains(LedgerDocs docs) {
    this.docs = docs;
  }

  /** The first forked position of the agent's chain, or Long.MAX_VALUE. */
  long forkedFrom(String agent) {
    ObjectNode f = docs.get("f/" + agent);
    return f == null ? Long.MAX_VALUE : f.path("seq").asLong();
  }

  /**
   * Places {@code op} (carried at a valid lane position) in its agent's chain or parks it;
   * {@code account} is the agent's account document, whose op count it keeps. FORK means a fork
   * before any known one was just proven: outside a refold the caller refolds (the chain still
   * holds the forked position, whose effects the refold must undo); inside one the chain is cut.
   */
  Placed place(LedgerOp op, ObjectNode account, boolean refolding) {
    Placed placed = placeOne(op, account, refolding);
    // parked ops that now fit: the next position's, smallest event id first
    while (placed == Placed.IN_CHAIN) {
      long next = account.path("ops").asLong() + 1;
      List<LedgerOp> there = parkedAt(op.owner(), next);
      if (there.isEmpty() || next >= forkedFrom(op.owner())) break;
      for (LedgerOp p : there) unpark(p);
      for (LedgerOp p : there) {
        if (placeOne(p, account, refolding) == Placed.FORK) return Placed.FORK;
      }
      if (account.path("ops").asLong() < next) break;
    }
    return placed;
  }

  private Placed placeOne(LedgerOp op, ObjectNode account, boolean refolding) {
    String agent = op.owner();
    long seq = op.agentSeq();
    if (isParked(op)) return Placed.PARKED;
    long ops = account.path("ops").asLong();
    long forkedAt = forkedFrom(agent);
    if (seq >= forkedAt) {
      park(op);
      if (seq == forkedAt) recordFork(agent, seq);
      return Placed.PARKED;
    }
    if (seq > ops + 1) {
      park(op); // a gap: it waits for the ops before it
      return Placed.PARKED;
    }
    if (seq <= ops) {
      String key = Ledger.opKey(agent, seq - 1);
      ObjectNode held = docs.get(key);
      LedgerOp old = LedgerOp.fromJson(held.get("op"));
      if (old.eventId().equals(op.eventId())) return Placed.PARKED;
      if (old.body().equals(op.body())) {
        // one signed op carried twice: the chain holds the copy with the smaller id, on every node
        if (op.eventId().compareTo(old.eventId()) < 0) {
          held.set("op", op.toJson());
          docs.put(key, "op:" + agent, held);
          park(old);
        } else {
          park(op);
        }
        return Placed.PARKED;
      }
      park(op);
      recordFork(agent, seq);
      if (refolding) {
        for (long k = seq - 1; k < ops; k++) {
          ObjectNode o = docs.get(Ledger.opKey(agent, k));
          if (o != null) park(LedgerOp.fromJson(o.get("op")));
          docs.delete(Ledger.opKey(agent, k));
        }
        account.put("ops", seq - 1);
      }
      return Placed.FORK;
    }
    append(op, account);
    return Placed.IN_CHAIN;
  }

  private void append(LedgerOp op, ObjectNode account) {
    ObjectNode o = CanonicalJson.object();
    o.set("op", op.toJson());
    docs.put(Ledger.opKey(op.owner(), op.agentSeq() - 1), "op:" + op.owner(), o);
    account.put("ops", op.agentSeq());
  }

  /**
   * Takes every op of the agent (its chain of {@code chainOps} and the parked ones) out of the
   * documents, with its fork record, for a refold to place again; ops carried at a lane position
   * now proven forked are left out. In placing order.
   */
  List<LedgerOp> takeAll(String agent, long chainOps) {
    List<LedgerOp> all = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>();
    for (long k = 0; k < chainOps; k++) {
      ObjectNode o = docs.get(Ledger.opKey(agent, k));
      if (o == null) continue;
      LedgerOp op = LedgerOp.fromJson(o.get("op"));
      if (ids.add(op.eventId())) all.add(op);
      docs.delete(Ledger.opKey(agent, k));
    }
    for (String n : parked(agent)) {
      String id = n.substring(n.indexOf(':') + 1);
      ObjectNode x = docs.get(parkKey(agent, id));
      if (x != null && ids.add(id)) all.add(LedgerOp.fromJson(x.get("op")));
      docs.delete(parkKey(agent, id));
    }
    docs.delete("xs/" + agent);
    docs.delete("f/" + agent);
    all.removeIf(op -> op.carrierSeq() >= docs.laneForkedFrom(op.carrier()));
    all.sort(Comparator.comparingLong(LedgerOp::agentSeq).thenComparing(LedgerOp::eventId));
    return all;
  }

  /** Whether the agent has parked ops (an agent whose chain is empty is still an agent). */
  boolean hasParked(String account) {
    return docs.get("xs/" + account) != null;
  }

  /** The parked ops' names, "position:event" with the position zero-padded, so the order is (position, event id). */
  private TreeSet<String> parked(String agent) {
    TreeSet<String> names = new TreeSet<>();
    ObjectNode xs = docs.get("xs/" + agent);
    if (xs != null) xs.path("ops").forEach(x -> names.add(x.asText()));
    return names;
  }

  private void putParked(String agent, TreeSet<String> names) {
    if (names.isEmpty()) {
      docs.delete("xs/" + agent);
      return;
    }
    ObjectNode xs = CanonicalJson.object();
    ArrayNode arr = xs.putArray("ops");
    names.forEach(arr::add);
    docs.put("xs/" + agent, "parked", xs);
  }

  private static String name(LedgerOp op) {
    return String.format("%019d:%s", op.agentSeq(), op.eventId());
  }

  private boolean isParked(LedgerOp op) {
    return docs.get(parkKey(op.owner(), op.eventId())) != null;
  }

  /**
   * Parks an op. At most {@link #MAX_PARKED} per agent, the first in (position, event id) order:
   * only an agent that forks its chain or skips far ahead parks many, and what is kept does not
   * depend on the order ops came in.
   */
  private void park(LedgerOp op) {
    String agent = op.owner();
    if (isParked(op)) return;
    TreeSet<String> names = parked(agent);
    names.add(name(op));
    ObjectNode x = CanonicalJson.object();
    x.set("op", op.toJson());
    docs.put(parkKey(agent, op.eventId()), "parked", x);
    while (names.size() > MAX_PARKED) {
      String last = names.pollLast();
      docs.delete(parkKey(agent, last.substring(last.indexOf(':') + 1)));
    }
    putParked(agent, names);
  }

  private void unpark(LedgerOp op) {
    if (!isParked(op)) return;
    TreeSet<String> names = parked(op.owner());
    names.remove(name(op));
    docs.delete(parkKey(op.owner(), op.eventId()));
    putParked(op.owner(), names);
  }

  private List<LedgerOp> parkedAt(String agent, long seq) {
    List<LedgerOp> out = new ArrayList<>();
    String from = String.format("%019d:", seq);
    for (String n : parked(agent).tailSet(from)) {
      if (!n.startsWith(from)) break;
      ObjectNode x = docs.get(parkKey(agent, n.substring(from.length())));
      if (x != null) out.add(LedgerOp.fromJson(x.get("op")));
    }
    return out;
  }

  private static String parkKey(String agent, String eventId) {
    return "x/" + agent + "/" + eventId;
  }

  /** Writes the fork record at {@code seq} from every op held there, so it names the same two ops on every node. */
  private void recordFork(String agent, long seq) {
    List<LedgerOp> at = new ArrayList<>(parkedAt(agent, seq));
    ObjectNode held = docs.get(Ledger.opKey(agent, seq - 1));
    if (held != null) at.add(LedgerOp.fromJson(held.get("op")));
    at.sort(Comparator.comparing(LedgerOp::eventId));
    if (at.isEmpty()) return;
    JsonNode firstBody = at.get(0).body();
    LedgerOp second = at.stream().filter(op -> !op.body().equals(firstBody)).findFirst().orElse(null);
    if (second == null) return;
    ObjectNode n = CanonicalJson.object();
    n.put("account", agent).put("seq", seq).put("first", at.get(0).eventId()).put("second", second.eventId());
    docs.put("f/" + agent, "fork", n);
  }
}
