package dev.wattswarm.p2p.suite;

import dev.wattswarm.p2p.Overlay;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A way to run N overlay nodes: in virtual time, or on real sockets. */
interface OverlayEnv extends AutoCloseable {
  /** Starts {@code n} nodes (not yet joined). */
  List<Overlay> start(int n);

  /** Waits (virtual or real time) until {@code done} holds; false if {@code maxMs} passed first. */
  boolean await(BooleanSupplier done, long maxMs);

  /** Stops node {@code i} without a goodbye. */
  void crash(int i);

  /** Sends raw bytes to node {@code to} from node {@code from} over a fresh authenticated link. */
  void sendRaw(int from, int to, byte[] frame);

  @Override
  void close();
}
