package dev.wattswarm.kernel.event;

import java.util.Set;
import java.util.TreeSet;

/**
 * The closed set of event types a node accepts. An event of any other type is rejected as
 * {@link RejectReason#UNKNOWN_TYPE}: applying facts we cannot interpret would let projections
 * diverge between nodes running different versions.
 */
public final class EventTypes {
  public static final String NODE_STARTED = "node.started";
  public static final String NODE_STOPPED = "node.stopped";
  public static final String NETWORK_PARAMS = "network.params";
  /** Agent workflows: decompose -> parallel steps -> synthesis, each step durable in the log. */
  public static final String WORKFLOW_STARTED = "workflow.started";
  /** A slice of a goal too large for the plan event; the plan event follows its parts. */
  public static final String WORKFLOW_GOAL_PART = "workflow.goal_part";
  public static final String WORKFLOW_STEP_DONE = "workflow.step_done";
  public static final String WORKFLOW_STEP_FAILED = "workflow.step_failed";
  public static final String WORKFLOW_FINISHED = "workflow.finished";

  /**
   * Proof that an author signed two different events at one lane position (see
   * {@link dev.wattswarm.kernel.evidence.EquivocationProof}), published by whoever saw both.
   */
  public static final String EVIDENCE_EQUIVOCATION = "evidence.equivocation";

  /** The WATT ledger (wattswarm-economy): the genesis mint, and ops in their payer's account chain. */
  public static final Set<String> WATT = Set.of("watt.genesis", "watt.sent", "watt.received", "watt.escrowed");

  /** ServiceNet advertisements and oracle feed updates (wattswarm-economy). */
  public static final Set<String> MARKET = Set.of("service.advertised", "oracle.published");

  /** Hive membership (wattswarm-economy): created, joined and left, each signed by the member itself. */
  public static final Set<String> HIVE = Set.of("hive.created", "hive.joined", "hive.left");

  private final Set<String> known;

  private EventTypes(Set<String> known) {
    this.known = Set.copyOf(known);
  }

  public static EventTypes of(Set<String> types) {
    return new EventTypes(types);
  }

  /** Every type the kernel defines. */
  public static EventTypes kernel() {
    Set<String> s = new TreeSet<>(Set.of(NODE_STARTED, NODE_STOPPED, NETWORK_PARAMS, WORKFLOW_STARTED, WORKFLOW_GOAL_PART, WORKFLOW_STEP_DONE,
        WORKFLOW_STEP_FAILED, WORKFLOW_FINISHED));
    s.addAll(dev.wattswarm.kernel.task.TaskEventTypes.ALL);
    s.add(EVIDENCE_EQUIVOCATION);
    s.addAll(dev.wattswarm.kernel.social.SocialEventTypes.ALL);
    s.addAll(WATT);
    s.addAll(MARKET);
    s.addAll(HIVE);
    return new EventTypes(s);
  }

  public boolean isKnown(String type) {
    return known.contains(type);
  }

  public Set<String> all() {
    return known;
  }
}
