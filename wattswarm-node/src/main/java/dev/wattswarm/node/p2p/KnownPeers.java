package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.p2p.wire.PeerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code peers.txt}: the last neighbours seen, one contact per line, dialled again on the next start. */
final class KnownPeers {
  static final String FILE = "peers.txt";
  private static final int MAX = 32;

  private KnownPeers() {}

  static List<Contact> read(StateDir dir) {
    List<Contact> out = new ArrayList<>();
    try {
      if (!Files.exists(dir.file(FILE))) return out;
      for (String line : Files.readAllLines(dir.file(FILE))) {
        try {
          if (!line.isBlank() && out.size() < MAX) out.add(Contact.parse(line));
        } catch (IllegalArgumentException ignored) {
          // a damaged line costs one contact, not the start
        }
      }
    } catch (IOException ignored) {
      // advisory file
    }
    return out;
  }

  static synchronized void write(StateDir dir, Map<NodeId, PeerInfo> neighbours) {
    if (neighbours.isEmpty()) return;
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (PeerInfo p : neighbours.values()) {
      if (n++ >= MAX) break;
      sb.append(p.id()).append('@').append(p.address()).append('\n');
    }
    try {
      dir.writeFile(FILE, sb.toString());
    } catch (RuntimeException ignored) {
      // advisory file
    }
  }
}
