package dev.wattswarm.server;

import com.sun.net.httpserver.HttpExchange;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.node.log.NodeLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Server-sent event streams of the log. Each stream reads the store from its cursor, so nothing
 * committed is missed between pages and a reconnect with {@code Last-Event-ID} resumes exactly;
 * commits only wake the streams up.
 */
public final class SseHub implements AutoCloseable {
  private final EventStore store;
  private final NodeLog log;
  private final Object signal = new Object();
  private final Consumer<Event> wake = e -> notifyStreams();
  private final long heartbeatMs;
  private volatile boolean closed;

  public SseHub(NodeLog log, long heartbeatMs) {
    this.log = log;
    this.store = log.store();
    this.heartbeatMs = heartbeatMs;
    log.subscribe(wake);
  }

  private void notifyStreams() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /**
   * Streams events after {@code cursor} matching {@code filter} until the client goes away, the
   * server closes, or {@code stopAfter} returned true for an event sent and every matching event
   * committed since was sent too. A predicate may read current state (is the task over?), which
   * can already hold while a stream that is catching up sends an older event; stopping right there
   * would drop the events that followed it.
   */
  public void stream(HttpExchange ex, long cursor, EventFilter filter, Predicate<Event> stopAfter) throws IOException {
    stream(ex, cursor, filter, stopAfter, false);
  }

  /** @param stopWhenCaughtUp end the stream once everything committed so far was sent */
  public void stream(HttpExchange ex, long cursor, EventFilter filter, Predicate<Event> stopAfter,
      boolean stopWhenCaughtUp) throws IOException {
    stream(ex, cursor, filter, stopAfter, stopWhenCaughtUp, true);
  }

  /**
   * @param named send each event's type as the SSE event name; without it every event is a plain
   *     "message", which is what a browser's EventSource needs to hear event types it cannot list
   *     in advance
   */
  public void stream(HttpExchange ex, long cursor, EventFilter filter, Predicate<Event> stopAfter,
      boolean stopWhenCaughtUp, boolean named) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    out.write(": stream open\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    long lastBeat = System.nanoTime();
    boolean ending = false;
    // a stream opened on a session ends when the session does (logout, expiry)
    while (!closed && ControlServer.credentialStillValid()) {
      EventPage page = store.list(cursor, 256, filter);
      for (int i = 0; i < page.events().size(); i++) {
        Event e = page.events().get(i);
        long pos = page.positions().get(i);
        String data = EventJson.render(e, pos).toString();
        String name = named ? "\nevent: " + e.type() : "";
        out.write(("id: " + pos + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        cursor = pos;
        if (!ending && stopAfter.test(e)) ending = true;
      }
      cursor = Math.max(cursor, page.nextCursor());
      out.flush();
      if (!page.events().isEmpty()) continue;
      if (stopWhenCaughtUp || ending) break;
      if (System.nanoTime() - lastBeat > heartbeatMs * 1_000_000) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        lastBeat = System.nanoTime();
      }
      synchronized (signal) {
        try {
          signal.wait(Math.min(heartbeatMs, 1000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    out.close();
  }

  @Override
  public void close() {
    closed = true;
    log.unsubscribe(wake);
    notifyStreams();
  }
}
