package dev.wattswarm.p2p.tcp;

import java.io.IOException;

/** The peer sent bytes that break the link protocol (oversized or unknown frame, second hello). */
final class ProtocolViolationException extends IOException {
  ProtocolViolationException(String message) {
    super(message);
  }
}
