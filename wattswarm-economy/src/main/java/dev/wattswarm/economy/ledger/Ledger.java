package dev.wattswarm.economy.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.mission.Settlement;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskState;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The WATT ledger as a fold over account chains (a block lattice on the per-author lanes).
 *
 * <p>Every keyed account has a chain: its ops in order. An op is applied only when every op before
 * it in the chain has been judged; a debit is judged against the balance the chain itself
 * determines, and credits enter a chain only through the payee's own acknowledgement op. So what
 * an op does depends on its chain and on the sends it acknowledges, never on the order events
 * arrived in: a chain whose acknowledgement names a send not yet held waits (is blocked) until the
 * send's chain judges it. The state is the unique fixpoint of the set of ops held, which is why
 * every node holding the same events holds the same documents, and a refold from scratch yields
 * the same bytes.
 *
 * <p>Documents (namespace {@code watt}): {@code a/<account>}, {@code o/<account>/<k>} (the chain's
 * ops and their verdicts), {@code c/<credit>}, {@code w/<credit>} (chains waiting for it),
 * {@code m/<mission>}, {@code f/<agent>} (agent chain forks), {@code meta}, {@code index}.
 */
public final class Ledger {
  private final LedgerDocs docs;
  private final AgentChains chains;
  private final Deque<String> work = new ArrayDeque<>();

  public Ledger(LedgerDocs docs) {
    this.docs = docs;
    this.chains = new AgentChains(docs);
  }

  // ---------------------------------------------------------------- ingest

  /** Adds an op to its chain and applies whatever can now be applied. */
  public void ingest(LedgerOp op) {
    if (op.carrierSeq() >= docs.laneForkedFrom(op.carrier())) return; // a proven fork's lane moves nothing from there on
    if (op.byAgent()) {
      ObjectNode a = account(op.owner());
      AgentChains.Placed placed = chains.place(op, a, false);
      putAccount(a);
      if (placed == AgentChains.Placed.FORK) refold();
      if (placed != AgentChains.Placed.IN_CHAIN) return;
    } else {
      ObjectNode a = account(op.owner());
      long k = a.path("ops").asLong();
      a.put("ops", k + 1);
      putAccount(a);
      putOp(op.owner(), k, op);
    }
    work.add(op.owner());
    drain();
  }

  /** A task event was folded: a mission on it may now settle, or (a fork refolded it) must refold. */
  public void taskChanged(String taskId) {
    ObjectNode m = docs.get("m/" + taskId);
    if (m == null) return;
    if (!escrowStillHolds(m, docs.task(taskId))) {
      refold();
      return;
    }
    if (m.path("state").asText().equals("escrowed")) {
      settle(m);
      drain();
      return;
    }
    TaskState t = docs.task(taskId);
    Settlement now = Settlement.of(t, m.path("reward").asLong(), meta().path("fee_bps").asLong(), m.path("poster").asText());
    if (now == null || !settledAs(m, now)) refold();
  }

  /**
   * The escrow was judged against a task this node no longer folds the same way: another
   * {@code task.created} for the id, with an earlier clock, arrived and made its author the
   * coordinator (or changed the reward). Judged again, the escrow is refused as it is on a node
   * that held both creations from the start, and nobody else's task can release it.
   */
  private boolean escrowStillHolds(ObjectNode m, TaskState t) {
    return t != null && t.coordinator().equals(m.path("host").asText()) && t.spec().reward() == m.path("reward").asLong();
  }

