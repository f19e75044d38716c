package dev.wattswarm.economy.hive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.task.TaskSpec;

/**
 * The hive events and what a well-formed one carries. Every one is signed by the node it is about
 * (its author): nobody joins or leaves a hive on another's behalf. They travel in the global
 * scope, kind {@code messages}, so every node knows every hive and its members (a poster must
 * list a hive's members in its mission, and a non-member must be told a hive exists to join it).
 *
 * <ul>
 *   <li>{@code hive.created {"hive", "topic"}}: founds a hive; its author is a member from then on.
 *   <li>{@code hive.joined {"hive"}} and {@code hive.left {"hive"}}: the author's membership.
 * </ul>
 */
public final class HiveEvents {
  public static final String CREATED = "hive.created";
  public static final String JOINED = "hive.joined";
  public static final String LEFT = "hive.left";
  public static final int MAX_TOPIC = 200;

  private HiveEvents() {}

  /** The hive id of a well-formed payload, or null: malformed ones change nothing anywhere. */
  static String hiveOf(String type, JsonNode p) {
    if (p == null || !p.isObject() || !p.path("hive").isTextual()) return null;
    String id = p.get("hive").asText();
    if (!validId(id)) return null;
    if (type.equals(CREATED)) {
      JsonNode t = p.get("topic");
      if (t == null || !t.isTextual() || !validTopic(t.asText())) return null;
      if (p.size() != 2) return null;
    } else if (p.size() != 1) {
      return null;
    }
    return id;
  }

  public static boolean validId(String id) {
    return id != null && TaskSpec.HIVE_ID.matcher(id).matches();
  }

  public static boolean validTopic(String t) {
    if (t == null || t.isBlank() || t.length() > MAX_TOPIC) return false;
    for (int i = 0; i < t.length(); i++) if (Character.isISOControl(t.charAt(i))) return false;
    return true;
  }
}
