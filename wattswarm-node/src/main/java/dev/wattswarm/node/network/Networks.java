package dev.wattswarm.node.network;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.p2p.BundleFetch;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.p2p.tcp.TcpConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which network a node belongs to, kept in {@code network.json} (the verified bootstrap bundle).
 * A node in {@code network} mode with no bundle founds a network (it is the genesis); a node in
 * {@code lan}/{@code wan} mode without one fetches and verifies it from its bootstrap contacts.
 */
public final class Networks {
  public static final String FILE = "network.json";

  /** The bundle, and whether this start created it (genesis). */
  public record Resolved(NetworkBundle bundle, boolean founded) {}

  private Networks() {}

  public static Resolved resolve(KeyPair key, StateDir dir, Mode mode, List<Contact> contacts, TcpConfig tcp, long nowMs) {
    Path f = dir.file(FILE);
    if (Files.exists(f)) {
      NetworkBundle b;
      try {
        b = NetworkBundle.fromJson(CanonicalJson.parse(Files.readAllBytes(f)));
        b.verify(null);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException(f + " is not a valid network bundle (" + e.getMessage()
            + "). Restore it, or remove it to join or found a network again.");
      }
      return new Resolved(b, false);
    }
    if (!contacts.isEmpty()) {
      List<String> failures = new ArrayList<>();
      // a contact that is busy (a slow TLS handshake on a loaded machine) gets two more chances
      for (int round = 0; round < 3; round++) {
        failures.clear();
        for (Contact c : contacts) {
          try {
            NetworkBundle b = BundleFetch.fetch(key, c, tcp, 10_000);
            dir.writeFile(FILE, CanonicalJson.encodeString(b.toJson()) + "\n");
            return new Resolved(b, false);
          } catch (IllegalStateException e) {
            failures.add(e.getMessage());
          }
        }
        if (failures.stream().noneMatch(m -> m.contains("did not") || m.contains("cannot reach"))) break;
      }
      throw new IllegalStateException("could not join through any bootstrap contact: " + String.join("; ", failures)
          + ". Check that the node is running and that the contact is what its `node export-contact` prints; replace a"
          + " wrong one with `node remove-bootstrap-contact CONTACT` and `node add-bootstrap-contact CONTACT`.");
    }
    if (mode == Mode.NETWORK) {
      NetworkBundle b = NetworkBundle.genesis(key, NetworkBundle.defaultParams(), nowMs);
      dir.writeFile(FILE, CanonicalJson.encodeString(b.toJson()) + "\n");
      // a plain `node up` later must come back as this network's genesis, not as a local node
      StartupConfig sc = StartupConfig.read(dir);
      new StartupConfig(java.util.Optional.of(Mode.NETWORK), sc.contacts()).write(dir);
      return new Resolved(b, true);
    }
    throw new IllegalStateException("mode " + mode.wire() + " needs a bootstrap contact: on a running member run"
        + " `node export-contact`, then here `node add-bootstrap-contact '<node_id>@<host:port>'`;"
        + " or found a new network with `node up --mode network`");
  }
}
