package dev.wattswarm.agents;

import java.util.Locale;

/** How one agent is chosen among several that fit (JarvisCore's discovery strategies). */
public enum Strategy {
  FIRST,
  RANDOM,
  ROUND_ROBIN,
  LEAST_RECENT;

  public static Strategy parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("strategy '" + s + "' must be first, random, round_robin or least_recent");
    }
  }
}
