package dev.wattswarm.kernel.store;

import dev.wattswarm.kernel.event.Event;

/**
 * Derives projection documents from events. Runs inside the append transaction and during replay,
 * so it must be deterministic: the same documents and events in the same order give the same
 * result, with no clock, randomness or I/O. Events it does not understand or that its state
 * machine refuses are ignored (they stay in the log; lanes must not have holes), never thrown on.
 */
public interface Projector {
  void apply(Event event, ProjectionTx tx);
}
