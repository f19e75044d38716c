package dev.wattswarm.p2p.wire;

/** The first byte of every substrate frame. */
public final class FrameType {
  private FrameType() {}

  // membership (HyParView)
  public static final int JOIN = 1;
  public static final int FORWARD_JOIN = 2;
  public static final int NEIGHBOR = 3;
  public static final int NEIGHBOR_REPLY = 4;
  public static final int DISCONNECT = 5;
  public static final int SHUFFLE = 6;
  public static final int SHUFFLE_REPLY = 7;
  public static final int JOIN_ACCEPT = 8;
  public static final int SUBSCRIPTIONS = 10;
  // broadcast (PlumTree)
  public static final int GOSSIP = 20;
  public static final int IHAVE = 21;
  public static final int GRAFT = 22;
  public static final int PRUNE = 23;
  // request/response
  public static final int REQUEST = 30;
  public static final int RESPONSE = 31;
  // joining: a new node asks a member for the signed network bootstrap bundle
  public static final int BUNDLE_REQUEST = 40;
  public static final int BUNDLE = 41;
  // scoped topics: direct links between subscribers of a topic that are not neighbours
  public static final int TOPIC_JOIN = 42;
  public static final int TOPIC_LEAVE = 43;
  // reach: requests to and answers from non-neighbours, through other nodes, signed end to end
  public static final int RELAY_REQUEST = 50;
  public static final int RELAY_RESPONSE = 51;
  // a relay's "not through me" for one relayed request, to the neighbour that handed it over
  public static final int RELAY_NACK = 52;

  public static boolean membership(int t) {
    return t >= 1 && t <= 10;
  }

  public static boolean broadcast(int t) {
    return t >= 20 && t <= 23;
  }
}
