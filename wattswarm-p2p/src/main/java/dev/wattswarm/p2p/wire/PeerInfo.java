package dev.wattswarm.p2p.wire;

import dev.wattswarm.kernel.identity.NodeId;

/** A node as membership knows it: its identity and the address it listens on. */
public record PeerInfo(NodeId id, String address) {}
