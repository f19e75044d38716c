package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.economy.Economy;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.kernel.task.TaskValidationException;
import dev.wattswarm.node.task.TaskTracker;
import dev.wattswarm.server.gateway.GatewayEconomy;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The gateway's view of this node's economy: missions in, mission state and services out, with the
 * same refusals (and status codes) as the control plane's {@code /v1/missions} and {@code /v1/services}.
 */
public final class EconomyGateway implements GatewayEconomy {
  private final Economy economy;
  private final TaskTracker tracker;
  private final dev.wattswarm.node.log.NodeLog log;
  /** A mission's payout credits are named {@code m:<mission>:<account>} (see Missions). */
  private static final java.util.regex.Pattern PAYOUT = java.util.regex.Pattern.compile("\"m:([A-Za-z0-9._-]{1,128}):");

  public EconomyGateway(Economy economy, TaskTracker tracker, dev.wattswarm.node.log.NodeLog log) {
    this.economy = economy;
    this.tracker = tracker;
    this.log = log;
  }

  @Override
  public JsonNode submitMission(JsonNode mission) {
    try {
      return EconomyApi.call(() -> economy.missions().post(mission));
    } catch (TaskValidationException e) {
      throw TaskApi.invalid(e);
    }
  }

  @Override
  public Optional<JsonNode> mission(String id) {
    try {
      return Optional.of(economy.missions().show(id));
    } catch (EconomyException e) {
      if (e.kind() == EconomyException.Kind.NOT_FOUND) return Optional.empty();
      throw EconomyApi.mapped(e);
    }
  }

  @Override
  public JsonNode services(String capability) {
    return economy.services().list(capability);
  }

  /**
   * A mission moves with its task (open, claimed, completed) and becomes settled when the winner's
   * lane acknowledges the payout credit: both kinds of event are passed on, and the subscriber
   * filters by id.
   */
  @Override
  public AutoCloseable onMissionChange(Consumer<String> listener) {
    Consumer<TaskTracker.Change> onTask = c -> listener.accept(c.after().taskId());
    Consumer<dev.wattswarm.kernel.event.Event> onLedger = e -> {
      if (!e.type().startsWith("watt.")) return;
      var m = PAYOUT.matcher(e.payloadJson());
      while (m.find()) listener.accept(m.group(1));
    };
    tracker.subscribe(onTask);
    log.subscribe(onLedger);
    return () -> {
      tracker.unsubscribe(onTask);
      log.unsubscribe(onLedger);
    };
  }
}
