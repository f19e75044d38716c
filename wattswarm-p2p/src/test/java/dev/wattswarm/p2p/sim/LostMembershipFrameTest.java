package dev.wattswarm.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.membership.HyParView;
import dev.wattswarm.p2p.wire.FrameType;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A membership frame lost on an open link must not leave a neighbourship held on one side only:
 * the side that believes in it sends its broadcasts into a link the other never reads as a
 * neighbour's, and a newcomer whose only neighbour that is hears nothing.
 */
class LostMembershipFrameTest {
  // Once a known gap: the joiner took its contact as a neighbour the moment it sent the JOIN. It
  // now waits for the contact's JOIN_ACCEPT, and asks plainly (NEIGHBOR) when none comes.
  @Test
  void aNewcomerWhoseJoinIsLostEndsUpWithNeighboursThatHoldIt() {
    SimSwarm s = new SimSwarm(11, 12);
    int newcomer = 11;
    Random r = new Random(11);
    for (int i = 1; i < newcomer; i++) s.nodes.get(i).join(s.transports.get(r.nextInt(i)).localAddress());
    s.net.scheduler().runFor(10_000);
    // a contact with a full view never asks anyone to be its neighbour, so only the protocol can heal it
    int contact = -1;
    for (int i = 0; i < newcomer && contact < 0; i++) if (s.nodes.get(i).membership().activeView().size() == 5) contact = i;
    assertThat(contact).as("some node has a full active view").isNotNegative();
    String joiner = s.transports.get(newcomer).localAddress();
    s.net.dropWhen((from, to, frame) -> from.equals(joiner) && frame[0] == FrameType.JOIN);
    s.nodes.get(newcomer).join(s.transports.get(contact).localAddress());
    s.net.scheduler().runFor(30_000);

    NodeId me = s.transports.get(newcomer).localId();
    Collection<NodeId> mine = s.nodes.get(newcomer).membership().activeView();
    assertThat(mine).as("the newcomer has neighbours").isNotEmpty();
    for (NodeId p : mine) {
      assertThat(view(s, p)).as("neighbour %s of the newcomer holds it as a neighbour too; %s", p, s.stats()).contains(me);
    }
    byte[] id = s.publish(contact, "after the lost join");
    assertThat(s.allHave(List.of(id), 10_000)).as("the newcomer hears a broadcast").isTrue();
  }

  @Test
  void aJoinerDoesNotCountAContactThatNeverAcceptedIt() {
    SimSwarm s = new SimSwarm(12, 3);
    s.nodes.get(1).join(s.transports.get(0).localAddress());
    s.net.scheduler().runFor(5_000);
    String joiner = s.transports.get(2).localAddress();
    s.net.dropWhen((from, to, frame) -> from.equals(joiner) && frame[0] == FrameType.JOIN);
    s.nodes.get(2).join(s.transports.get(0).localAddress());
    // well inside one reconnect period: the JOIN is lost, so no JOIN_ACCEPT came
    s.net.scheduler().runFor(300);
    assertThat(s.nodes.get(2).membership().activeView()).as("no neighbour that never heard of us").isEmpty();
    assertThat(view(s, s.transports.get(0).localId())).doesNotContain(s.transports.get(2).localId());
    s.net.scheduler().runFor(10_000);
    NodeId me = s.transports.get(2).localId();
    assertThat(s.nodes.get(2).membership().activeView()).as("asked plainly instead, and taken").isNotEmpty();
    for (NodeId p : s.nodes.get(2).membership().activeView()) assertThat(view(s, p)).contains(me);
  }

  private static Collection<NodeId> view(SimSwarm s, NodeId peer) {
    for (int i = 0; i < s.nodes.size(); i++) {
      HyParView m = s.nodes.get(i).membership();
      if (m.self().id().equals(peer)) return m.activeView();
    }
    throw new AssertionError(peer + " is not in the swarm");
  }
}
