package dev.wattswarm.node.network;

import dev.wattswarm.kernel.identity.NodeId;

/**
 * A bootstrap contact, {@code <node_id>@<host:port>}: who to dial and which key must answer.
 */
public record Contact(NodeId nodeId, String address) {
  /** @throws IllegalArgumentException saying what is wrong with the text and what it should look like */
  public static Contact parse(String text) {
    String t = text == null ? "" : text.trim();
    int at = t.lastIndexOf('@');
    if (at <= 0 || at == t.length() - 1) {
      throw new IllegalArgumentException("contact '" + t + "' must look like <node_id>@<host:port>, as printed by"
          + " `node export-contact` on a running node");
    }
    NodeId id;
    try {
      id = NodeId.parse(t.substring(0, at));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("contact '" + t + "': " + e.getMessage());
    }
    String addr = t.substring(at + 1);
    int colon = addr.lastIndexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("contact '" + t + "': the address needs host:port");
    try {
      int port = Integer.parseInt(addr.substring(colon + 1));
      if (port < 1 || port > 65535) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("contact '" + t + "': port must be 1-65535");
    }
    return new Contact(id, addr);
  }

  @Override
  public String toString() {
    return nodeId + "@" + address;
  }
}
