package dev.wattswarm.server.gateway;

import java.util.regex.Pattern;

/**
 * A WebSocket topic: {@code task:<id>}, {@code mission:<id>} or {@code feed:<name>}. The only feed
 * today is {@code feed:tasks}, every task this node hears of.
 */
record Topic(String kind, String id) {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
  static final String TASKS_FEED = "tasks";

  /** @throws IllegalArgumentException naming what was wrong */
  static Topic parse(String raw) {
    if (raw == null || raw.isEmpty()) throw new IllegalArgumentException("topic is required: task:<id>, mission:<id> or feed:tasks");
    int colon = raw.indexOf(':');
    String kind = colon < 0 ? raw : raw.substring(0, colon);
    String id = colon < 0 ? "" : raw.substring(colon + 1);
    switch (kind) {
      case "task", "mission" -> {
        if (!ID.matcher(id).matches()) {
          throw new IllegalArgumentException(kind + " id must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
      }
      case "feed" -> {
        if (!id.equals(TASKS_FEED)) throw new IllegalArgumentException("unknown feed '" + GatewayKeys.clip(id) + "'; the feed is feed:tasks");
      }
      default -> throw new IllegalArgumentException("unknown topic kind '" + GatewayKeys.clip(kind) + "'; use task:<id>, mission:<id> or feed:tasks");
    }
    return new Topic(kind, id);
  }

  @Override
  public String toString() {
    return kind + ":" + id;
  }
}
