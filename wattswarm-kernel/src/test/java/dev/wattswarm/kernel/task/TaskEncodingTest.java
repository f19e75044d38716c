package dev.wattswarm.kernel.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.task.TaskFoldPropertyTest.MemTx;
import dev.wattswarm.kernel.task.TaskFoldPropertyTest.Scenario;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The projector writes its documents without building a JSON tree (the log is spliced from each
 * entry's bytes, the task written field by field), so the stored bytes must be checked against the
 * tree encoding they replace: {@code CanonicalJson.encode} of the whole log and of
 * {@link TaskState#toJson()}. Checked after every delivered event, not only at the end, so every
 * intermediate state (claims held, votes half revealed, a retry pending) is compared too.
 */
class TaskEncodingTest {
  static final int SEEDS = 400;

  /** The log document as it was encoded before splicing: one tree, canonically encoded. */
  static byte[] treeEncoding(TaskFactLog log) {
    ObjectNode o = CanonicalJson.object();
    ArrayNode a = o.putArray("facts");
    for (TaskFactLog.Entry e : log.entries()) {
      ObjectNode f = a.addObject();
      f.put("order", e.order()).put("id", e.id()).put("scope", e.scope()).put("seq", e.seq()).put("type", e.fact().type())
          .put("author", e.fact().author())
          .put("at_ms", e.fact().atMs());
      f.set("payload", e.fact().payload());
    }
    return CanonicalJson.encode(o);
  }

  @Test
  void storedDocumentsAreTheTreeEncodingAfterEveryEvent() {
    int compared = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Event> events = new Scenario(new Random(seed), false).run();
      List<Event> order = TaskFoldPropertyTest.randomInterleaving(events, new Random(seed), 0.05);
      MemTx tx = new MemTx();
      TaskProjector projector = new TaskProjector();
      for (Event e : order) {
        projector.apply(e, tx);
        ProjectionDoc logDoc = tx.docs.get(TaskProjector.LOG_NS + "\u0000" + TaskFoldPropertyTest.TASK);
        if (logDoc == null) continue;
        // decoded afresh, so neither side comes from the projector's cache
        TaskFactLog log = TaskFactLog.decode(logDoc.doc());
        assertThat(text(logDoc.doc())).as("seed %d: task_log after %s", seed, e.type()).isEqualTo(text(treeEncoding(log)));
        ProjectionDoc taskDoc = tx.docs.get(TaskProjector.NS + "\u0000" + TaskFoldPropertyTest.TASK);
        TaskState folded = TaskFold.fold(log.entries());
        if (folded == null) {
          assertThat(taskDoc).isNull();
          continue;
        }
        assertThat(text(taskDoc.doc())).as("seed %d: task after %s", seed, e.type())
            .isEqualTo(CanonicalJson.encodeString(folded.toJson()));
        compared++;
      }
    }
    assertThat(compared).as("documents compared").isGreaterThan(SEEDS * 5);
  }

  @Test
  void aStateEncodesAsItsTreeWithResultAndNullOutputs() {
    // the scenarios finalize with outputs; this covers what they cannot produce: null outputs
    TaskState s = TaskStateMachineTest.quorumDecided().copy();
    s.candidates.put("n/a", new TaskState.Candidate("h", null));
    s.result = new TaskState.Result("n/a", "h", null);
    s.lastError = "quote \" and \u00e9 and \u0001";
    assertThat(text(s.encode())).isEqualTo(CanonicalJson.encodeString(s.toJson()));
    // nested values written into the document's own generator: key order, arrays, numbers, escapes
    ObjectNode out = CanonicalJson.object().put("z", 1.5e300).put("a", "\u2028 \\ / \ud83d\ude00").put("m", -0L);
    out.putArray("list").add(3).addObject().put("y", true).putNull("b");
    s.candidates.put("n/b", new TaskState.Candidate("h2", out));
    assertThat(text(s.encode())).isEqualTo(CanonicalJson.encodeString(s.toJson()));
  }

  @Test
  void aDecodedLogEncodesToTheBytesItCameFrom() {
    List<Event> events = new Scenario(new Random(7), false).run();
    TaskFactLog log = TaskFactLog.empty();
    for (Event e : events) if (e.taskId().equals(TaskFoldPropertyTest.TASK)) log.insert(e, TaskFact.of(e));
    byte[] bytes = log.encode();
    assertThat(text(TaskFactLog.decode(bytes).encode())).isEqualTo(text(bytes));
    assertThat(text(TaskFactLog.empty().encode())).isEqualTo("{\"facts\":[]}");
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
