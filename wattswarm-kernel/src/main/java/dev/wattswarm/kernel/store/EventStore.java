package dev.wattswarm.kernel.store;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import java.util.List;
import java.util.Optional;

/**
 * The event log and its projections. The log is the source of truth; projections are derived in
 * the same transaction as the append, by the {@link Projector}s the store was opened with, and a
 * full {@link #replayProjections()} must rebuild them byte for byte.
 *
 * <p>Callers verify events (id, signature, type, size) before appending; the store checks lane
 * continuity, since only it knows the lane heads. Implementations are thread safe; appends are
 * serialised.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Appends events atomically, in order, and applies projections in the same transaction. An event
   * whose id is already stored is skipped ({@link AppendOutcome#DUPLICATE}), never an error.
   *
   * @throws dev.wattswarm.kernel.event.EventRejectedException on a gap, fork or bad prev in any
   *     event; nothing of the batch is stored
   * @throws StoreException when the database fails; nothing of the batch is stored
   */
  List<AppendOutcome> append(List<Event> events);

  default AppendOutcome append(Event event) {
    return append(List.of(event)).get(0);
  }

  Optional<Event> get(EventId id);

  boolean contains(EventId id);

  /**
   * Events in local log order after {@code afterPosition} (0 = from the start).
   *
   * @param filter restricts by type prefix, task id or scope; {@link EventFilter#ALL} for none
   */
  EventPage list(long afterPosition, int limit, EventFilter filter);

  /** The lane's head, or {@link LaneHead#EMPTY}. */
  LaneHead laneHead(NodeId author, Scope scope);

  /** Every lane this store holds, with its head. */
  List<Lane> lanes();

  /** Events of one lane with sequence > {@code afterSeq}, in sequence order (backfill). */
  List<Event> laneAfter(NodeId author, Scope scope, long afterSeq, int limit);

  /** Number of events in the log. */
  long count();

  /** Position of the last appended event (0 when empty). */
  long headPosition();

  /** One projection document, or empty. */
  Optional<ProjectionDoc> projection(String namespace, String key);

  /** Documents of a namespace in key order after {@code afterKey}; {@code tag} null for any. */
  List<ProjectionDoc> projections(String namespace, String tag, String afterKey, int limit);

  /** How many documents of a namespace carry each tag (tasks by state, say); one pass, for metrics. */
  default java.util.Map<String, Long> countProjectionsByTag(String namespace) {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    String after = null;
    for (List<ProjectionDoc> page; !(page = projections(namespace, null, after, 1_000)).isEmpty(); ) {
      for (ProjectionDoc d : page) counts.merge(d.tag() == null ? "" : d.tag(), 1L, Long::sum);
      after = page.get(page.size() - 1).key();
    }
    return counts;
  }

  /** Deletes every projection and rebuilds them all from the log in log order, in one transaction. */
  void replayProjections();

  /** Every projection document, sorted by namespace then key, as canonical text for comparison. */
  String dumpProjections();

  /**
   * Re-checks every event: id, signature, lane sequence and prev chain.
   *
   * @param verifier used with its cache bypassed semantics: each event is checked once here
   */
  LogVerifyReport verifyLog(EventVerifier verifier);

  /** "sqlite" or "postgres". */
  String backend();

  @Override
  void close();
}
