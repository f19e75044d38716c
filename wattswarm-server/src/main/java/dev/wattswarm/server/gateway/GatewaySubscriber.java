package dev.wattswarm.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.task.TaskService;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway WebSocket. Listeners only put a topic in {@code pending} (a set, so repeated changes
 * of one task collapse into one) and wake the sender thread, which reads the current state and
 * sends it when it differs from what the client last got. One message is in flight at a time, so
 * nothing queues inside Jetty: a client that reads slowly sees fewer intermediate states, never a
 * stale last one, and one that stops reading (a send not done in time, or more pending changes
 * than the bound) is disconnected.
 */
final class GatewaySubscriber {
  private static final Logger log = LoggerFactory.getLogger(GatewaySubscriber.class);

  private final String key;
  private final Session session;
  private final TaskService tasks;
  private final GatewayEconomy economy;
  private final GatewayLimits limits;
  private final Set<Topic> topics = new LinkedHashSet<>();
  /** What to send next: a topic, or for the feed, "feed:tasks" + the task id. Guarded by this. */
  private final LinkedHashSet<String> pending = new LinkedHashSet<>();
  /** Guarded by this; only ever holds subscribed topics and outgoing replies. */
  private final java.util.ArrayDeque<String> replies = new java.util.ArrayDeque<>();
  private final Map<String, String> lastSent = new HashMap<>();
  private volatile boolean stopped;
  private Thread sender;
  private AutoCloseable taskListener;
  private AutoCloseable missionListener;

  GatewaySubscriber(String key, Session session, TaskService tasks, GatewayEconomy economy, GatewayLimits limits) {
    this.key = key;
    this.session = session;
    this.tasks = tasks;
    this.economy = economy;
    this.limits = limits;
  }

  String key() {
    return key;
  }

  void start(TaskWatch watch) {
    taskListener = watch.listen(this::taskChanged);
    missionListener = economy.onMissionChange(id -> changed("mission:" + id, new Topic("mission", id)));
    sender = Thread.ofVirtual().name("gateway-ws-" + key).start(this::run);
  }

  void stop() {
    stopped = true;
    try {
      if (taskListener != null) taskListener.close();
      if (missionListener != null) missionListener.close();
    } catch (Exception ignored) {
      // nothing to release
    }
    if (sender != null) sender.interrupt();
  }

  private void taskChanged(String taskId) {
    synchronized (this) {
      if (topics.contains(new Topic("task", taskId))) mark("task:" + taskId);
      if (topics.contains(new Topic("feed", Topic.TASKS_FEED))) mark("feed:tasks\n" + taskId);
    }
  }

  private void changed(String pendingKey, Topic topic) {
    synchronized (this) {
      if (topics.contains(topic)) mark(pendingKey);
    }
  }

  /** Caller holds the lock. */
  private void mark(String what) {
    if (pending.add(what) && pending.size() > limits.maxPending()) {
      stopped = true;
      log.info("gateway WebSocket of key {} closed: {} changes waiting, the client reads too slowly", key, pending.size());
      dropSlow();
    }
    notifyAll();
  }

  void onText(String text) {
    JsonNode msg;
    try {
      msg = CanonicalJson.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      error("malformed", "the message is not JSON; send {\"op\":\"subscribe\",\"topic\":\"task:<id>\"}");
      return;
    }
    String op = msg.path("op").asText("");
    String rawTopic = msg.path("topic").asText(null);
    if (!op.equals("subscribe") && !op.equals("unsubscribe")) {
      error("bad_op", "op must be \"subscribe\" or \"unsubscribe\"");
      return;
    }
    Topic topic;
    try {
      topic = Topic.parse(rawTopic);
    } catch (IllegalArgumentException e) {
      error("bad_topic", e.getMessage());
      return;
    }
    if (topic.kind().equals("mission")) {
      try {
        economy.mission(topic.id());
      } catch (GatewayEconomy.Unavailable e) {
        error("not_implemented", e.getMessage());
        return;
      }
    }
    synchronized (this) {
      if (op.equals("unsubscribe")) {
        topics.remove(topic);
        lastSent.remove(topic.toString());
        pending.removeIf(p -> p.startsWith(topic.toString()));
        return;
      }
      if (!topics.contains(topic) && topics.size() >= limits.maxSubscriptions()) {
        error("too_many_subscriptions", "a connection may follow at most " + limits.maxSubscriptions() + " topics; unsubscribe from one first");
        return;
      }
      topics.add(topic);
      lastSent.remove(topic.toString()); // a new subscribe always gets the current state first
      mark(topic.toString());
    }
  }

