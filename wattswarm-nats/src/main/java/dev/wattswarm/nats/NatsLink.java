package dev.wattswarm.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's connection to NATS: reconnects forever (a restarted server or a lost cluster member is
 * routine), reports its state for {@code swarm status}, and tells listeners when it came back so
 * they can catch up. Credentials come from {@link NatsConfig}; none of them are ever logged.
 */
public final class NatsLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NatsLink.class);

  private final Connection conn;
  private final NatsConfig cfg;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final CopyOnWriteArrayList<Runnable> onReconnect = new CopyOnWriteArrayList<>();

  private NatsLink(Connection conn, NatsConfig cfg) throws IOException {
    this.conn = conn;
    this.cfg = cfg;
    this.js = conn.jetStream();
    this.jsm = conn.jetStreamManagement();
  }

  /** @throws IllegalStateException in one line: which servers, what failed, what to check */
  public static NatsLink connect(NatsConfig cfg, String name) {
    NatsLink[] self = new NatsLink[1];
    Options.Builder b = new Options.Builder().servers(cfg.urls().toArray(String[]::new)).connectionName(name)
        .connectionTimeout(Duration.ofMillis(cfg.connectTimeoutMs())).maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
        .pingInterval(Duration.ofSeconds(2)).maxPingsOut(3).reconnectBufferSize(8L << 20)
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection c, String error) {
            log.warn("nats: {}", error);
          }
        })
        .connectionListener((c, ev) -> {
          switch (ev) {
            case DISCONNECTED -> {
              log.warn("nats: disconnected from {}", cfg.display());
            }
            case RECONNECTED, RESUBSCRIBED -> {
              log.info("nats: {} ({})", ev == ConnectionListener.Events.RECONNECTED ? "reconnected" : "resubscribed", c.getConnectedUrl());
              NatsLink l = self[0];
              if (l != null && ev == ConnectionListener.Events.RECONNECTED) l.onReconnect.forEach(NatsLink::quietly);
            }
            default -> {}
          }
        });
    if (!cfg.credsFile().isEmpty()) b.authHandler(Nats.credentials(cfg.credsFile()));
    if (!cfg.user().isEmpty()) b.userInfo(cfg.user(), cfg.password());
    if (!cfg.token().isEmpty()) b.token(cfg.token().toCharArray());
    Connection c;
    try {
      c = Nats.connect(b.build());
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to NATS at " + cfg.display() + ": " + oneLine(e)
          + "; check WATTSWARM_NATS_URLS and that nats-server runs with -js");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS");
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot connect to NATS at " + cfg.display() + ": " + oneLine(e)
          + "; check the credentials (WATTSWARM_NATS_CREDS, _USER/_PASSWORD, _TOKEN)");
    }
    try {
      NatsLink l = new NatsLink(c, cfg);
      self[0] = l;
      return l;
    } catch (IOException e) {
      close(c);
      throw new IllegalStateException("NATS at " + cfg.display() + " has no JetStream: " + oneLine(e) + "; start nats-server with -js");
    }
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("nats: after reconnect: {}", e.getMessage());
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
  }

  public Connection connection() {
    return conn;
  }

  public JetStream jetStream() {
    return js;
  }

  public JetStreamManagement management() {
    return jsm;
  }

  public NatsConfig config() {
    return cfg;
  }

  /** Runs {@code r} after each reconnect (on a NATS thread: keep it short or hand it off). */
  public void onReconnect(Runnable r) {
    onReconnect.add(r);
  }

  public boolean connected() {
    return conn.getStatus() == Connection.Status.CONNECTED;
  }

  /** The server this link is on now, or empty. */
  public String server() {
    String u = conn.getConnectedUrl();
    return u == null ? "" : u.replaceAll("//[^@/]*@", "//");
  }

  public String status() {
    return conn.getStatus().name().toLowerCase();
  }

  public long reconnects() {
    return conn.getStatistics().getReconnects();
  }

  @Override
  public void close() {
    close(conn);
  }

  private static void close(Connection c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
