package dev.wattswarm.nats;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.transport.Scheduler;
import io.nats.client.ConsumerContext;
import io.nats.client.ConsumeOptions;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's durable consumer on one topic's subject in its scope's stream. The consumer is named
 * by the node and the topic, so a node that was stopped, killed or cut off resumes after the last
 * message it acknowledged: JetStream replays what it missed. At most {@code maxAckPending}
 * messages are in this node's hands at once; a slow node falls behind in the stream, not in
 * memory. A message is acknowledged once judged (delivered or refused), so a refused forgery is
 * not redelivered forever.
 */
final class DurableTopic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableTopic.class);

  private final NatsLink link;
  private final String networkId;
  private final String topic;
  private final NodeId me;
  private final Scheduler scheduler;
  private final TopicInbound inbound;
  private final DefenseCounters counters;
  private final AtomicInteger inHand = new AtomicInteger();
  private volatile MessageConsumer consumer;
  private volatile boolean closed;

  DurableTopic(NatsLink link, String networkId, String topic, NodeId me, Scheduler scheduler, TopicInbound inbound,
      DefenseCounters counters) {
    this.link = link;
    this.networkId = networkId;
    this.topic = topic;
    this.me = me;
    this.scheduler = scheduler;
    this.inbound = inbound;
    this.counters = counters;
  }

  /**
   * After a reconnect: a fresh pull on the same durable consumer, which resumes after the last
   * acknowledged message. Retried every second while JetStream is still recovering.
   */
  void restart() {
    if (closed) return;
    stopConsumer();
    try {
      start();
    } catch (RuntimeException e) {
      counters.inc("consumer_restart_failures");
      scheduler.schedule(1_000, this::restart);
    }
  }

  /** Creates (or finds) the stream and the durable consumer and starts pulling. */
  void start() {
    String scope = NatsNames.scopeOf(networkId, topic);
    if (scope == null) throw new IllegalArgumentException("topic '" + topic + "' is not of network " + networkId);
    JetStreamSetup.ensureStream(link, networkId, scope);
    NatsConfig cfg = link.config();
    String name = NatsNames.consumer(me, topic);
    ConsumerConfiguration cc = ConsumerConfiguration.builder().durable(name).filterSubject(topic).ackPolicy(AckPolicy.Explicit)
        .deliverPolicy(DeliverPolicy.All).maxAckPending(cfg.maxAckPending()).ackWait(Duration.ofSeconds(30))
        .inactiveThreshold(Duration.ofMillis(cfg.streamMaxAgeMs())).build();
    try {
      StreamContext sc = link.connection().getStreamContext(NatsNames.stream(networkId, scope));
      ConsumerContext ctx = sc.createOrUpdateConsumer(cc);
      // short pulls: a pull lost with a server is noticed (missed heartbeats) within seconds
      consumer = ctx.consume(ConsumeOptions.builder().batchSize(Math.min(256, cfg.maxAckPending())).expiresIn(5_000).build(),
          this::onMessage);
    } catch (Exception e) {
      throw new IllegalStateException("NATS: cannot consume " + topic + ": " + NatsLink.oneLine(e));
    }
  }

  private void onMessage(Message m) {
    inHand.incrementAndGet();
    scheduler.execute(() -> {
      try {
        if (!closed) inbound.handle(m);
      } catch (RuntimeException e) {
        counters.inc("delivery_failures");
        log.warn("nats: delivery on {} failed", topic, e);
      } finally {
        inHand.decrementAndGet();
        if (!closed) m.ack();
      }
    });
  }

  /** Messages received and not yet judged. */
  int inHand() {
    return inHand.get();
  }

  /** Messages in the stream this consumer has not been handed yet (a moment ago), or -1. */
  long behind() {
    MessageConsumer c = consumer;
    if (c == null) return -1;
    var info = c.getCachedConsumerInfo();
    return info == null ? -1 : info.getNumPending();
  }

  @Override
  public void close() {
    closed = true;
    stopConsumer();
  }

  private void stopConsumer() {
    MessageConsumer c = consumer;
    consumer = null;
    if (c != null) {
      try {
        c.stop();
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
  }
}