  void error(String code, String message) {
    ObjectNode o = CanonicalJson.object().put("op", "error");
    o.putObject("error").put("code", code).put("message", message);
    synchronized (this) {
      if (replies.size() >= 16) return; // a client flooding bad messages gets fewer answers, not more memory
      replies.add(o.toString());
      notifyAll();
    }
  }

  private void run() {
    try {
      while (!stopped && session.isOpen()) {
        String reply;
        String next = null;
        synchronized (this) {
          while (!stopped && pending.isEmpty() && replies.isEmpty()) wait();
          if (stopped) return;
          reply = replies.poll();
          if (reply == null) {
            var it = pending.iterator();
            next = it.next();
            it.remove();
          }
        }
        if (reply != null) {
          send(reply);
          continue;
        }
        Optional<String> message = render(next);
        if (message.isPresent()) send(message.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!stopped) log.debug("gateway WebSocket of key {} ended: {}", key, e.toString());
      session.close(1011, "server error", Callback.NOOP);
    }
  }

  /** The message for a pending change, or empty when the client already has this state. */
  private Optional<String> render(String pendingKey) {
    if (pendingKey.startsWith("feed:tasks\n")) {
      String taskId = pendingKey.substring("feed:tasks\n".length());
      return tasks.get(taskId).flatMap(t -> dedupe("feed:tasks\n" + taskId, "feed:tasks", t));
    }
    if (pendingKey.equals("feed:tasks")) {
      return dedupe(pendingKey, "feed:tasks", null);
    }
    if (pendingKey.startsWith("task:")) {
      return dedupe(pendingKey, pendingKey, tasks.get(pendingKey.substring(5)).orElse(null));
    }
    String missionId = pendingKey.substring("mission:".length());
    try {
      JsonNode m = economy.mission(missionId).orElse(null);
      ObjectNode o = CanonicalJson.object().put("topic", pendingKey).put("state", m == null ? "unknown" : m.path("state").asText("unknown"));
      if (m != null) o.set("mission", m);
      return once(pendingKey, o);
    } catch (GatewayEconomy.Unavailable e) {
      return Optional.empty();
    }
  }

  private Optional<String> dedupe(String pendingKey, String topic, JsonNode task) {
    ObjectNode o = CanonicalJson.object().put("topic", topic);
    if (task == null) {
      o.put("state", topic.startsWith("feed:") ? "subscribed" : "unknown");
    } else {
      o.put("state", task.path("state").asText()).put("task_id", task.path("task_id").asText());
      o.put("updated_at_ms", task.path("updated_at_ms").asLong());
      o.set("task", task);
    }
    return once(pendingKey, o);
  }

  private Optional<String> once(String pendingKey, ObjectNode o) {
    String text = o.toString();
    synchronized (this) {
      if (text.equals(lastSent.get(pendingKey))) return Optional.empty();
      // the feed's per-task entries are bounded by the pending bound only while waiting; forget old ones
      if (lastSent.size() > 4 * limits.maxPending()) lastSent.keySet().removeIf(k -> k.startsWith("feed:tasks\n"));
      lastSent.put(pendingKey, text);
    }
    return Optional.of(text);
  }

  private void send(String text) throws Exception {
    Callback.Completable done = new Callback.Completable();
    session.sendText(text, done);
    try {
      done.get(limits.sendTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException slow) {
      stopped = true;
      log.info("gateway WebSocket of key {} closed: a message took over {} ms to leave", key, limits.sendTimeoutMs());
      dropSlow();
    }
  }

  /**
   * Drops the connection without a close handshake: a client that does not read would never take
   * the close frame either, and the socket would linger with its buffers until the idle timeout.
   */
  private void dropSlow() {
    notifyAllQuietly();
    session.disconnect();
  }

  private void notifyAllQuietly() {
    synchronized (this) {
      notifyAll();
    }
  }
}
