package dev.wattswarm.node.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.evidence.EvidenceProjector;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A liar signs two events at one position of its lane, and two honest nodes each keep a different
 * one. The node that sees both proves the fork; the other, whose store holds the other branch,
 * checks the proof itself and ends with the same evidence document.
 */
@Timeout(120)
class EquivocationWatchTest {
  static final String NET = "net:evidence";
  @TempDir Path tmp;
  final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  Node node(String name) {
    Node n = Node.open(NodeConfig.local(tmp.resolve(name)), new StateDir(tmp.resolve(name)), Clock.systemUTC(),
        new SecureRandom(), Projections.all(), key -> NET);
    nodes.add(n);
    return n;
  }

  static Event fork(KeyPair liar, String what) {
    return new EventSigner(liar, NET, Clock.systemUTC())
        .sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("branch", what));
  }

  @Test
  void aForkSeenByOneNodeBecomesEvidenceEveryNodeHolds() {
    KeyPair liar = KeyPair.generate(new SecureRandom());
    Event x = fork(liar, "x"), y = fork(liar, "y");
    Node a = node("a"), b = node("b");
    a.log().ingest(x);
    b.log().ingest(y);
    String key = liar.id() + " global";

    assertThatThrownBy(() -> a.log().ingest(y)).isInstanceOf(EventRejectedException.class).hasMessageContaining("already has seq 1");
    await().atMost(Duration.ofSeconds(30)).until(() -> a.store().projection(EvidenceProjector.NS, key).isPresent());
    assertThat(a.evidence().counters()).containsEntry("equivocations_published", 1L);

    Event evidence = a.store().list(0, 100, EventFilter.ALL).events().stream()
        .filter(e -> e.type().equals(EventTypes.EVIDENCE_EQUIVOCATION)).findFirst().orElseThrow();
    b.log().ingest(evidence);
    var onA = a.store().projection(EvidenceProjector.NS, key).orElseThrow();
    var onB = b.store().projection(EvidenceProjector.NS, key).orElseThrow();
    assertThat(onB.json()).isEqualTo(onA.json()).contains(x.id().hex()).contains(y.id().hex());
    // b's store still holds its branch: evidence is added knowledge, not a rewrite
    assertThat(b.store().contains(y.id())).isTrue();
    assertThat(a.log().rejectedByReason()).containsEntry("fork", 1L);
  }

  /**
   * The liar bids for one task on two branches of its lane; each honest node holds one and so
   * shows a different bidder, until the evidence reaches both: then both fold the task without
   * the liar's forked facts and show the same document.
   */
  @Test
  void nodesOnDifferentBranchesAgreeOnTheTaskOnceTheEvidenceArrives() {
    KeyPair coordinator = KeyPair.generate(new SecureRandom()), liar = KeyPair.generate(new SecureRandom());
    var spec = CanonicalJson.object().put("task_id", "t-fork").put("capability", "sum");
    spec.putObject("inputs").put("prompt", "sum 1 2");
    Event created = new EventSigner(coordinator, NET, Clock.systemUTC())
        .sign(Scope.GLOBAL, EventKind.EVENTS, "task.created", "t-fork", spec);
    java.util.function.Function<String, Event> bid = name -> {
      EventSigner s = new EventSigner(liar, NET, Clock.systemUTC());
      s.observe(created.clock());
      var p = CanonicalJson.object().put("executor", liar.id() + "/" + name);
      p.putArray("capabilities").add("sum");
      return s.sign(Scope.GLOBAL, EventKind.EVENTS, "task.claimed", "t-fork", p);
    };
    Event x = bid.apply("w1"), y = bid.apply("w2");
    Node a = node("a"), b = node("b");
    for (Node n : List.of(a, b)) n.log().ingest(created);
    a.log().ingest(x);
    b.log().ingest(y);
    assertThat(task(a)).isNotEqualTo(task(b)); // two branches, two different bidders

    assertThatThrownBy(() -> a.log().ingest(y)).isInstanceOf(EventRejectedException.class);
    await().atMost(Duration.ofSeconds(30)).until(() -> a.store().projection(EvidenceProjector.NS, liar.id() + " global").isPresent());
    Event evidence = a.store().list(0, 100, EventFilter.ALL).events().stream()
        .filter(e -> e.type().equals(EventTypes.EVIDENCE_EQUIVOCATION)).findFirst().orElseThrow();
    b.log().ingest(evidence);
    assertThat(task(b)).isEqualTo(task(a));
    var doc = CanonicalJson.parse(task(a));
    assertThat(doc.path("bids").size()).isZero();
    assertThat(doc.path("events").asInt()).as("the forked bids leave no trace").isEqualTo(1);
    // and a replay of each log rebuilds exactly this
    for (Node n : List.of(a, b)) {
      String before = n.store().dumpProjections();
      n.store().replayProjections();
      assertThat(n.store().dumpProjections()).isEqualTo(before);
    }
  }

  static String task(Node n) {
    return n.store().projection("task", "t-fork").orElseThrow().json();
  }
}
