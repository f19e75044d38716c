package dev.wattswarm.agents;

import java.util.Locale;

/** PicoClaw's roles: a coordinator decomposes and synthesizes, workers do general work, specialists do their capabilities. */
public enum Role {
  COORDINATOR,
  WORKER,
  SPECIALIST;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the accepted roles */
  public static Role parse(String s) {
    for (Role r : values()) if (r.wire().equalsIgnoreCase(s == null ? "" : s.trim())) return r;
    throw new IllegalArgumentException("role '" + s + "' must be coordinator, worker or specialist");
  }
}
