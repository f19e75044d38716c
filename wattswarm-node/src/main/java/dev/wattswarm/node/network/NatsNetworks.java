package dev.wattswarm.node.network;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.nats.JetStreamSetup;
import dev.wattswarm.nats.NatsLink;
import dev.wattswarm.nats.NatsNames;
import dev.wattswarm.node.state.StateDir;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Founding and joining over NATS. The prefix's rendezvous bucket holds one signed network bundle:
 * the first node to find it empty founds the network and creates the entry (a create, so of two
 * nodes starting at once exactly one wins); later nodes read it, verify it (network id derived
 * from the genesis key, parameters hash, signature) and keep it in {@code network.json} like a
 * bundle fetched from a bootstrap contact. A node that already has a bundle puts it back if NATS
 * lost it, and refuses to start when NATS holds another network under the same prefix.
 */
public final class NatsNetworks {
  static final String KEY = "bundle";

  private NatsNetworks() {}

  public static Networks.Resolved resolve(KeyPair key, StateDir dir, NatsLink link, long nowMs) {
    return resolve(key, dir, link, nowMs, "");
  }

  /** @param expected the network a joining node must find (empty: the first valid bundle) */
  public static Networks.Resolved resolve(KeyPair key, StateDir dir, NatsLink link, long nowMs, String expected) {
    String prefix = link.config().prefix();
    KeyValue kv = JetStreamSetup.bucket(link, NatsNames.rendezvousBucket(prefix), 0, 1L << 20);
    Path f = dir.file(Networks.FILE);
    NetworkBundle mine = null;
    if (Files.exists(f)) {
      try {
        mine = NetworkBundle.fromJson(CanonicalJson.parse(Files.readAllBytes(f)));
        mine.verify(null);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException(f + " is not a valid network bundle (" + e.getMessage()
            + "). Restore it, or remove it to join the network on NATS again.");
      }
    }
    NetworkBundle there = read(kv, link);
    if (mine != null) {
      if (there == null) {
        create(kv, mine);
        return new Networks.Resolved(mine, false);
      }
      if (!there.networkId().equals(mine.networkId())) {
        throw new IllegalStateException("NATS at " + link.config().display() + " holds network " + there.networkId() + " under prefix '"
            + prefix + "' but this node belongs to " + mine.networkId() + "; set WATTSWARM_NATS_PREFIX to this network's prefix");
      }
      return new Networks.Resolved(mine, false);
    }
    if (!expected.isEmpty() && (there == null || !there.networkId().equals(expected))) {
      throw new IllegalStateException("WATTSWARM_NATS_NETWORK_ID is " + expected + " but NATS at " + link.config().display() + " holds "
          + (there == null ? "no network" : there.networkId()) + " under prefix '" + prefix + "'; check the URLs and WATTSWARM_NATS_PREFIX");
    }
    if (there == null) {
      NetworkBundle b = NetworkBundle.genesis(key, NetworkBundle.defaultParams(), nowMs);
      if (create(kv, b)) {
        dir.writeFile(Networks.FILE, CanonicalJson.encodeString(b.toJson()) + "\n");
        return new Networks.Resolved(b, true);
      }
      there = read(kv, link); // another node founded it a moment ago: join that one
      if (there == null) throw new IllegalStateException("NATS at " + link.config().display() + " lost the network bundle while we joined; try again");
    }
    dir.writeFile(Networks.FILE, CanonicalJson.encodeString(there.toJson()) + "\n");
    return new Networks.Resolved(there, false);
  }

  private static NetworkBundle read(KeyValue kv, NatsLink link) {
    KeyValueEntry e;
    try {
      e = kv.get(KEY);
    } catch (IOException | JetStreamApiException ex) {
      throw new IllegalStateException("cannot read the network bundle from NATS at " + link.config().display() + ": " + ex.getMessage());
    }
    if (e == null || e.getValue() == null || e.getValue().length == 0) return null;
    try {
      NetworkBundle b = NetworkBundle.fromJson(CanonicalJson.parse(e.getValue()));
      b.verify(null);
      return b;
    } catch (RuntimeException bad) {
      throw new IllegalStateException("the network bundle on NATS (bucket " + kv.getBucketName() + ") is not valid: " + bad.getMessage()
          + "; nothing was changed. Whoever can write that bucket can only deny service, never forge a network");
    }
  }

  /** @return false when another node created the entry first */
  private static boolean create(KeyValue kv, NetworkBundle b) {
    try {
      kv.create(KEY, CanonicalJson.encode(b.toJson()));
      return true;
    } catch (JetStreamApiException exists) {
      return false;
    } catch (IOException e) {
      throw new IllegalStateException("cannot store the network bundle on NATS: " + e.getMessage());
    }
  }
}
