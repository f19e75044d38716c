package dev.wattswarm.economy.ledger;

import dev.wattswarm.kernel.identity.NodeId;

/**
 * Account names. A keyed account is a node id or an agent id (the same did:key form): only its key
 * can debit it. Two keyless accounts exist: {@code treasury} (fees) and {@code escrow:<mission>}
 * (a mission's reward until its task ends); neither ever signs, so neither keeps a chain.
 */
public final class Accounts {
  public static final String TREASURY = "treasury";
  public static final String ESCROW_PREFIX = "escrow:";

  private Accounts() {}

  public static String escrow(String mission) {
    return ESCROW_PREFIX + mission;
  }

  /** True when {@code s} is a node or agent id in its canonical form (so one key is one account). */
  public static boolean isKeyed(String s) {
    if (s == null || s.isEmpty() || s.charAt(0) != 'z') return false;
    if (VALID.containsKey(s)) return true;
    boolean ok;
    try {
      ok = NodeId.parse(s).toString().equals(s);
    } catch (IllegalArgumentException e) {
      ok = false;
    }
    // base58 decoding dominated the ledger's time; a node meets few distinct accounts, and the cap bounds what peers can add
    if (ok && VALID.size() < 100_000) VALID.put(s, Boolean.TRUE);
    return ok;
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> VALID = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The canonical account for what a user typed (a did:key form is accepted).
   *
   * @throws IllegalArgumentException saying what an account looks like
   */
  public static String canonical(String text) {
    if (TREASURY.equals(text)) return text;
    if (text != null && text.startsWith(ESCROW_PREFIX)) return text;
    try {
      return NodeId.parse(text).toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("account '" + text + "' is not a node id or agent id (z... did:key form), nor 'treasury': "
          + e.getMessage());
    }
  }

  /** The node of the genesis account: the node a network is named after. Null when none. */
  public static String genesisOf(String networkId) {
    int colon = networkId.indexOf(':');
    if (colon < 0) return null;
    String prefix = networkId.substring(0, colon);
    if (!prefix.equals("net") && !prefix.equals("local")) return null;
    String id = networkId.substring(colon + 1);
    return isKeyed(id) ? id : null;
  }
}
