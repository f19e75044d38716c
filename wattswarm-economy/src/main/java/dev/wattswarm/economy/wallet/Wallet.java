package dev.wattswarm.economy.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.EconomyConfig;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.EconomyException.Kind;
import dev.wattswarm.economy.ledger.Accounts;
import dev.wattswarm.economy.ledger.AgentAuth;
import dev.wattswarm.economy.ledger.Amounts;
import dev.wattswarm.economy.ledger.LedgerOp;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The node's side of the ledger: it signs the ops of the accounts it holds keys for (its own and
 * its agents'), checks what it can before signing so a refused transfer changes nothing, and reads
 * the verdict back from the projection, which judged the op in the same transaction that stored
 * it. One op at a time: a chain is a sequence, and the check before signing must still hold when
 * the op is judged.
 *
 * <p>This is also where other services pay: a ServiceNet provider or an oracle subscription is one
 * {@link #pay} call.
 */
public final class Wallet {
  private final Node node;
  private final LedgerReader reader;
  private final Function<String, KeyPair> agentKeys;
  private final Supplier<List<KeyPair>> localAgents;
  private final Predicate<String> knownElsewhere;
  private final Object chain = new Object();

  /**
   * @param agentKeys this node's agent by name or id, or null when no such agent runs here
   * @param localAgents every agent this node hosts (their credits are acknowledged here)
   * @param knownElsewhere accounts the node knows of outside the ledger (peers, remote agents)
   */
  public Wallet(Node node, Function<String, KeyPair> agentKeys, Supplier<List<KeyPair>> localAgents, Predicate<String> knownElsewhere) {
    this.node = node;
    this.reader = new LedgerReader(node.store());
    this.agentKeys = agentKeys;
    this.localAgents = localAgents;
    this.knownElsewhere = knownElsewhere;
  }

  public LedgerReader reader() {
    return reader;
  }

  public String nodeAccount() {
    return node.nodeId().toString();
  }

  /** Mints the supply if this node founded the network and the ledger holds no genesis yet. */
  public void genesisIfFounder(EconomyConfig cfg) {
    if (!nodeAccount().equals(Accounts.genesisOf(node.networkId()))) return;
    if (!reader.meta().path("genesis").asText("").isEmpty()) return;
    synchronized (chain) {
      publish(LedgerOp.GENESIS, CanonicalJson.object().put("supply", cfg.genesisSupply()).put("fee_bps", cfg.feeBps()));
    }
  }

  /** {@code watt balance}: {@code account}, {@code balance}, {@code escrowed}, {@code pending}. */
  public ObjectNode balance(String accountText) {
    String account = accountText == null || accountText.isBlank() ? nodeAccount() : resolve(accountText);
    var doc = reader.account(account);
    if (doc.isEmpty() && !known(account)) {
      throw new EconomyException(Kind.NOT_FOUND, "account", "unknown account " + account
          + ": it has never held WATT on this network and is not a node or agent this node knows; check the id (watt balance with no"
          + " account shows this node's)");
    }
    ObjectNode a = doc.orElseGet(CanonicalJson::object);
    ObjectNode o = CanonicalJson.object();
    o.put("account", account).put("balance", a.path("balance").asLong()).put("escrowed", a.path("escrowed").asLong())
        .put("pending", a.path("pending").asLong());
    if (!a.path("blocked").asText("").isEmpty()) o.put("waiting_for_credit", a.path("blocked").asText());
    return o;
  }

  /** {@code watt history}: the account's chain, each op with its verdict. */
  public ObjectNode history(String accountText, int limit) {
    ObjectNode b = balance(accountText);
    String account = b.path("account").asText();
    ObjectNode o = CanonicalJson.object();
    o.put("account", account);
    ArrayNode rows = o.putArray("history");
    for (ObjectNode d : reader.ops(account, limit)) {
      JsonNode op = d.path("op");
      JsonNode body = op.path("body");
      ObjectNode r = rows.addObject();
      String type = op.path("type").asText();
      r.put("op", type.substring(type.indexOf('.') + 1)).put("event", op.path("event").asText())
          .put("result", d.path("result").asText("waiting"));
      if (body.has("to")) r.put("to", body.path("to").asText());
      if (body.has("amount")) r.set("amount", body.get("amount"));
      if (body.has("supply")) r.set("amount", body.get("supply"));
      if (body.has("credit")) {
        r.put("credit", body.path("credit").asText());
        reader.doc("c/" + body.path("credit").asText()).ifPresent(c -> r.put("from", c.path("from").asText()).put("amount", c.path("amount").asLong()));
      }
      if (body.has("mission")) r.put("mission", body.path("mission").asText());
    }
    return o;
  }

  /**
   * Moves WATT from this node's account (or one of its agents') to another account.
   *
   * @param fromAgent an agent of this node by name or id, or null for the node's own account
   * @throws EconomyException for a bad amount or account, an unknown agent, or a short balance
   */
  public ObjectNode transfer(String toText, long amount, String fromAgent) {
    if (amount < 1 || amount > Amounts.MAX) throw new EconomyException(Kind.BAD_INPUT, "amount", "amount must be a whole number from 1 to " + Amounts.MAX);
    String to;
    try {
      to = Accounts.canonical(toText);
    } catch (IllegalArgumentException e) {
      throw new EconomyException(Kind.BAD_INPUT, "to", e.getMessage());
    }
    if (!Accounts.isKeyed(to)) throw new EconomyException(Kind.BAD_INPUT, "to", "WATT can only be sent to a node or agent account, not " + to);
    if (!known(to)) {
      throw new EconomyException(Kind.NOT_FOUND, "to", "unknown account " + to + ": no node or agent by that id is known here; check the id"
          + " (agents list, peers list) so WATT is not sent to a key nobody holds");
    }
    return pay(fromAgent, to, amount, CanonicalJson.object());
  }

  /**
   * One payment: a service call's price, an oracle subscription, a transfer. {@code extra} fields
   * (a memo, a receipt id) ride in the signed op.
   */
  public ObjectNode pay(String fromAgent, String to, long amount, ObjectNode extra) {
    ObjectNode body = extra.deepCopy().put("to", to).put("amount", amount);
    synchronized (chain) {
      String from = payer(fromAgent);
      if (from.equals(to)) throw new EconomyException(Kind.BAD_INPUT, "to", "an account cannot pay itself");
      requireFunds(from, amount);
      return signAndJudge(fromAgent, LedgerOp.SENT, body);
    }
  }

  /** Escrows a mission's reward from the poster: the task must already be created by this node. */
  public ObjectNode escrow(String fromAgent, String mission, long reward) {
    synchronized (chain) {
      requireFunds(payer(fromAgent), reward);
      return signAndJudge(fromAgent, LedgerOp.ESCROWED, CanonicalJson.object().put("mission", mission).put("amount", reward));
    }
  }

  /** @throws EconomyException when the account cannot cover {@code amount} */
  public void requireFunds(String account, long amount) {
    long balance = reader.account(account).map(a -> a.path("balance").asLong()).orElse(0L);
    if (balance < amount) {
      throw new EconomyException(Kind.INSUFFICIENT_FUNDS, "amount", "insufficient funds: " + account + " holds " + balance
          + " WATT (spendable) and needs " + amount + "; nothing was sent");
    }
  }

  /** The account an agent name or id (or null: this node) pays from. */
  public String payer(String fromAgent) {
    if (fromAgent == null || fromAgent.isBlank()) return nodeAccount();
    KeyPair k = agentKeys.apply(fromAgent);
    if (k == null) {
      throw new EconomyException(Kind.NOT_FOUND, "from", "no agent '" + fromAgent + "' runs on this node; only this node's own agents"
          + " can pay from here (agents list shows them)");
    }
    return k.id().toString();
  }

  /** Acknowledges every credit open to this node or its agents; returns how many. */
  public int acknowledgeOpenCredits() {
    int n = 0;
    synchronized (chain) {
      n += acknowledge(null, nodeAccount());
      for (KeyPair k : localAgents.get()) n += acknowledge(k.id().toString(), k.id().toString());
    }
    return n;
  }

  private int acknowledge(String agent, String account) {
    int n = 0;
    if (reader.account(account).map(a -> !a.path("blocked").asText("").isEmpty()).orElse(false)) return 0;
    for (ObjectNode c : reader.openCredits(account, 200)) {
      ObjectNode ack = CanonicalJson.object().put("credit", c.path("credit").asText());
      for (String f : List.of("origin", "origin_seq", "origin_agent", "origin_agent_seq")) if (c.has(f)) ack.set(f, c.get(f));
      signAndJudge(agent, LedgerOp.RECEIVED, ack);
      n++;
    }
    return n;
  }

  /** Signs the op (as the node, and as the agent when one pays) and reads its verdict back. */
  private ObjectNode signAndJudge(String agent, String type, ObjectNode body) {
    String owner = agent == null ? nodeAccount() : payer(agent);
    long k;
    ObjectNode payload = body;
    if (agent == null) {
      k = reader.account(owner).map(a -> a.path("ops").asLong()).orElse(0L);
    } else {
      long seq = reader.account(owner).map(a -> a.path("ops").asLong()).orElse(0L) + 1;
      k = seq - 1;
      payload = AgentAuth.sign(agentKeys.apply(agent), nodeAccount(), seq, node.networkId(), type, body);
    }
    Event e = publish(type, payload);
    ObjectNode o = CanonicalJson.object();
    o.put("id", e.id().hex()).put("from", owner);
    if (body.has("to")) o.put("to", body.path("to").asText());
    if (body.has("amount")) o.set("amount", body.get("amount"));
    String verdict = reader.doc(String.format("o/%s/%012d", owner, k)).map(d -> d.path("result").asText("waiting")).orElse("waiting");
    o.put("result", verdict);
    if (verdict.startsWith("rejected")) {
      throw new EconomyException(verdict.contains("insufficient") ? Kind.INSUFFICIENT_FUNDS : Kind.CONFLICT, null,
          "the ledger refused the op (" + verdict.substring(verdict.indexOf(':') + 1).trim() + "); no WATT moved");
    }
    return o;
  }

  private Event publish(String type, ObjectNode payload) {
    return node.log().publish(Scope.GLOBAL, EventKind.EVENTS, type, "", payload);
  }

  private boolean known(String account) {
    if (Accounts.TREASURY.equals(account)) return true;
    if (reader.account(account).isPresent() || account.equals(nodeAccount())) return true;
    for (KeyPair k : localAgents.get()) if (k.id().toString().equals(account)) return true;
    if (knownElsewhere.test(account)) return true;
    for (var lane : node.store().lanes()) if (lane.author().toString().equals(account)) return true;
    return false;
  }

  /** Canonical account for user input, or a clear error. */
  public static String resolve(String text) {
    try {
      return Accounts.canonical(text.trim());
    } catch (IllegalArgumentException e) {
      throw new EconomyException(Kind.BAD_INPUT, "account", e.getMessage());
    }
  }
}
