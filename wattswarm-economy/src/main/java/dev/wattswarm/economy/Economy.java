package dev.wattswarm.economy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.mission.MissionPolicy;
import dev.wattswarm.economy.mission.Missions;
import dev.wattswarm.economy.wallet.CreditWatch;
import dev.wattswarm.economy.wallet.Wallet;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.task.TaskRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The economy on a running node: its wallet (the accounts it signs for), missions, the watch that
 * acknowledges incoming credits, and the mission policy of its executors. The ledger itself is a
 * projection every node keeps (see {@link dev.wattswarm.economy.ledger.LedgerProjector}).
 */
public final class Economy implements AutoCloseable {
  private final Wallet wallet;
  private final Missions missions;
  private final CreditWatch watch;
  private final EconomyConfig config;
  private final dev.wattswarm.economy.service.ServiceNet services;
  private final dev.wattswarm.economy.oracle.Oracles oracles;

  private final dev.wattswarm.economy.hive.Hives hives;

  private Economy(Wallet wallet, Missions missions, dev.wattswarm.economy.hive.Hives hives, CreditWatch watch, EconomyConfig config,
      dev.wattswarm.economy.service.ServiceNet services, dev.wattswarm.economy.oracle.Oracles oracles) {
    this.hives = hives;
    this.wallet = wallet;
    this.missions = missions;
    this.watch = watch;
    this.config = config;
    this.services = services;
    this.oracles = oracles;
  }

  public dev.wattswarm.economy.service.ServiceNet services() {
    return services;
  }

  public dev.wattswarm.economy.oracle.Oracles oracles() {
    return oracles;
  }

  /**
   * @param agents this node's agents (null when none run): their accounts are signed for here
   * @param knownRemote node or agent ids this node knows of through the swarm
   */
  public static Economy start(Node node, TaskRuntime tasks, dev.wattswarm.agents.AgentRuntime agents, EconomyConfig config,
      java.util.function.Predicate<String> knownRemote) {
    java.util.function.Supplier<List<KeyPair>> locals = () -> {
      List<KeyPair> out = new ArrayList<>();
      if (agents != null) for (var a : agents.localAgents()) out.add(a.key());
      return out;
    };
    java.util.function.Function<String, KeyPair> byName = name -> {
      if (agents == null) return null;
      for (var a : agents.localAgents()) if (a.spec().name().equals(name) || a.id().equals(name)) return a.key();
      return null;
    };
    Wallet wallet = new Wallet(node, byName, locals, knownRemote);
    wallet.genesisIfFounder(config);
    tasks.executors().takePolicy(new MissionPolicy(config.minReward(), config.maxMissionsPerExecutor()));
    CreditWatch watch = new CreditWatch(node.log(), wallet);
    var hives = new dev.wattswarm.economy.hive.Hives(node);
    tasks.executors().agentAccounts(agent -> {
      KeyPair k = byName.apply(agent);
      return k == null ? null : k.id().toString();
    });
    return new Economy(wallet, new Missions(tasks.service(), wallet, hives), hives, watch, config,
        new dev.wattswarm.economy.service.ServiceNet(node, agents, wallet), new dev.wattswarm.economy.oracle.Oracles(node, wallet));
  }

  public Wallet wallet() {
    return wallet;
  }

  public dev.wattswarm.economy.hive.Hives hives() {
    return hives;
  }

  public Missions missions() {
    return missions;
  }

  /** What {@code node status} shows: this node's account, the supply check, missions by state and the hives it is in. */
  public ObjectNode status() {
    ObjectNode o = wallet.balance(null);
    ObjectNode supply = wallet.reader().supply();
    o.put("supply", supply.path("supply").asLong()).put("conserved", supply.path("conserved").asBoolean())
        .put("fee_bps", supply.path("fee_bps").asLong()).put("min_reward", config.minReward());
    o.set("missions", missions.counts());
    o.put("hives", hives.memberOf());
    return o;
  }

  @Override
  public void close() {
    watch.close();
  }
}
