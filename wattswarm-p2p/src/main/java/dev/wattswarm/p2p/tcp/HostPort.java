package dev.wattswarm.p2p.tcp;

import java.net.InetAddress;

/** A dialable {@code host:port} ({@code [v6]:port} for IPv6 literals). */
record HostPort(String host, int port) {

  /** @throws IllegalArgumentException naming the address and what is wrong with it */
  static HostPort parse(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("address is empty; expected host:port");
    }
    String host;
    String portText;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0 || close + 1 >= address.length() || address.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("address '" + address + "' is malformed; expected [ipv6]:port");
      }
      host = address.substring(1, close);
      portText = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("address '" + address + "' has no port; expected host:port");
      }
      host = address.substring(0, colon);
      portText = address.substring(colon + 1);
      if (host.contains(":")) {
        throw new IllegalArgumentException("address '" + address + "' is malformed; write IPv6 hosts as [ipv6]:port");
      }
    }
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("address '" + address + "' has an empty or blank host; expected host:port");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + address + "' has a non-numeric port '" + portText + "'");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("address '" + address + "' has port " + port + " outside 1..65535");
    }
    return new HostPort(host, port);
  }

  static HostPort of(InetAddress address, int port) {
    return new HostPort(address.getHostAddress(), port);
  }

  /** Whether the host is 0.0.0.0 or ::, which nobody can dial. */
  boolean wildcard() {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
