package dev.wattswarm.social.dm;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.social.ContactCard;
import dev.wattswarm.kernel.social.PairDigest;
import dev.wattswarm.kernel.social.RelationshipState;
import dev.wattswarm.kernel.social.RelationshipView;
import dev.wattswarm.kernel.social.SocialEventTypes;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.node.log.NodeLog;
import dev.wattswarm.node.p2p.EventSync;
import dev.wattswarm.node.p2p.SyncPolicy;
import dev.wattswarm.social.SocialException;
import dev.wattswarm.social.crypto.AgreementKey;
import dev.wattswarm.social.crypto.DmCipher;
import dev.wattswarm.social.relationship.Relationships;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Direct messages between nodes with an accepted relationship. Each pair's thread is the private
 * scope {@code group:dm-<pair digest>}, kind messages, feed {@code wattswarm.dm}: only its two
 * parties subscribe to it (joined when the relationship is accepted, left when it ends), only they
 * are served its lanes by backfill, and a party takes from it only events of the other party while
 * the relationship is accepted, that decrypt. Texts are sealed with {@link DmCipher} under the
 * parties' X25519 agreement, so the log and every relay hold ciphertext only.
 */
public final class DirectMessages implements SyncPolicy {
  private final NodeLog log;
  private final NodeId me;
  private final Relationships rels;
  private final AgreementKey key;
  private final EventSync sync;
  private final SecureRandom random;
  /** Thread scope -> the other party, for every pair that has a relationship state. */
  private final Map<Scope, NodeId> threads = new ConcurrentHashMap<>();
  /** The same, by topic name, for the overlay's tree filter. */
  private final Map<String, NodeId> topics = new ConcurrentHashMap<>();
  /** Shared secrets by peer and peer key, so a key change never reuses a stale secret. */
  private final Map<String, byte[]> secrets = new ConcurrentHashMap<>();
  private final Object sendLock = new Object();

  /** @param sync the node's event sync, or null when the node runs without networking */
  public DirectMessages(NodeLog log, Relationships rels, AgreementKey key, EventSync sync, SecureRandom random) {
    this.log = log;
    this.me = log.nodeId();
    this.rels = rels;
    this.key = key;
    this.sync = sync;
    this.random = random;
    rels.addListener(this::reconcile);
    for (RelationshipView v : rels.views()) reconcile(v);
    if (sync != null) sync.addPolicy(this);
  }

  public static Scope thread(NodeId a, NodeId b) {
    return PairDigest.dmScope(a, b);
  }

  /** Subscribes the thread while the relationship is accepted, and only then. */
  private void reconcile(RelationshipView v) {
    if (v == null) return;
    Scope s = thread(me, v.peer());
    threads.put(s, v.peer());
    topics.put(dev.wattswarm.node.p2p.Topics.of(log.networkId(), s, EventKind.MESSAGES), v.peer());
    if (sync == null) return;
    if (v.accepted()) sync.join(s, java.util.EnumSet.of(EventKind.MESSAGES));
    else sync.leave(s);
  }

  /**
   * Seals {@code text} for {@code peer} and posts it to their thread.
   *
   * @throws SocialException REFUSED without an accepted relationship (or the peer's contact
   *     card), BAD_INPUT for an empty or oversized text, OFFLINE without networking
   */
  public DmRow send(NodeId peer, String text) {
    if (text == null || text.isEmpty()) throw new SocialException(SocialException.Kind.BAD_INPUT, "the message text is empty");
    byte[] plain = text.getBytes(StandardCharsets.UTF_8);
    if (plain.length > DmPayload.MAX_TEXT_BYTES) {
      throw new SocialException(SocialException.Kind.BAD_INPUT,
          "the message is " + plain.length + " bytes; a DM carries at most " + DmPayload.MAX_TEXT_BYTES);
    }
    RelationshipView v = rels.view(peer);
    if (v == null || !v.accepted()) {
      throw new SocialException(SocialException.Kind.REFUSED, "no accepted relationship with " + peer + " (state: "
          + (v == null ? "none" : v.state().wire()) + "); DMs need one: `relationship request " + peer + "`, then the peer accepts");
    }
    if (v.peerCard() == null) {
      throw new SocialException(SocialException.Kind.REFUSED, "no verified contact card from " + peer + " yet; try again shortly");
    }
    if (sync == null) throw new SocialException(SocialException.Kind.OFFLINE, "DMs need networking; start the node in network/lan/wan mode");
    if (!sync.rules().gossips(EventKind.MESSAGES)) {
      throw new SocialException(SocialException.Kind.OFFLINE, "this network's signed gossip_kinds leave out 'messages', so DMs cannot travel");
    }
    Scope s = thread(me, peer);
    String digest = s.id().substring(PairDigest.DM_PREFIX.length());
    byte[] shared = secret(peer, v.peerCard());
    synchronized (sendLock) {
      // only this lock publishes in our lane of the thread, so the next sequence is the head's next
      long seq = log.store().laneHead(me, s).seq() + 1;
      DmCipher.Sealed sealed = DmCipher.seal(shared, digest, me.toString(), peer.toString(), seq, plain, random);
      Event e = log.publish(s, EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "",
          new DmPayload(peer.toString(), sealed).toJson());
      if (e.laneSeq() != seq) throw new IllegalStateException("DM lane moved under the send lock: sealed for " + seq + ", posted at " + e.laneSeq());
      return new DmRow(me.toString(), peer.toString(), text, e.createdAtMs(), e.id().hex());
    }
  }

