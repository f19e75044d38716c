package dev.wattswarm.kernel.social;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RelationshipFoldTest {
  static final NodeId A = node(1);
  static final NodeId B = node(2);
  static final NodeId C = node(3);

  static NodeId node(int n) {
    byte[] secret = new byte[32];
    secret[0] = (byte) n;
    return new KeyPair(secret).id();
  }

  final List<RelationshipAction> log = new ArrayList<>();
  long clock;

  RelationshipAction act(NodeId author, NodeId peer, String type) {
    clock++;
    RelationshipAction a = new RelationshipAction("e" + clock + author.toString().substring(40), author, peer, type, clock,
        1_000 + clock, type.equals(SocialEventTypes.REQUESTED) ? "hello" : "", null);
    log.add(a);
    return a;
  }

  RelationshipState stateOf(NodeId me, NodeId peer) {
    RelationshipView v = RelationshipFold.view(me, peer, log);
    return v == null ? null : v.state();
  }

  @Test
  void requestAcceptIsSeenFromBothSides() {
    act(A, B, SocialEventTypes.REQUESTED);
    assertThat(stateOf(A, B)).isEqualTo(RelationshipState.PENDING_OUT);
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.PENDING_IN);
    assertThat(RelationshipFold.view(B, A, log).note()).isEqualTo("hello");
    act(B, A, SocialEventTypes.ESTABLISHED);
    assertThat(stateOf(A, B)).isEqualTo(RelationshipState.ACCEPTED);
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.ACCEPTED);
    assertThat(RelationshipFold.view(A, B, log).owesConfirmation()).isTrue();
    assertThat(RelationshipFold.view(B, A, log).owesConfirmation()).isFalse();
    act(A, B, SocialEventTypes.ESTABLISHED);
    assertThat(RelationshipFold.view(A, B, log).owesConfirmation()).isFalse();
    assertThat(RelationshipFold.view(A, B, log).updatedAtMs()).isEqualTo(1_002);
  }

  @Test
  void anAcceptNobodyAskedForOrByTheRequesterItselfCountsForNothing() {
    act(B, A, SocialEventTypes.ESTABLISHED); // unsolicited
    assertThat(stateOf(A, B)).isNull();
    act(A, B, SocialEventTypes.REQUESTED);
    act(A, B, SocialEventTypes.ESTABLISHED); // the requester cannot accept its own request
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.PENDING_IN);
    act(C, A, SocialEventTypes.ESTABLISHED); // a third node "accepting" for B
    assertThat(stateOf(A, B)).isEqualTo(RelationshipState.PENDING_OUT);
    assertThat(stateOf(A, C)).isNull();
  }

  @Test
  void rejectBlockUnblockRemove() {
    act(A, B, SocialEventTypes.REQUESTED);
    act(B, A, SocialEventTypes.REJECTED);
    assertThat(stateOf(A, B)).isEqualTo(RelationshipState.REJECTED);
    act(A, B, SocialEventTypes.REQUESTED);
    act(B, A, SocialEventTypes.BLOCKED);
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.BLOCKED);
    assertThat(stateOf(A, B)).isEqualTo(RelationshipState.REMOVED);
    act(A, B, SocialEventTypes.REQUESTED); // refused while blocked
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.BLOCKED);
    act(A, B, SocialEventTypes.UNBLOCKED); // only the blocker can lift it
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.BLOCKED);
    act(B, A, SocialEventTypes.UNBLOCKED);
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.REMOVED);
    act(A, B, SocialEventTypes.REQUESTED);
    act(B, A, SocialEventTypes.ESTABLISHED);
    assertThat(stateOf(A, B)).isEqualTo(RelationshipState.ACCEPTED);
    act(A, B, SocialEventTypes.REMOVED);
    assertThat(stateOf(B, A)).isEqualTo(RelationshipState.REMOVED);
  }

  /**
   * The view is a function of the set: any permutation of the actions, with duplicates, and with
   * other pairs' actions mixed in, folds to the same view for both parties. Clocks are Lamport
   * clocks: increasing per author, often equal across authors (concurrent actions).
   */
  @Test
  void theViewIsAFunctionOfTheSetOfActions() {
    long seed = new Random().nextLong();
    System.out.println("RelationshipFoldTest seed " + seed);
    Random rnd = new Random(seed);
    String[] types = SocialEventTypes.RELATIONSHIP.stream().sorted().toArray(String[]::new);
    NodeId[] nodes = {A, B, C};
    for (int round = 0; round < 300; round++) {
      List<RelationshipAction> actions = new ArrayList<>();
      Map<NodeId, Long> lamport = new HashMap<>();
      int n = 1 + rnd.nextInt(25);
      for (int i = 0; i < n; i++) {
        NodeId author = nodes[rnd.nextInt(3)];
        NodeId peer = nodes[(java.util.Arrays.asList(nodes).indexOf(author) + 1 + rnd.nextInt(2)) % 3];
        long c = lamport.merge(author, 1L + rnd.nextInt(3), Long::sum);
        actions.add(new RelationshipAction("r" + round + "-" + i, author, peer, types[rnd.nextInt(types.length)], c, c, "", null));
      }
      RelationshipView ab = RelationshipFold.view(A, B, actions);
      RelationshipView ba = RelationshipFold.view(B, A, actions);
      for (int p = 0; p < 10; p++) {
        List<RelationshipAction> shuffled = new ArrayList<>(actions);
        for (int d = rnd.nextInt(5); d > 0; d--) shuffled.add(actions.get(rnd.nextInt(actions.size())));
        Collections.shuffle(shuffled, rnd);
        assertThat(RelationshipFold.view(A, B, shuffled)).as("seed %d round %d", seed, round).isEqualTo(ab);
        assertThat(RelationshipFold.view(B, A, shuffled)).as("seed %d round %d", seed, round).isEqualTo(ba);
      }
      // the parties agree on whether they are related, and only a request then an accept relates them
      assertThat(ab == null ? null : ab.accepted()).as("seed %d round %d", seed, round).isEqualTo(ba == null ? null : ba.accepted());
    }
  }

  @Test
  void thePairDigestIsSymmetricAndPerPair() {
    assertThat(PairDigest.of(A, B)).isEqualTo(PairDigest.of(B, A)).hasSize(32);
    assertThat(PairDigest.of(A, C)).isNotEqualTo(PairDigest.of(A, B));
    assertThat(PairDigest.dmScope(A, B).toString()).isEqualTo("group:dm-" + PairDigest.of(A, B));
    assertThat(PairDigest.isDmScope(PairDigest.dmScope(B, A))).isTrue();
  }

  @Test
  void aContactCardVerifiesOnlyForItsOwnerAndNetwork() {
    byte[] secret = new byte[32];
    secret[0] = 1;
    KeyPair k = new KeyPair(secret);
    byte[] x = new byte[32];
    x[5] = 9;
    ContactCard card = ContactCard.sign(k, "net-1", x);
    assertThat(card.verifies("net-1", A)).isTrue();
    assertThat(card.verifies("net-2", A)).isFalse();
    assertThat(card.verifies("net-1", B)).isFalse();
    assertThat(ContactCard.fromJson(card.toJson()).verifies("net-1", A)).isTrue();
    assertThat(ContactCard.fromJson(card.toJson().put("x25519", "zz"))).isNull();
  }
}
