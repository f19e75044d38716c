package dev.wattswarm.p2p.gossip;

/**
 * A {@link Validator}'s judgement: accept (deliver, cache, forward), reject (the sender broke the
 * rules: a strike, counted as {@code rejected_gossip.<reason>}) or ignore (not for us or not now:
 * dropped without blame, counted as {@code ignored_gossip}).
 *
 * @param reason a short counter key such as {@code bad_signature}; empty for accept
 */
public record Verdict(Kind kind, String reason) {
  public enum Kind { ACCEPT, REJECT, IGNORE }

  public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, "");

  public static Verdict reject(String reason) {
    return new Verdict(Kind.REJECT, reason);
  }

  public static Verdict ignore(String reason) {
    return new Verdict(Kind.IGNORE, reason);
  }
}
