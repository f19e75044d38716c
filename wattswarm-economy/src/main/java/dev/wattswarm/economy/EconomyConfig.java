package dev.wattswarm.economy;

import dev.wattswarm.economy.ledger.Amounts;
import java.util.Map;

/**
 * The economy's settings, read once at start.
 *
 * @param genesisSupply WATT the genesis node mints when it founds the network
 *     ({@code WATTSWARM_GENESIS_SUPPLY}, default 1,000,000); only the founding node's value counts
 * @param feeBps the fee on settled missions in basis points, signed into the genesis mint by the
 *     founding node ({@code WATTSWARM_WATT_FEE_BPS}, default 100 = 1%)
 * @param minReward missions with a smaller reward are not taken by this node's executors
 *     ({@code WATTSWARM_MISSION_MIN_REWARD}, default 0: any)
 * @param maxMissionsPerExecutor missions one executor of this node works on at once
 *     ({@code WATTSWARM_MISSION_MAX_CONCURRENT}, default 4)
 */
public record EconomyConfig(long genesisSupply, long feeBps, long minReward, int maxMissionsPerExecutor) {
  public static final EconomyConfig DEFAULTS = new EconomyConfig(1_000_000, 100, 0, 4);

  public EconomyConfig {
    if (genesisSupply < 1 || genesisSupply > Amounts.MAX) throw new IllegalArgumentException("WATTSWARM_GENESIS_SUPPLY must be 1.." + Amounts.MAX);
    if (feeBps < 0 || feeBps > 10_000) throw new IllegalArgumentException("WATTSWARM_WATT_FEE_BPS must be 0..10000 basis points");
    if (minReward < 0) throw new IllegalArgumentException("WATTSWARM_MISSION_MIN_REWARD must be 0 or more");
    if (maxMissionsPerExecutor < 1) throw new IllegalArgumentException("WATTSWARM_MISSION_MAX_CONCURRENT must be 1 or more");
  }

  /** @throws IllegalArgumentException naming the variable that is malformed */
  public static EconomyConfig fromEnv(Map<String, String> env) {
    return new EconomyConfig(num(env, "WATTSWARM_GENESIS_SUPPLY", DEFAULTS.genesisSupply), num(env, "WATTSWARM_WATT_FEE_BPS", DEFAULTS.feeBps),
        num(env, "WATTSWARM_MISSION_MIN_REWARD", DEFAULTS.minReward), (int) num(env, "WATTSWARM_MISSION_MAX_CONCURRENT", DEFAULTS.maxMissionsPerExecutor));
  }

  private static long num(Map<String, String> env, String name, long dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) return dflt;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + v + "' is not a whole number");
    }
  }
}