  /** The last {@code limit} messages with {@code peer} that open, oldest first. */
  public List<DmRow> list(NodeId peer, int limit) {
    RelationshipView v = rels.view(peer);
    Scope s = thread(me, peer);
    EventFilter f = new EventFilter(SocialEventTypes.TOPIC_MESSAGE_POSTED, "", s.toString());
    Deque<DmRow> last = new ArrayDeque<>();
    long cursor = 0;
    while (true) {
      EventPage page = log.store().list(cursor, 1_000, f);
      for (Event e : page.events()) {
        DmRow r = open(e, peer, v == null ? null : v.peerCard());
        if (r == null) continue;
        last.addLast(r);
        if (last.size() > limit) last.removeFirst();
      }
      if (page.events().isEmpty() || page.nextCursor() <= cursor) break;
      cursor = page.nextCursor();
    }
    return new ArrayList<>(last);
  }

  /** The decrypted row, or null when the event is not a message of this thread that opens. */
  private DmRow open(Event e, NodeId peer, ContactCard peerCard) {
    if (peerCard == null || !SocialEventTypes.TOPIC_MESSAGE_POSTED.equals(e.type())) return null;
    NodeId to;
    if (e.author().equals(me)) to = peer;
    else if (e.author().equals(peer)) to = me;
    else return null;
    try {
      DmPayload p = DmPayload.parse(e.payload());
      if (!p.to().equals(to.toString())) return null;
      Scope s = thread(me, peer);
      byte[] text = DmCipher.open(secret(peer, peerCard), s.id().substring(PairDigest.DM_PREFIX.length()),
          e.author().toString(), to.toString(), e.laneSeq(), p.sealed());
      return new DmRow(e.author().toString(), to.toString(), new String(text, StandardCharsets.UTF_8), e.createdAtMs(), e.id().hex());
    } catch (DmPayload.Malformed | GeneralSecurityException | IllegalArgumentException bad) {
      return null;
    }
  }

  private byte[] secret(NodeId peer, ContactCard card) {
    return secrets.computeIfAbsent(peer + "|" + Hashes.hex(card.x25519()), k -> key.agree(card.x25519()));
  }

  /**
   * The overlay's tree filter: a DM thread's topic takes only the other party (so no third node is
   * ever pushed its ciphertext); every other topic anyone.
   */
  public boolean allowedInTree(String topic, NodeId peer) {
    NodeId party = topics.get(topic);
    if (party != null) return party.equals(peer);
    return !topic.contains(".group:" + PairDigest.DM_PREFIX);
  }

  @Override
  public boolean mayServe(NodeId peer, Scope scope) {
    if (!PairDigest.isDmScope(scope)) return true;
    if (!peer.equals(threads.get(scope))) return false;
    RelationshipView v = rels.view(peer);
    return v != null && v.accepted();
  }

  @Override
  public String refuse(Event e) {
    if (!PairDigest.isDmScope(e.scope())) return null;
    NodeId peer = threads.get(e.scope());
    if (peer == null) return "dm_unknown_thread";
    if (e.author().equals(me)) return null; // our own messages, backfilled after we lost them
    if (!e.author().equals(peer)) return "dm_not_party";
    if (e.kind() != EventKind.MESSAGES || !SocialEventTypes.TOPIC_MESSAGE_POSTED.equals(e.type())) return "dm_bad_type";
    RelationshipView v = rels.view(peer);
    if (v == null || v.state() != RelationshipState.ACCEPTED) {
      return v != null && v.state() == RelationshipState.BLOCKED ? "dm_blocked" : "dm_no_relationship";
    }
    try {
      DmPayload.parse(e.payload());
    } catch (DmPayload.Malformed m) {
      return m.reason;
    }
    return open(e, peer, v.peerCard()) == null ? "dm_undecryptable" : null;
  }
}
