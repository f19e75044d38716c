package dev.wattswarm.economy.swarm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.ledger.AgentAuth;
import dev.wattswarm.economy.ledger.LedgerOp;
import dev.wattswarm.economy.swarm.EconSwarm.Peer;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * What one Byzantine node signs against the economy, with its OWN key (it cannot forge anyone
 * else's signature): every op it publishes is recorded with the verdict every honest ledger must
 * give it ({@link #NOT_AN_OP} when no chain may take it at all). Ops go out through the liar's own
 * log, so they reach honest nodes the way every event does: gossip, then backfill.
 */
final class Liar {
  /** The verdict of an event that is no ledger op at all (a forged payer, a non-object payload). */
  static final String NOT_AN_OP = "not_an_op";

  final Peer me;
  final Random rnd;
  /** Shared by every liar: event id to the verdict each honest ledger must give it. */
  final Map<String, String> expected;
  /** Shared: attack kind to how many ops the liars signed for it. */
  final Map<String, Integer> attempts;

  Liar(Peer me, Random rnd, Map<String, String> expected, Map<String, Integer> attempts) {
    this.me = me;
    this.rnd = rnd;
    this.expected = expected;
    this.attempts = attempts;
  }

  Event op(String kind, String type, String taskId, com.fasterxml.jackson.databind.JsonNode payload, String verdict) {
    Event e = me.node().log().publish(Scope.GLOBAL, EventKind.EVENTS, type, taskId, payload);
    synchronized (attempts) {
      attempts.merge(kind, 1, Integer::sum);
    }
    if (verdict != null) expected.put(e.id().hex(), verdict);
    return e;
  }

  long balance() {
    return me.economy().wallet().reader().account(me.id()).map(a -> a.path("balance").asLong()).orElse(0L);
  }

  long pending() {
    return me.economy().wallet().reader().account(me.id()).map(a -> a.path("pending").asLong()).orElse(0L);
  }

  private ObjectNode send(String to, Object amount) {
    ObjectNode p = CanonicalJson.object().put("to", to);
    if (amount instanceof Long l) p.put("amount", l);
    else if (amount instanceof Double d) p.put("amount", d);
    else p.put("amount", String.valueOf(amount));
    return p;
  }

  /** More than the liar's whole balance. */
  void overspend(String to) {
    op("overspend", LedgerOp.SENT, "", send(to, balance() + 1 + rnd.nextInt(1_000)), "rejected: insufficient_funds");
  }

  /** Spendable plus a credit it holds but has not acknowledged: still more than it may spend. */
  void spendUnacknowledged(String to) {
    long b = balance(), p = pending();
    if (p <= 0) throw new IllegalStateException("the liar holds no open credit");
    op("spend_unacknowledged", LedgerOp.SENT, "", send(to, b + p), "rejected: insufficient_funds");
  }

  void badAmountsAndAccounts(String to) {
    for (Object amount : new Object[] {0L, -7L, 1.5, "12", (1L << 53) + 1}) {
      op("bad_amount", LedgerOp.SENT, "", send(to, amount), "rejected: bad_amount");
    }
    op("bad_account", LedgerOp.SENT, "", send("treasury", 3L), "rejected: bad_account");
    op("bad_account", LedgerOp.SENT, "", send(me.id(), 3L), "rejected: bad_account");
    op("bad_account", LedgerOp.SENT, "", send("zNotAKey", 3L), "rejected: bad_account");
    op("malformed_op", LedgerOp.SENT, "", CanonicalJson.MAPPER.createArrayNode().add(1).add(2), NOT_AN_OP);
    op("malformed_op", LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", ""), "rejected: bad_credit");
    op("mint", LedgerOp.GENESIS, "", CanonicalJson.object().put("supply", 1_000_000_000L).put("fee_bps", 0), "rejected: not_genesis");
  }

  /**
   * Debits of someone else's account, signed by the liar: as an "agent" op naming the victim as
   * payer (with the liar's signature, or carried as if the victim were the host).
   */
  void payFromSomeoneElse(String victim) {
    ObjectNode body = send(me.id(), 500L);
    ObjectNode signed = AgentAuth.sign(me.node().key(), me.id(), 1, me.node().networkId(), LedgerOp.SENT, body);
    signed.put("from", victim); // the signature was the liar's over its own id: it cannot match the victim's key
    op("pay_from_other", LedgerOp.SENT, "", signed, NOT_AN_OP);
    ObjectNode hosted = AgentAuth.sign(me.node().key(), victim, 1, me.node().networkId(), LedgerOp.SENT, send(me.id(), 500L));
    hosted.put("from", victim);
    op("pay_from_other", LedgerOp.SENT, "", hosted, NOT_AN_OP);
  }

  /** Acknowledges a credit that was sent to someone else. */
  void acknowledgeOthers(String credit) {
    op("ack_not_mine", LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", credit), "rejected: not_payee");
  }

  /** Claims the winner's payout of a mission, and a payout in its own name that settlement never opens. */
  void claimPayout(String mission, String winner) {
    if (winner != null) op("claim_payout", LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", "m:" + mission + ":" + winner), "rejected: not_payee");
    op("claim_payout", LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", "m:" + mission + ":" + me.id()), "rejected: no_such_payout");
  }

  /** Signs an acknowledgement it already made once, at a new position of its chain. */
  void replayAcknowledgement(com.fasterxml.jackson.databind.JsonNode ackBody) {
    op("replay_ack", LedgerOp.RECEIVED, "", ackBody.deepCopy(), "rejected: already_received");
  }

  /** Escrows for a mission whose task another node created. */
  void escrowForeign(String mission, long reward) {
    op("escrow_foreign", LedgerOp.ESCROWED, "", CanonicalJson.object().put("mission", mission).put("amount", reward),
        "rejected: not_coordinator");
  }

  /** Finalizes a task it does not coordinate with its own (losing) candidate. */
  void finalizeLoser(String taskId, String candidateHash, String executor) {
    ObjectNode f = CanonicalJson.object().put("candidate_hash", candidateHash).put("executor", executor);
    op("finalize_loser", TaskEventTypes.FINALIZED, taskId, f, null);
  }

  static Map<String, Integer> sorted(Map<String, Integer> m) {
    synchronized (m) {
      return new TreeMap<>(m);
    }
  }

  KeyPair key() {
    return me.node().key();
  }
}
