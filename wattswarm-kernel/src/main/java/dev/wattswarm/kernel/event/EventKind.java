package dev.wattswarm.kernel.event;

/** The gossip kind an event belongs to; part of its topic {@code {network}.{scope}.{kind}}. */
public enum EventKind {
  EVENTS,
  MESSAGES,
  RULES,
  CHECKPOINTS,
  SUMMARIES;

  public String wire() {
    return name().toLowerCase();
  }

  public static EventKind fromCode(int code) {
    EventKind[] all = values();
    if (code < 0 || code >= all.length) throw new IllegalArgumentException("unknown event kind code " + code);
    return all[code];
  }

  public static EventKind parse(String s) {
    for (EventKind k : values()) if (k.wire().equals(s)) return k;
    throw new IllegalArgumentException("event kind '" + s + "' must be one of events, messages, rules, checkpoints, summaries");
  }
}
