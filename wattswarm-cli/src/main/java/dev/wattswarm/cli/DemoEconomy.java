package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's economy step: node-1 (the genesis account, holding the supply) posts a mission whose
 * capability only node-2 and node-3 have, so the reward is escrowed on node-1, the work runs on
 * another node, and settlement pays the winner. Every node then shows the same balances and a
 * conserved supply, because each computed them from the same signed ledger events.
 */
final class DemoEconomy {
  static final String MISSION = "demo-mission";
  static final long REWARD = 250;

  private final DemoSwarm swarm;
  private final PrintWriter out;
  private final long timeoutMs;

  DemoEconomy(DemoSwarm swarm, PrintWriter out, long timeoutMs) {
    this.swarm = swarm;
    this.out = out;
    this.timeoutMs = timeoutMs;
  }

  private void say(String format, Object... args) {
    DemoScript.say(out, format, args);
  }

  boolean run() throws InterruptedException {
    List<DemoSwarm.Member> members = swarm.members();
    ControlClient c1 = members.get(0).client();
    long deadline = System.currentTimeMillis() + timeoutMs;
    String poster = members.get(0).rt.nodeId();
    say("%nmission paid in WATT: node-1 posts '%s' (reward %d WATT, escrowed at once), needs 'uppercase' (not on node-1):", MISSION, REWARD);
    ObjectNode m = DemoCommand.task(MISSION, "uppercase", "upper: paid by the swarm", false).put("reward", REWARD);
    try {
      c1.post("/v1/missions", CanonicalJson.encode(m));
      JsonNode escrow = c1.get("/v1/watt/balance/" + poster);
      say("  node-1's account: %d WATT spendable, %d escrowed", escrow.path("balance").asLong(), escrow.path("escrowed").asLong());
    } catch (CliException e) {
      say("  refused: %s", e.getMessage());
      return false;
    }
    JsonNode[] settled = new JsonNode[1];
    boolean ok = DemoScript.waitQuietly(deadline, () -> {
      JsonNode doc = c1.get("/v1/missions/" + MISSION);
      settled[0] = doc;
      return doc.path("state").asText().equals("settled");
    });
    if (!ok) {
      say("  not settled in time (state %s)", settled[0] == null ? "unknown" : settled[0].path("state").asText());
      return false;
    }
    String winner = settled[0].path("winner").asText();
    say("  settled: winner %s (on %s), fee %d WATT to the treasury", Output.shortId(winner), ownerName(winner), settled[0].path("fee").asLong());
    return balances(deadline, poster, winner);
  }

  /** Each node's view of the poster's and winner's balances; the demo insists they are identical and the supply conserved. */
  private boolean balances(long deadline, String poster, String winner) throws InterruptedException {
    say("%nbalances as every node computes them from the signed ledger:");
    say("  %-7s %18s %18s %10s", "node", "node-1 (poster)", "winner", "supply");
    List<String> rows = new ArrayList<>();
    for (DemoSwarm.Member m : swarm.members()) {
      ControlClient c = m.client();
      String[] row = new String[1];
      // the credit is spendable once the winner's lane acknowledges it, and events reach each node in their own time
      boolean settledHere = DemoScript.waitQuietly(deadline, () -> {
        JsonNode p = c.get("/v1/watt/balance/" + poster);
        JsonNode w = c.get("/v1/watt/balance/" + winner);
        JsonNode s = c.get("/v1/watt/supply");
        row[0] = String.format("%d|%d|%d", p.path("balance").asLong(), w.path("balance").asLong(), s.path("supply").asLong());
        return p.path("escrowed").asLong() == 0 && w.path("pending").asLong() == 0 && w.path("balance").asLong() > 0
            && s.path("conserved").asBoolean();
      });
      String[] v = row[0] == null ? new String[] {"?", "?", "?"} : row[0].split("\\|");
      say("  %-7s %18s %18s %10s%s", m.name, v[0], v[1], v[2], settledHere ? "" : "   (not settled here yet)");
      if (!settledHere) return false;
      rows.add(row[0]);
    }
    boolean same = rows.stream().distinct().count() == 1;
    say(same ? "  identical on every node; supply conserved (escrow, payout and fee are signed ledger events)"
        : "  nodes DISAGREE on balances");
    return same;
  }

  /** The demo node an account belongs to: a node id, or an agent id whose record names its node. */
  private String ownerName(String account) {
    for (DemoSwarm.Member m : swarm.members()) if (m.rt.nodeId().equals(account)) return m.name;
    for (DemoSwarm.Member m : swarm.members()) {
      try {
        for (JsonNode a : m.client().get("/v1/agents").path("agents")) {
          if (account.equals(a.path("agent_id").asText())) return a.path("name").asText() + "@" + swarm.nameOf(a.path("node_id").asText());
        }
      } catch (CliException e) {
        // a node that does not answer just cannot name the owner
      }
    }
    return "another node";
  }
}
