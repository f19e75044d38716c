package dev.wattswarm.economy.mission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.EconomyException.Kind;
import dev.wattswarm.economy.ledger.Amounts;
import dev.wattswarm.economy.wallet.Wallet;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskSpec;
import dev.wattswarm.kernel.task.TaskValidationException;
import dev.wattswarm.node.task.TaskService;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Missions: tasks with a reward escrowed from the poster at once. Posting creates the task in the
 * global scope (every node must see a mission's task to judge its escrow the same way), then
 * escrows the reward in the poster's chain; the ledger settles when the task ends. A mission
 * posted to a hive lists the hive's members in its task, and only their executors take part.
 *
 * <p>States: {@code open} (waiting for an executor), {@code claimed} (running, voting or decided),
 * {@code completed} (finalized, payouts not yet acknowledged by their payees), {@code settled}
 * (every payout acknowledged: spendable), {@code cancelled} (cancelled or failed: refunded) and
 * {@code expired} (refunded).
 */
public final class Missions {
  private final TaskService tasks;
  private final Wallet wallet;
  private final Object posting = new Object();
  private final dev.wattswarm.economy.hive.Hives hives;

  public Missions(TaskService tasks, Wallet wallet, dev.wattswarm.economy.hive.Hives hives) {
    this.tasks = tasks;
    this.wallet = wallet;
    this.hives = hives;
  }

  /**
   * Posts a mission: the task JSON with {@code reward} (and optionally {@code hive}, {@code from}
   * an agent of this node).
   *
   * @throws EconomyException when the reward is missing or bad, the poster's balance is short, or
   *     the task id is taken by a task without an escrow
   * @throws TaskValidationException naming the task fields that are wrong
   */
  public ObjectNode post(JsonNode json) {
    if (json == null || !json.isObject()) throw new EconomyException(Kind.BAD_INPUT, null, "a mission must be a JSON object: a task plus \"reward\": N");
    ObjectNode spec = ((ObjectNode) json).deepCopy();
    long reward;
    try {
      reward = Amounts.parse(spec.get("reward"), "reward");
    } catch (IllegalArgumentException e) {
      throw new EconomyException(Kind.BAD_INPUT, "reward", "mission reward: " + e.getMessage());
    }
    spec.put("reward", reward);
    String from = spec.has("from") ? spec.remove("from").asText() : null;
    JsonNode hive = spec.remove("hive");
    if (spec.has("hive_members")) {
      throw new EconomyException(Kind.BAD_INPUT, "hive_members", "\"hive_members\" is filled in by the posting node from the hive's"
          + " membership; give \"hive\": ID only");
    }
    if (hive != null && !hive.isNull()) toHive(spec, hive);
    TaskSpec parsed = TaskSpec.parse(spec);
    if (!parsed.scope().equals(Scope.GLOBAL)) {
      throw new EconomyException(Kind.BAD_INPUT, "inputs.swarm_scope", "a mission's task must be in the global scope (every node judges"
          + " its escrow), not " + parsed.scope());
    }
    synchronized (posting) {
      String poster = wallet.payer(from);
      Optional<ObjectNode> existing = wallet.reader().doc("m/" + parsed.taskId());
      if (existing.isPresent()) return show(parsed.taskId());
      if (tasks.get(parsed.taskId()).isPresent()) {
        throw new EconomyException(Kind.CONFLICT, "task_id", "task " + parsed.taskId() + " exists without an escrowed reward; post the"
            + " mission under a new task_id");
      }
      wallet.requireFunds(poster, reward);
      tasks.submit(spec);
      try {
        wallet.escrow(from, parsed.taskId(), reward);
      } catch (RuntimeException e) {
        // the balance went between the check and the escrow (another payment from this account): no unpaid work
        tasks.cancel(parsed.taskId(), "mission reward could not be escrowed");
        throw e;
      }
      return show(parsed.taskId());
    }
  }

  /**
   * Names the hive's current members in the task: the signed list every node's state machine
   * judges claims by. Only a member posts to a hive (its own executors are then among those who
   * may take the mission).
   */
  private void toHive(ObjectNode spec, JsonNode hive) {
    if (!hive.isTextual()) throw new EconomyException(Kind.BAD_INPUT, "hive", "\"hive\" must be a hive id (a string)");
    String id = hive.asText();
    List<String> members = hives.memberIds(id);
    if (!members.contains(wallet.nodeAccount())) {
      throw new EconomyException(Kind.CONFLICT, "hive", "this node is not a member of hive " + id + "; `hive join " + id
          + "` first (only members post to and take a hive's missions)");
    }
    if (members.size() > TaskSpec.MAX_HIVE_MEMBERS) {
      throw new EconomyException(Kind.CONFLICT, "hive", "hive " + id + " has " + members.size() + " members; a mission lists at most "
          + TaskSpec.MAX_HIVE_MEMBERS + ", so post it without \"hive\"");
    }
    spec.put("hive", id);
    var arr = spec.putArray("hive_members");
    members.forEach(arr::add);
  }

  /** @throws EconomyException NOT_FOUND when no mission has that id */
  public ObjectNode show(String id) {
    ObjectNode m = wallet.reader().doc("m/" + id)
        .orElseThrow(() -> new EconomyException(Kind.NOT_FOUND, "id", "unknown mission " + id + ": mission list shows the missions this node knows"));
    return view(m, tasks.get(id).orElse(null));
  }

  public ObjectNode list(String state, int limit) {
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("missions");
    for (ObjectNode m : wallet.reader().missions(Math.max(limit, 1) * 4)) {
      ObjectNode v = view(m, tasks.get(m.path("mission").asText()).orElse(null));
      if (state != null && !state.equals(v.path("state").asText())) continue;
      if (arr.size() >= limit) break;
      arr.add(v);
    }
    return o;
  }

  /** Counts by state, for {@code node status}. */
  public ObjectNode counts() {
    TreeMap<String, Integer> by = new TreeMap<>();
    for (ObjectNode m : wallet.reader().missions(10_000)) by.merge(view(m, tasks.get(m.path("mission").asText()).orElse(null)).path("state").asText(), 1, Integer::sum);
    ObjectNode o = CanonicalJson.object();
    by.forEach(o::put);
    return o;
  }

  /**
   * Cancels a mission this node posted that nobody has claimed; the refund follows the task's
   * cancellation through the ledger.
   */
  public ObjectNode cancel(String id) {
    ObjectNode before = show(id);
    String state = before.path("state").asText();
    if (!state.equals("open")) {
      throw new EconomyException(Kind.CONFLICT, "id", "mission " + id + " is " + state + "; only an open (unclaimed) mission can be cancelled");
    }
    if (!before.path("host").asText().equals(wallet.nodeAccount())) {
      throw new EconomyException(Kind.CONFLICT, "id", "mission " + id + " was posted on node " + before.path("host").asText()
          + "; cancel it there");
    }
    tasks.cancel(id, "mission cancelled by its poster");
    return show(id);
  }

  static String state(ObjectNode m, JsonNode task, List<String> openCredits) {
    if (m.path("state").asText().equals("escrowed")) {
      String t = task == null ? "open" : task.path("state").asText("open");
      return t.equals("open") || t.equals("retry_wait") ? "open" : "claimed";
    }
    String outcome = m.path("outcome").asText();
    if (outcome.startsWith("finalized")) return openCredits.isEmpty() ? "settled" : "completed";
    return outcome.equals("expired") ? "expired" : "cancelled";
  }

  /**
   * The account paid for the result that won: the payee its executor named (an agent), else the
   * executor's node. In a quorum that is the first agreeing executor by id, the one that also got
   * the remainder of the split; the other payouts are the rest of the majority's shares.
   */
  static String winner(ObjectNode m, JsonNode task) {
    String executor = task == null ? "" : task.path("executor").asText("");
    if (!executor.isEmpty()) {
      String payee = task.path("candidates").path(executor).path("payee").asText("");
      String account = payee.isEmpty() ? Settlement.nodeOf(executor) : payee;
      for (JsonNode p : m.path("payouts")) if (p.path("account").asText().equals(account)) return account;
    }
    return m.path("payouts").get(0).path("account").asText();
  }

  private ObjectNode view(ObjectNode m, JsonNode task) {
    List<String> open = new java.util.ArrayList<>();
    for (JsonNode p : m.path("payouts")) {
      String credit = p.path("credit").asText();
      boolean received = wallet.reader().doc("c/" + credit).map(c -> c.path("state").asText().equals("received")).orElse(false);
      if (!received) open.add(credit);
    }
    ObjectNode o = CanonicalJson.object();
    String id = m.path("mission").asText();
    o.put("mission", id).put("task_id", id).put("state", state(m, task, open)).put("reward", m.path("reward").asLong())
        .put("poster", m.path("poster").asText()).put("host", m.path("host").asText());
    String outcome = m.path("outcome").asText("");
    if (outcome.startsWith("finalized") && m.path("payouts").size() > 0) {
      o.put("winner", winner(m, task));
    } else {
      o.putNull("winner");
    }
    o.put("fee", m.path("fee").asLong(0));
    String hive = task == null ? "" : task.path("spec").path("hive").asText("");
    if (hive.isEmpty()) o.putNull("hive");
    else o.put("hive", hive);
    o.set("payouts", m.path("payouts").isMissingNode() ? CanonicalJson.MAPPER.createArrayNode() : m.get("payouts"));
    if (task != null) o.put("task_state", task.path("state").asText());
    return o;
  }
}
