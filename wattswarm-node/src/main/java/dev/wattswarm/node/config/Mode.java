package dev.wattswarm.node.config;

/** Network mode (seed: local / lan / wan / network). */
public enum Mode {
  /** One machine, no contacts, network_id = local:<node_id>. */
  LOCAL,
  /** Several machines on one subnet; joins through a bootstrap contact. */
  LAN,
  /** Genesis of a shared network when no bootstrap contact is configured. */
  NETWORK,
  /** Joins a shared network through a bootstrap contact. */
  WAN;

  public String wire() {
    return name().toLowerCase();
  }

  public static Mode parse(String s) {
    for (Mode m : values()) if (m.wire().equalsIgnoreCase(s == null ? "" : s.trim())) return m;
    throw new IllegalArgumentException("mode '" + s + "' must be one of local, lan, network, wan");
  }
}
