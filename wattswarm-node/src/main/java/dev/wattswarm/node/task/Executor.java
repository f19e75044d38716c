package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Something that does a task's work. The node claims tasks for it when its capabilities match,
 * calls {@link #execute} on a virtual thread bounded by the claim's lease, and, in quorum tasks,
 * asks it to {@link #verify} the other candidates before it votes. Implementations must be safe to
 * call from several threads at once, up to {@link #maxConcurrent()}.
 */
public interface Executor {
  /** Unique on this node; the swarm sees it as {@code <node_id>/<name>}. */
  String name();

  Set<String> capabilities();

  default int maxConcurrent() {
    return 4;
  }

  /**
   * @return the result, a JSON object; equal answers must be equal JSON so votes can agree
   * @throws Exception when the work fails; the node reports it as a task error
   */
  JsonNode execute(TaskRequest task) throws Exception;

  /**
   * The agent of this node the executor works for (its name or id, as {@code executors.json}
   * says in {@code "agent"}): a winning result is then paid into that agent's account instead of
   * the node's. Null: the node's.
   */
  default String agent() {
    return null;
  }

  /** Judges another executor's output for the same task. */
  Verdict verify(TaskRequest task, JsonNode candidate) throws Exception;

  /**
   * How it is doing, for {@code node status}: at least {@code healthy}. Executors that depend on
   * an outside service say when they last failed and when they try again.
   */
  default com.fasterxml.jackson.databind.node.ObjectNode status() {
    return dev.wattswarm.kernel.json.CanonicalJson.object().put("healthy", true);
  }

  /** A verifier's judgement. */
  record Verdict(String verdict, String reason) {
    public static Verdict passed(String reason) {
      return new Verdict("passed", reason);
    }

    public static Verdict failed(String reason) {
      return new Verdict("failed", reason);
    }

    public static Verdict inconclusive(String reason) {
      return new Verdict("inconclusive", reason);
    }
  }
}
