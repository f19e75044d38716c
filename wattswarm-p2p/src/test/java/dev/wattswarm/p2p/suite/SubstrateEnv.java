package dev.wattswarm.p2p.suite;

import dev.wattswarm.p2p.Substrate;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A way to run a few nodes of one substrate for {@link SubstrateBehaviourSuite}: the simulator,
 * TLS sockets on loopback, or a real nats-server. Each implementation also plays the attacker in
 * the way its medium allows (a raw authenticated link, or a bare connection to the broker).
 */
public interface SubstrateEnv extends AutoCloseable {
  /** How many nodes the suite starts. */
  default int size() {
    return 8;
  }

  /** Starts {@link #size()} nodes and lets them find one another; the suite waits until they have. */
  List<Substrate> start();

  /** The full name of a topic of the env's network: {@code "global.events"} becomes {@code "<network>.global.events"}. */
  String topic(String scopeAndKind);

  /** Waits (virtual or real time) until {@code done} holds; false if {@code maxMs} passed first. */
  boolean await(BooleanSupplier done, long maxMs);

  /** Stops node {@code i} without a goodbye: its process is gone, its peers must notice by themselves. */
  void crash(int i);

  /** Starts crashed node {@code i} again with the same identity; it rejoins by itself. */
  Substrate restart(int i);

  /**
   * Node {@code from} sends node {@code to} input no honest node sends (cut-short and unknown
   * frames, garbage where a signed message belongs); returns how many pieces it sent.
   */
  int sendMalformed(int from, int to);

  /** How many malformed pieces of input node {@code i} has refused so far. */
  long refused(int i);

  /**
   * Node {@code liar} gets ready to answer the next request {@code asker} puts to {@code asked}
   * as if it were the one asked; the returned action, run after that request was sent, makes it
   * answer (where it cannot see the request, by guessing what it needs).
   */
  Runnable impostor(int liar, int asker, int asked);

  @Override
  void close();
}
