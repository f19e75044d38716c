package dev.wattswarm.kernel.event;

import dev.wattswarm.kernel.identity.NodeId;

/**
 * A signed, immutable fact. {@code id} is the SHA-256 of the canonical encoding of every field
 * but {@code id} and {@code signature}; the signature is Ed25519 by {@code author} over the id.
 *
 * <p>{@code (author, scope)} is a lane: {@code laneSeq} counts from 1 within it and {@code prev}
 * is the id of the lane's previous event (zero for the first), so gaps and forks are detectable.
 * {@code clock} is a Lamport clock across everything the author has seen.
 *
 * @param networkId the network this event belongs to; events for another network are rejected
 * @param taskId the task the event concerns, or "" when none
 * @param payload canonical JSON bytes (see {@link dev.wattswarm.kernel.json.CanonicalJson})
 * @param encoded the canonical signed encoding, kept so storing and forwarding never re-encode
 */
public record Event(
    EventId id,
    String networkId,
    NodeId author,
    Scope scope,
    EventKind kind,
    String type,
    String taskId,
    long clock,
    long laneSeq,
    EventId prev,
    long createdAtMs,
    byte[] payload,
    byte[] signature,
    byte[] encoded) {

  public String payloadJson() {
    return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
  }

  public boolean hasTask() {
    return !taskId.isEmpty();
  }

  @Override
  public String toString() {
    return "Event[" + type + " " + id.hex().substring(0, 12) + " by " + author + " " + scope + "#" + laneSeq + "]";
  }
}
