package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * NATS request/reply through a local nats-server (Debian's package), the baseline a data-centre
 * user would compare agent messaging with. Skipped, with the reason, when the binary is missing.
 */
final class NatsBaseline {
  private NatsBaseline() {}

  static ObjectNode requestReply(int n) throws Exception {
    Path bin = List.of(Path.of("/usr/sbin/nats-server"), Path.of("/usr/bin/nats-server"), Path.of("/usr/local/bin/nats-server"))
        .stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (bin == null) return CanonicalJson.object().put("skipped", "no nats-server binary: apt-get install nats-server");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Process server = new ProcessBuilder(bin.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Options opts = new Options.Builder().server("nats://127.0.0.1:" + port).connectionTimeout(Duration.ofSeconds(5))
          .maxReconnects(0).build();
      Connection c = null;
      for (int i = 0; i < 50 && c == null; i++) {
        try {
          c = Nats.connect(opts);
        } catch (java.io.IOException notYet) {
          Thread.sleep(100);
        }
      }
      if (c == null) return CanonicalJson.object().put("skipped", "nats-server did not accept connections");
      try {
        Connection conn = c;
        Dispatcher d = conn.createDispatcher(m -> conn.publish(m.getReplyTo(), m.getData()));
        d.subscribe("bench.echo");
        conn.flush(Duration.ofSeconds(5));
        byte[] payload = new byte[64];
        for (int i = 0; i < 2_000; i++) conn.request("bench.echo", payload, Duration.ofSeconds(5));
        return Timed.run(n, i -> {
          if (conn.request("bench.echo", payload, Duration.ofSeconds(5)) == null) throw new IllegalStateException("NATS request timed out");
        }).put("server", "nats-server " + bin);
      } finally {
        c.close();
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
