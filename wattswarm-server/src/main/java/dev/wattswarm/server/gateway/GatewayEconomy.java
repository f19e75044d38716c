package dev.wattswarm.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the gateway needs from the economy (missions and services). The economy is wired in
 * {@code PublicMounts}; until then {@link #NONE} answers every call with a clear refusal.
 */
public interface GatewayEconomy {
  /** Thrown when this node runs no economy; the gateway turns it into a 501 with the message. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message);
    }
  }

  /** Posts a mission given as the CLI's JSON; answers the mission as stored (with its id). */
  JsonNode submitMission(JsonNode mission);

  /** The mission's current view, or empty when unknown. */
  Optional<JsonNode> mission(String id);

  /** Services offering {@code capability} (or every service when null): {@code {"services": [...]}}. */
  JsonNode services(String capability);

  /**
   * Registers a listener told the id of each mission that changed (called on a node thread: must be quick).
   *
   * @return a handle that removes the listener
   */
  AutoCloseable onMissionChange(Consumer<String> listener);

  GatewayEconomy NONE = new GatewayEconomy() {
    static final String WHY = "this node runs no economy yet, so missions and services are not available through the gateway";

    @Override
    public JsonNode submitMission(JsonNode mission) {
      throw new Unavailable(WHY);
    }

    @Override
    public Optional<JsonNode> mission(String id) {
      throw new Unavailable(WHY);
    }

    @Override
    public JsonNode services(String capability) {
      throw new Unavailable(WHY);
    }

    @Override
    public AutoCloseable onMissionChange(Consumer<String> listener) {
      return () -> { }; // nothing ever changes
    }
  };
}