  /**
   * Whether a settled mission's payouts are what its task's fold pays now. The outcome alone is
   * not enough: a quorum's reveals that sort before the finalization (by clock) can arrive after
   * it, and they change who voted with the decision, so who is paid.
   */
  private static boolean settledAs(ObjectNode m, Settlement now) {
    if (!now.outcome().equals(m.path("outcome").asText()) || now.fee() != m.path("fee").asLong()) return false;
    JsonNode held = m.path("payouts");
    if (held.size() != now.payouts().size()) return false;
    for (int i = 0; i < held.size(); i++) {
      Settlement.Payout p = now.payouts().get(i);
      if (!held.get(i).path("account").asText().equals(p.account()) || held.get(i).path("amount").asLong() != p.amount()) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- chains

  private void drain() {
    while (!work.isEmpty()) run(work.poll());
  }

  /** Applies the account's chain from its next unjudged op until it ends or waits for a credit. */
  private void run(String account) {
    ObjectNode a = account(account);
    if (!a.path("blocked").asText().isEmpty()) return;
    while (true) {
      long k = a.path("next").asLong();
      String key = opKey(account, k);
      ObjectNode o = docs.get(key);
      if (o == null) break;
      LedgerOp op = LedgerOp.fromJson(o.get("op"));
      String verdict = apply(op, a);
      if (verdict.startsWith("wait:")) {
        String credit = verdict.substring(5);
        a.put("blocked", credit);
        ObjectNode w = docs.get("w/" + credit);
        TreeSet<String> waiters = new TreeSet<>();
        if (w != null) w.path("accounts").forEach(x -> waiters.add(x.asText()));
        waiters.add(account);
        ObjectNode nw = CanonicalJson.object();
        ArrayNode arr = nw.putArray("accounts");
        waiters.forEach(arr::add);
        docs.put("w/" + credit, "wait", nw);
        if (credit.startsWith("m:")) awaitPayout(credit);
        break;
      }
      o.put("result", verdict);
      docs.put(key, "op:" + account, o);
      a.put("next", k + 1);
    }
    putAccount(a);
  }

  /**
   * Judges one op against the chain's account {@code a} (changed in place). Returns "applied",
   * "rejected: reason", or "wait:<credit>" when it acknowledges a credit not held yet.
   */
  private String apply(LedgerOp op, ObjectNode a) {
    JsonNode b = op.body();
    switch (op.type()) {
      case LedgerOp.GENESIS -> {
        if (!op.owner().equals(Accounts.genesisOf(docs.networkId()))) return "rejected: not_genesis";
        ObjectNode meta = meta();
        if (!meta.path("genesis").asText().isEmpty()) return "rejected: genesis_exists";
        Long supply = Amounts.of(b.get("supply"));
        JsonNode bps = b.get("fee_bps");
        if (supply == null) return "rejected: bad_amount";
        if (bps == null || !bps.isIntegralNumber() || bps.asLong() < 0 || bps.asLong() > 10_000) return "rejected: bad_fee";
        meta.put("genesis", op.owner()).put("supply", supply).put("fee_bps", bps.asLong());
        meta.put("balances", meta.path("balances").asLong() + supply);
        putMeta(meta);
        a.put("balance", a.path("balance").asLong() + supply);
        return "applied";
      }
      case LedgerOp.SENT -> {
        String verdict = send(op, a);
        if (!verdict.equals("applied")) {
          // a refused send is judged for good: a chain acknowledging it must not wait for it forever
          ObjectNode c = CanonicalJson.object();
          c.put("credit", op.eventId()).put("from", op.owner()).put("to", b.path("to").asText()).put("amount", 0).put("state", "void");
          docs.put("c/" + op.eventId(), "void", c);
          wake(op.eventId());
        }
        return verdict;
      }
      case LedgerOp.RECEIVED -> {
        String id = b.path("credit").asText();
        if (id.isEmpty()) return "rejected: bad_credit";
        ObjectNode c = docs.get("c/" + id);
        if (c == null) return missing(id, b);
        if (!c.path("to").asText().equals(op.owner())) return "rejected: not_payee";
        String state = c.path("state").asText();
        if (state.equals("received")) return "rejected: already_received";
        if (state.equals("void")) return "rejected: void_credit";
        long amount = c.path("amount").asLong();
        c.put("state", "received");
        docs.put("c/" + id, "credit", c);
        a.put("balance", a.path("balance").asLong() + amount).put("pending", a.path("pending").asLong() - amount);
        ObjectNode meta = meta();
        meta.put("in_flight", meta.path("in_flight").asLong() - amount).put("balances", meta.path("balances").asLong() + amount);
        putMeta(meta);
        return "applied";
      }
      case LedgerOp.ESCROWED -> {
        String mission = b.path("mission").asText();
        Long amount = Amounts.of(b.get("amount"));
        if (amount == null) return "rejected: bad_amount";
        if (mission.isEmpty()) return "rejected: bad_mission";
        TaskState t = docs.task(mission);
        // an unknown task is refused as not this node's: its creation precedes the escrow in the
        // poster's own lane, so a node without it is judging someone else's escrow, and must say
        // what a node that already holds the task says
        if (t == null || !t.coordinator().equals(op.carrier())) {
          // a task.created for the mission that comes later may change that (a refold judges with
          // the task as the whole set folds it, whenever it runs): that creation must refold here too
          refusedEscrow(mission, op.carrier(), amount);
          return "rejected: not_coordinator";
        }
        if (t.spec().reward() != amount) return "rejected: reward_mismatch";
        if (docs.get("m/" + mission) != null) return "rejected: mission_exists";
        if (a.path("balance").asLong() < amount) return "rejected: insufficient_funds";
        debit(a, amount);
        a.put("escrowed", a.path("escrowed").asLong() + amount);
        ObjectNode meta = meta();
        meta.put("escrowed", meta.path("escrowed").asLong() + amount).put("balances", meta.path("balances").asLong());
        putMeta(meta);
        ObjectNode m = CanonicalJson.object();
        m.put("mission", mission).put("poster", op.owner()).put("host", op.carrier()).put("reward", amount)
            .put("escrow_op", op.eventId()).put("state", "escrowed");
        m.set("origin", origin(op));
        docs.put("m/" + mission, "mission", m);
        putAccount(a); // settle may credit the poster (a refund), which reads this account
        settle(m);
        ObjectNode fresh = account(op.owner());
        a.setAll(fresh);
        return "applied";
      }
      default -> {
        return "rejected: unknown_op";
      }
    }
  }

  /**
   * An acknowledgement of a credit not held: it waits, unless what it names shows the credit can
   * never come. It names where the credit came from (the lane and position of the send or escrow,
   * and the agent chain position when an agent signed it), so a node that never held a forked
   * branch still judges an acknowledgement of a credit from that branch as every other node does.
   */
  private String missing(String id, JsonNode b) {
    String origin = b.path("origin").asText();
    long seq = b.path("origin_seq").asLong();
    if (!origin.isEmpty() && seq > 0 && seq >= docs.laneForkedFrom(origin)) return "rejected: forked_credit";
    String agent = b.path("origin_agent").asText();
    long agentSeq = b.path("origin_agent_seq").asLong();
    if (!agent.isEmpty() && agentSeq > 0 && agentSeq >= chains.forkedFrom(agent)) return "rejected: forked_credit";
    if (id.startsWith("m:")) {
      int colon = id.indexOf(':', 2);
      ObjectNode m = colon < 0 ? null : docs.get("m/" + id.substring(2, colon));
      if (m != null && !m.path("state").asText().equals("escrowed")) return "rejected: no_such_payout";
    }
    return "wait:" + id;
  }

  private String send(LedgerOp op, ObjectNode a) {
    JsonNode b = op.body();
    String to = b.path("to").asText();
    Long amount = Amounts.of(b.get("amount"));
    if (amount == null) return "rejected: bad_amount";
    if (!Accounts.isKeyed(to) || to.equals(op.owner())) return "rejected: bad_account";
    if (a.path("balance").asLong() < amount) return "rejected: insufficient_funds";
    debit(a, amount);
    openCredit(op.eventId(), op.owner(), to, amount, "transfer", "", origin(op));
    return "applied";
  }

  /** Where an op sits: what an acknowledgement of the credit it opens must name. */
  static ObjectNode origin(LedgerOp op) {
    ObjectNode o = CanonicalJson.object();
    o.put("origin", op.carrier()).put("origin_seq", op.carrierSeq());
    if (op.byAgent()) o.put("origin_agent", op.owner()).put("origin_agent_seq", op.agentSeq());
    return o;
  }

  private void debit(ObjectNode a, long amount) {
    a.put("balance", a.path("balance").asLong() - amount);
    ObjectNode meta = meta();
    meta.put("balances", meta.path("balances").asLong() - amount);
    putMeta(meta);
  }

  /** A credit the payee must acknowledge before it can spend it; wakes any chain waiting for it. */
  private void openCredit(String id, String from, String to, long amount, String kind, String mission, ObjectNode origin) {
    ObjectNode c = CanonicalJson.object();
    c.put("credit", id).put("from", from).put("to", to).put("amount", amount).put("kind", kind).put("state", "open");
    c.setAll(origin);
    if (!mission.isEmpty()) c.put("mission", mission);
    docs.put("c/" + id, "open:" + to, c);
    ObjectNode p = account(to);
    p.put("pending", p.path("pending").asLong() + amount);
    putAccount(p);
    ObjectNode meta = meta();
    meta.put("in_flight", meta.path("in_flight").asLong() + amount);
    putMeta(meta);
    wake(id);
  }

  private void wake(String credit) {
    ObjectNode w = docs.get("w/" + credit);
    if (w == null) return;
    docs.delete("w/" + credit);
    for (JsonNode x : w.path("accounts")) {
      ObjectNode a = account(x.asText());
      a.put("blocked", "");
      putAccount(a);
      work.add(x.asText());
    }
  }

  // ---------------------------------------------------------------- missions

  /** Notes who escrowed how much for a task it did not coordinate ({@code ew/<mission>}). */
  private void refusedEscrow(String mission, String carrier, long amount) {
    ObjectNode ew = docs.get("ew/" + mission);
    TreeSet<String> held = new TreeSet<>();
    if (ew != null) ew.path("escrows").forEach(x -> held.add(x.asText()));
    if (!held.add(carrier + " " + amount)) return;
    ObjectNode n = CanonicalJson.object().put("mission", mission);
    ArrayNode arr = n.putArray("escrows");
    held.forEach(arr::add);
    docs.put("ew/" + mission, "wait", n);
  }

  /**
   * A task was created for which an escrow was refused: true when that escrow would now hold
   * (its carrier coordinates the task, with that reward), so a refold must judge it again. Other
   * creations cost nothing, so refused escrows cannot be turned into refolds for free.
   */
  static boolean refusedEscrowNowHolds(ObjectNode ew, TaskState t) {
    if (ew == null || t == null) return false;
    String want = t.coordinator() + " " + t.spec().reward();
    for (JsonNode x : ew.path("escrows")) if (x.asText().equals(want)) return true;
    return false;
  }

  /**
   * Notes that a chain waits for a payout of a mission not settled yet ({@code mw/<mission>}), so
   * the settlement can wake it when the payout it names is not among those opened: judged then,
   * the acknowledgement is refused as {@code no_such_payout}, as on a node that held the
   * settlement before it; otherwise the chain would wait there forever on this node only.
   */
  private void awaitPayout(String credit) {
    String mission = missionOf(credit);
    if (mission == null) return;
    ObjectNode mw = docs.get("mw/" + mission);
    TreeSet<String> credits = new TreeSet<>();
    if (mw != null) mw.path("credits").forEach(x -> credits.add(x.asText()));
    if (!credits.add(credit)) return;
    ObjectNode n = CanonicalJson.object();
    ArrayNode arr = n.putArray("credits");
    credits.forEach(arr::add);
    docs.put("mw/" + mission, "wait", n);
  }

  /** The mission of a payout credit {@code m:<mission>:<account>}; account ids hold no ':'. */
  static String missionOf(String credit) {
    int colon = credit.lastIndexOf(':');
    return colon <= 2 ? null : credit.substring(2, colon);
  }

  /** Releases an escrowed mission once its task is terminal; the payouts become open credits. */
  private void settle(ObjectNode m) {
    String mission = m.path("mission").asText();
    ObjectNode meta = meta();
    Settlement s = Settlement.of(docs.task(mission), m.path("reward").asLong(), meta.path("fee_bps").asLong(), m.path("poster").asText());
    if (s == null) return;
    long reward = m.path("reward").asLong();
    String poster = m.path("poster").asText();
    ObjectNode p = account(poster);
    p.put("escrowed", p.path("escrowed").asLong() - reward);
    putAccount(p);
    meta = meta();
    meta.put("escrowed", meta.path("escrowed").asLong() - reward);
    if (s.fee() > 0) meta.put("balances", meta.path("balances").asLong() + s.fee());
    putMeta(meta);
    if (s.fee() > 0) {
      ObjectNode t = account(Accounts.TREASURY);
      t.put("balance", t.path("balance").asLong() + s.fee());
      putAccount(t);
    }
    m.put("state", "settled").put("outcome", s.outcome()).put("fee", s.fee());
    ArrayNode payouts = m.putArray("payouts");
    for (Settlement.Payout po : s.payouts()) {
      String credit = "m:" + mission + ":" + po.account();
      payouts.addObject().put("account", po.account()).put("amount", po.amount()).put("credit", credit);
    }
    docs.put("m/" + mission, "mission", m);
    for (Settlement.Payout po : s.payouts()) {
      openCredit("m:" + mission + ":" + po.account(), Accounts.escrow(mission), po.account(), po.amount(),
          s.phase() == dev.wattswarm.kernel.task.TaskPhase.FINALIZED ? "reward" : "refund", mission, (ObjectNode) m.get("origin"));
    }
    ObjectNode mw = docs.get("mw/" + mission);
    if (mw != null) {
      docs.delete("mw/" + mission);
      for (JsonNode c : mw.path("credits")) wake(c.asText()); // those opened just now were woken already: a no-op
    }
  }

  // ---------------------------------------------------------------- forks and refold

  /**
   * Judges every chain again from scratch: what a proven fork, or a task that folded to another
   * outcome, calls for. Ops of forked chains from the forked position on are dropped, as the
   * task folds drop a forked lane's facts. Rare, and linear in the ledger's size.
   */
  public static final java.util.concurrent.atomic.AtomicLong REFOLDS = new java.util.concurrent.atomic.AtomicLong();

  public void refold() {
    REFOLDS.incrementAndGet();
    ObjectNode index = docs.get("index");
    if (index == null) return;
    // forget every verdict and everything verdicts created, keeping each chain's ops; an agent's
    // ops are all placed again, in order, from those still valid (see AgentChains)
    TreeSet<String> accounts = new TreeSet<>();
    Map<String, List<LedgerOp>> agents = new TreeMap<>();
    for (JsonNode x : index.path("accounts")) {
      String acct = x.asText();
      ObjectNode a = account(acct);
      long ops = a.path("ops").asLong();
      long keep = ops;
      boolean agent = chains.hasParked(acct);
      for (long k = 0; k < ops; k++) {
        ObjectNode o = docs.get(opKey(acct, k));
        if (o == null) continue;
        LedgerOp op = LedgerOp.fromJson(o.get("op"));
        forgetEffects(op);
        agent |= op.byAgent();
        if (op.byAgent()) continue;
        if (op.carrierSeq() >= docs.laneForkedFrom(op.carrier())) {
          docs.delete(opKey(acct, k));
          keep = Math.min(keep, k);
        } else {
          o.remove("result");
          docs.put(opKey(acct, k), "op:" + acct, o);
        }
      }
      long kept = keep;
      if (agent) {
        List<LedgerOp> valid = chains.takeAll(acct, ops);
        agents.put(acct, valid);
        kept = valid.size();
      }
      if (kept == 0) {
        // an account that only dropped ops touched (a forked branch's payee) is not kept: a node
        // that held the other branch, or none, never had it; the refold re-creates what it touches
        agents.remove(acct);
        docs.delete("a/" + acct);
        continue;
      }
      ObjectNode fresh = CanonicalJson.object();
      fresh.put("account", acct).put("ops", agent ? 0 : keep);
      putAccount(fresh);
      accounts.add(acct);
    }
    ObjectNode n = CanonicalJson.object();
    ArrayNode arr = n.putArray("accounts");
    accounts.forEach(arr::add);
    docs.put("index", "index", n);
    for (Map.Entry<String, List<LedgerOp>> e : agents.entrySet()) {
      ObjectNode a = account(e.getKey());
      for (LedgerOp op : e.getValue()) chains.place(op, a, true);
      putAccount(a);
    }
    docs.delete("meta");
    work.addAll(accounts);
    drain();
  }

  /** Deletes what an op's verdict created (credits, waiters, missions), so a refold starts clean. */
  private void forgetEffects(LedgerOp op) {
    switch (op.type()) {
      case LedgerOp.SENT -> {
        docs.delete("c/" + op.eventId());
        docs.delete("w/" + op.eventId());
      }
      case LedgerOp.RECEIVED -> {
        String credit = op.body().path("credit").asText();
        docs.delete("w/" + credit);
        String mission = credit.startsWith("m:") ? missionOf(credit) : null;
        if (mission != null) docs.delete("mw/" + mission);
      }
      case LedgerOp.ESCROWED -> {
        String mission = op.body().path("mission").asText();
        docs.delete("ew/" + mission);
        ObjectNode m = docs.get("m/" + mission);
        if (m != null && m.path("escrow_op").asText().equals(op.eventId())) {
          for (JsonNode po : m.path("payouts")) {
            docs.delete("c/" + po.path("credit").asText());
            docs.delete("w/" + po.path("credit").asText());
          }
          docs.delete("m/" + mission);
        }
      }
      default -> {}
    }
  }

  // ---------------------------------------------------------------- documents

  static String opKey(String account, long k) {
    return "o/" + account + "/" + String.format("%012d", k);
  }

  private void putOp(String account, long k, LedgerOp op) {
    ObjectNode o = CanonicalJson.object();
    o.set("op", op.toJson());
    docs.put(opKey(account, k), "op:" + account, o);
  }

  private ObjectNode account(String account) {
    ObjectNode a = docs.get("a/" + account);
    if (a != null) return a;
    ObjectNode index = docs.get("index");
    TreeSet<String> all = new TreeSet<>();
    if (index != null) index.path("accounts").forEach(x -> all.add(x.asText()));
    if (all.add(account)) {
      ObjectNode n = CanonicalJson.object();
      ArrayNode arr = n.putArray("accounts");
      all.forEach(arr::add);
      docs.put("index", "index", n);
    }
    ObjectNode fresh = CanonicalJson.object();
    fresh.put("account", account);
    return fresh;
  }

  private void putAccount(ObjectNode a) {
    ObjectNode out = CanonicalJson.object();
    out.put("account", a.path("account").asText()).put("balance", a.path("balance").asLong())
        .put("escrowed", a.path("escrowed").asLong()).put("pending", a.path("pending").asLong())
        .put("ops", a.path("ops").asLong()).put("next", a.path("next").asLong()).put("blocked", a.path("blocked").asText(""));
    docs.put("a/" + a.path("account").asText(), "account", out);
  }

  private ObjectNode meta() {
    ObjectNode m = docs.get("meta");
    return m == null ? CanonicalJson.object() : m;
  }

  private void putMeta(ObjectNode m) {
    ObjectNode out = CanonicalJson.object();
    out.put("genesis", m.path("genesis").asText("")).put("supply", m.path("supply").asLong()).put("fee_bps", m.path("fee_bps").asLong())
        .put("balances", m.path("balances").asLong()).put("escrowed", m.path("escrowed").asLong())
        .put("in_flight", m.path("in_flight").asLong());
    docs.put("meta", "meta", out);
  }
}
