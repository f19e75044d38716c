package dev.wattswarm.economy.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.swarm.EconSwarm.Peer;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The honest missions of the scenario: quorum missions the liars try to stuff and finalize,
 * fast missions only honest executors can take, missions cancelled at once (refunded), and one
 * left open, which a sybil tries to steal.
 */
final class MissionWork {
  final List<Peer> honest;
  final Random rnd;
  final List<String> quorum = new ArrayList<>();
  final List<String> echo = new ArrayList<>();
  final List<String> cancelled = new ArrayList<>();
  final String steal = "steal-me";
  Peer stealVictim;
  private final Map<String, Long> rewards = new HashMap<>();
  private final Map<String, String> posters = new HashMap<>();
  private final Set<String> finalizedByLiar = ConcurrentHashMap.newKeySet();

  MissionWork(List<Peer> honest, Random rnd) {
    this.honest = honest;
    this.rnd = rnd;
  }

  void postAll() {
    for (int i = 0; i < 2; i++) {
      long a = rnd.nextInt(100), b = rnd.nextInt(100);
      ObjectNode t = spec("q-" + i, "sum", "sum " + a + " " + b).put("profile", "quorum").put("vote_window_ms", 4_000)
          .put("reveal_window_ms", 4_000);
      t.putObject("quorum").put("executors", 5).put("threshold", 3);
      quorum.add(post(t));
    }
    for (int i = 0; i < 3; i++) echo.add(post(spec("e-" + i, "echo", "hello " + i)));
    for (int i = 0; i < 2; i++) {
      String id = post(spec("c-" + i, "nobody", "cancel me"));
      cancelled.add(id);
      Peer poster = byId(posters.get(id));
      poster.economy().missions().cancel(id);
    }
    post(spec(steal, "nobody", "an open mission"));
    stealVictim = byId(posters.get(steal));
  }

  private ObjectNode spec(String id, String capability, String prompt) {
    ObjectNode t = CanonicalJson.object().put("task_id", id).put("capability", capability).put("reward", 100 + rnd.nextInt(400))
        .put("lease_ms", 20_000).put("expires_in_ms", 120_000);
    t.putObject("inputs").put("prompt", prompt);
    return t;
  }

  private String post(ObjectNode t) {
    Peer p = honest.get(rnd.nextInt(honest.size()));
    String id = t.path("task_id").asText();
    p.economy().missions().post(t);
    rewards.put(id, t.path("reward").asLong());
    posters.put(id, p.id());
    return id;
  }

  private Peer byId(String id) {
    return honest.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  long reward(String mission) {
    return rewards.get(mission);
  }

  int count() {
    return rewards.size();
  }

  /** The liar finalizes each quorum mission with its own candidate as soon as it has proposed one. */
  void finalizeLosers(Liar l) {
    String mine = l.me.id() + "/liar";
    l.me.tasks().tracker().subscribe(c -> {
      TaskState s = c.after();
      if (s == null || !quorum.contains(s.taskId()) || s.phase().terminal()) return;
      TaskState.Candidate cand = s.candidates().get(mine);
      if (cand != null && finalizedByLiar.add(l.me.id() + " " + s.taskId())) {
        Thread.ofVirtual().start(() -> l.finalizeLoser(s.taskId(), cand.hash(), mine));
      }
    });
  }

  /** Every mission but the open one settled on every honest node (paid or refunded). */
  void awaitSettled() {
    List<String> all = new ArrayList<>(quorum);
    all.addAll(echo);
    all.addAll(cancelled);
    await("missions settled everywhere").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> honest.stream()
        .allMatch(h -> all.stream().allMatch(m -> h.economy().wallet().reader().doc("m/" + m)
            .map(d -> d.path("state").asText().equals("settled")).orElse(false))));
  }

  String winner(Peer p, String mission) {
    return p.economy().wallet().reader().doc("m/" + mission).orElseThrow().path("payouts").get(0).path("account").asText();
  }

  /** What each mission paid, on one honest node's ledger. */
  void check(LedgerAudit a, String at, Set<String> liars, String sybil) {
    for (String m : echo) {
      JsonNode d = a.missions.get(m);
      assertThat(d.path("outcome").asText()).as("%s mission %s", at, m).startsWith("finalized");
      long paid = d.path("fee").asLong();
      for (JsonNode po : d.path("payouts")) {
        assertThat(liars).as("%s: a liar paid for %s, which only honest executors can run", at, m).doesNotContain(po.path("account").asText());
        paid += po.path("amount").asLong();
      }
      assertThat(paid).as("%s mission %s pays out its reward", at, m).isEqualTo(reward(m));
    }
    for (String m : cancelled) {
      JsonNode d = a.missions.get(m);
      assertThat(d.path("outcome").asText()).as("%s mission %s", at, m).isEqualTo(TaskPhase.CANCELLED.wire());
      assertThat(d.path("payouts").get(0).path("account").asText()).as("%s refund of %s", at, m).isEqualTo(posters.get(m));
      assertThat(d.path("payouts").get(0).path("amount").asLong()).as("%s refund of %s", at, m).isEqualTo(reward(m));
    }
    for (String m : quorum) {
      JsonNode d = a.missions.get(m);
      long paid = d.path("fee").asLong();
      for (JsonNode po : d.path("payouts")) paid += po.path("amount").asLong();
      assertThat(paid).as("%s mission %s pays out its reward", at, m).isEqualTo(reward(m));
    }
    assertThat(a.missions).as("%s: the escrow of %s, whose task a sybil re-created, is refused", at, steal).doesNotContainKey(steal);
    JsonNode held = a.accounts.get(sybil);
    assertThat(held == null ? 0 : held.path("balance").asLong() + held.path("pending").asLong()).as("%s: the sybil holds nothing", at).isZero();
  }
}
