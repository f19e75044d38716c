package dev.wattswarm.economy.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * WATT amounts are whole numbers from 1 to 2^53: exact in every JSON reader (JavaScript's
 * doubles included), so no client ever sees a balance its number type rounded.
 */
public final class Amounts {
  public static final long MAX = dev.wattswarm.kernel.task.TaskSpec.MAX_REWARD;

  private Amounts() {}

  /** The amount in a JSON field, or null when it is not a whole number in 1..2^53. */
  public static Long of(JsonNode n) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) return null;
    long v = n.asLong();
    return v >= 1 && v <= MAX ? v : null;
  }

  /**
   * Parses what a user typed.
   *
   * @throws IllegalArgumentException saying what is wrong with it and what is allowed
   */
  public static long parse(String text) {
    String what = "amount '" + text + "'";
    BigDecimal d;
    try {
      d = new BigDecimal(text.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException(what + " is not a number: give a whole number of WATT from 1 to " + MAX);
    }
    if (d.signum() <= 0) throw new IllegalArgumentException(what + " must be positive: give a whole number of WATT from 1 to " + MAX);
    if (d.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(what + " is not a whole number: WATT has no fractions");
    }
    if (d.compareTo(BigDecimal.valueOf(MAX)) > 0) throw new IllegalArgumentException(what + " is over the largest amount, 2^53 = " + MAX);
    return d.longValueExact();
  }

  /** Parses a JSON field a user sent. @throws IllegalArgumentException naming the field */
  public static long parse(JsonNode n, String field) {
    if (n == null || n.isMissingNode() || n.isNull()) throw new IllegalArgumentException("\"" + field + "\" is missing: give a whole number of WATT");
    if (n.isTextual()) return parse(n.asText());
    if (!n.isNumber()) throw new IllegalArgumentException("\"" + field + "\" must be a whole number of WATT, not " + n.getNodeType().name().toLowerCase());
    return parse(n.decimalValue().toPlainString());
  }
}
