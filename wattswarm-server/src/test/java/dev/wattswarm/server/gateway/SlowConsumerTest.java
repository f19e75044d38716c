package dev.wattswarm.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket client that subscribes to the task feed and then never reads: the server must close
 * it once its bounded backlog is full, instead of buffering the feed for it without end.
 */
class SlowConsumerTest {
  @TempDir Path tmp;
  GatewayNode n;

  @AfterEach
  void stop() {
    if (n != null) n.close();
  }

  @Test
  void aClientThatStopsReadingIsClosedNotBufferedFor() throws Exception {
    n = new GatewayNode(tmp.resolve("n"), new GatewayLimits(1000, 1000, 4096, 4, 8, 600_000, 2, 5_000), Clock.systemUTC());
    String key = n.newKey("slow");
    URI u = URI.create(n.listener.url());
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096); // before connecting, so the window stays small
      s.connect(new InetSocketAddress(u.getHost(), u.getPort()));
      OutputStream out = s.getOutputStream();
      String wsKey = Base64.getEncoder().encodeToString(new byte[16]);
      out.write(("GET /gateway/v1/ws HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort() + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: " + wsKey + "\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 101");
      out.write(maskedText("{\"op\":\"subscribe\",\"topic\":\"feed:tasks\"}"));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> n.gateway.openSockets() == 1);
      // large tasks, so the feed outgrows any socket buffer quickly; the client reads nothing more
      String prompt = "p".repeat(30_000);
      int i = 0;
      for (; i < 400 && n.gateway.openSockets() > 0; i++) {
        n.host.tasks().service().submit(CanonicalJson.parse("{\"task_id\":\"slow-" + i + "\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\""
            + prompt + "\"}}"));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> n.gateway.openSockets() == 0);
    }
  }

  static String readHead(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) break;
      sb.append((char) b);
    }
    return sb.toString();
  }

  /** One client-to-server text frame (clients must mask; the mask is zeros, which leaves the bytes as they are). */
  static byte[] maskedText(String text) {
    byte[] p = text.getBytes(StandardCharsets.UTF_8);
    byte[] f = new byte[2 + 4 + p.length];
    f[0] = (byte) 0x81;
    f[1] = (byte) (0x80 | p.length);
    System.arraycopy(p, 0, f, 6, p.length);
    return f;
  }
}
