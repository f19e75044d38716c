package dev.wattswarm.server.gateway;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a gateway key may do. A key made without scopes (every key made before scopes existed,
 * too) may do everything; a key made with some may do exactly those, so a dashboard can hold a
 * {@code read} key that cannot spend the node's watt on missions.
 */
public enum Scope {
  /** submit tasks (gateway {@code POST /tasks}, A2A SendMessage, SendStreamingMessage, CancelTask) */
  TASKS_WRITE("tasks:write"),
  /** post missions, which escrow this node's watt */
  MISSIONS_WRITE("missions:write"),
  /** read tasks, missions and services, and follow them over the WebSocket (A2A GetTask) */
  READ("read");

  private final String wire;

  Scope(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** @throws IllegalArgumentException naming the scopes there are */
  public static Scope parse(String s) {
    for (Scope v : values()) if (v.wire.equals(s)) return v;
    throw new IllegalArgumentException("unknown scope '" + GatewayKeys.clip(String.valueOf(s)) + "'; the scopes are " + names(EnumSet.allOf(Scope.class)));
  }

  public static String names(Set<Scope> scopes) {
    return scopes.stream().map(Scope::wire).collect(Collectors.joining(", "));
  }

  static Set<Scope> all() {
    return EnumSet.allOf(Scope.class);
  }

  @Override
  public String toString() {
    return wire;
  }

  static Set<Scope> of(Scope... s) {
    return s.length == 0 ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(Arrays.asList(s));
  }
}
