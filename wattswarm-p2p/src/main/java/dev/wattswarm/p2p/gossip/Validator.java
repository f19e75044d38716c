package dev.wattswarm.p2p.gossip;

import dev.wattswarm.kernel.identity.NodeId;

/**
 * Judges a broadcast message before the tree takes it: before its id is marked seen, cached for
 * IHAVE/GRAFT or forwarded. Only accepted messages travel on, so a forged payload under an honest
 * id neither poisons the id (the honest copy can still arrive) nor gets an honest relayer blamed.
 * Runs on the protocol thread: keep it quick (decode, hash, one signature check).
 */
@FunctionalInterface
public interface Validator {
  Validator ACCEPT_ALL = (from, id, payload) -> Verdict.ACCEPT;

  /** @param from the peer whose link carried these bytes (TLS-proven), who takes any strike */
  Verdict validate(NodeId from, byte[] id, byte[] payload);
}
