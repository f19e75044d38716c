package dev.wattswarm.p2p.suite;

import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Overlay nodes for the suite, in virtual time or on real sockets. The attacker is a member with
 * a raw authenticated link: it can send any frame, but its link proves who it is.
 */
abstract class OverlayEnv implements SubstrateEnv {
  static final String NETWORK = "net:test";
  final List<Overlay> overlays = new ArrayList<>();

  /** A fresh overlay for node {@code i} (for a restart: the same key as before). */
  abstract Overlay newOverlay(int i);

  /** The address others dial to join node {@code i}. */
  abstract String address(int i);

  /** Sends raw bytes to node {@code to} from node {@code from} over a fresh authenticated link. */
  abstract void sendRaw(int from, int to, byte[] frame);

  Overlay overlay(int i) {
    return overlays.get(i);
  }

  @Override
  public List<Substrate> start() {
    for (int i = 0; i < size(); i++) overlays.add(newOverlay(i));
    // a tree of contacts: nobody knows everyone, membership must spread the rest
    for (int i = 1; i < size(); i++) overlays.get(i).join(address(i - 1 > 0 ? (i - 1) / 2 : 0));
    return List.copyOf(overlays);
  }

  @Override
  public Substrate restart(int i) {
    Overlay o = newOverlay(i);
    overlays.set(i, o);
    o.join(address(i == 0 ? 1 : 0));
    return o;
  }

  @Override
  public String topic(String scopeAndKind) {
    return NETWORK + "." + scopeAndKind;
  }

  @Override
  public int sendMalformed(int from, int to) {
    sendRaw(from, to, new byte[] {(byte) FrameType.GOSSIP, 0, 0, 0, 99}); // a GOSSIP frame cut short
    sendRaw(from, to, new byte[] {(byte) 0x77});                          // an unknown frame type
    return 2;
  }

  @Override
  public long refused(int i) {
    return overlay(i).violations();
  }

  /**
   * Request ids are sequential and public, so a neighbour can guess the asker's first one (1) and
   * answer it; the answer is matched against the peer its link proves, not the id alone.
   */
  @Override
  public Runnable impostor(int liar, int asker, int asked) {
    return () -> sendRaw(liar, asker, new WireWriter(FrameType.RESPONSE).i64(1).bytes("forged".getBytes()).done());
  }
}
