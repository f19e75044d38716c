package dev.wattswarm.kernel.store;

import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;

/** A lane (author x scope) and its head. */
public record Lane(NodeId author, Scope scope, LaneHead head) {}
