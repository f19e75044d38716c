package dev.wattswarm.p2p.wire;

import java.net.InetAddress;

/**
 * A dialable {@code host:port} ({@code [v6]:port} for IPv6 literals). Addresses arrive in frames
 * and announcements from untrusted peers, so every one is parsed here before it is kept or dialled.
 */
public record HostPort(String host, int port) {
  /** Longest address accepted (a DNS name is at most 253 characters, plus brackets and port). */
  public static final int MAX_LENGTH = 262;


  /** @throws IllegalArgumentException naming the address and what is wrong with it */
  public static HostPort parse(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("address is empty; expected host:port");
    }
    if (address.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("address of " + address.length() + " characters is over " + MAX_LENGTH);
    }
    if (address.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new IllegalArgumentException("address '" + address.strip() + "' contains whitespace or control characters");
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

  public static HostPort of(InetAddress address, int port) {
    return new HostPort(address.getHostAddress(), port);
  }

  /** Whether the host is 0.0.0.0 or ::, which nobody can dial. */
  public boolean wildcard() {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
