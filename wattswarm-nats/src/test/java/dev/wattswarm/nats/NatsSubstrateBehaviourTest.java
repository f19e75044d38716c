package dev.wattswarm.nats;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.suite.SubstrateBehaviourSuite;
import dev.wattswarm.p2p.suite.SubstrateEnv;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import dev.wattswarm.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The substrate behaviour suite over a real {@code nats-server -js} on a free loopback port. The
 * attacker here is anyone with a connection to the broker: it can publish on any subject and
 * listen on any inbox, but cannot sign as another node.
 */
class NatsSubstrateBehaviourTest extends SubstrateBehaviourSuite {
  /** One node: its own connection, thread and key. */
  record Parts(KeyPair key, ThreadScheduler scheduler, NatsLink link, NatsSubstrate substrate) {}

  @Override
  protected SubstrateEnv env() {
    NatsServer server = NatsServer.start();
    String net = "net:suite" + System.nanoTime();
    NatsConfig cfg = NatsConfig.of(List.of(server.url())).withMemberTimings(200, 1_500);
    List<Parts> parts = new ArrayList<>();
    List<Parts> all = new ArrayList<>();
    return new SubstrateEnv() {
      Parts open(int i, KeyPair key) {
        ThreadScheduler s = new ThreadScheduler("ws-nats-" + i, Clock.systemUTC());
        NatsLink link = NatsLink.connect(cfg, "suite-" + i);
        Parts p = new Parts(key, s, link, new NatsSubstrate(link, key, net, s, t -> t.endsWith(".events")));
        all.add(p);
        return p;
      }

      @Override
      public List<Substrate> start() {
        for (int i = 0; i < size(); i++) parts.add(open(i, KeyPair.generate(new SecureRandom())));
        return parts.stream().map(p -> (Substrate) p.substrate()).toList();
      }

      @Override
      public String topic(String scopeAndKind) {
        return net + "." + scopeAndKind;
      }

      @Override
      public boolean await(BooleanSupplier done, long maxMs) {
        try {
          Awaitility.await().atMost(Duration.ofMillis(maxMs)).pollInterval(Duration.ofMillis(20)).until(done::getAsBoolean);
          return true;
        } catch (ConditionTimeoutException e) {
          return false;
        }
      }

      @Override
      public void crash(int i) {
        // the connection just ends: no goodbye, no unsubscribe
        parts.get(i).link().close();
        parts.get(i).scheduler().close();
      }

      @Override
      public Substrate restart(int i) {
        Parts p = open(i, parts.get(i).key());
        parts.set(i, p);
        return p.substrate();
      }

      @Override
      public int sendMalformed(int from, int to) {
        Parts f = parts.get(from);
        Connection c = f.link().connection();
        byte[] junk = {(byte) PairRpc.REQUEST, 0, 0, 0, 99};
        c.publish(NatsNames.inbox(net, parts.get(to).key().id()), NatsNames.reply(NatsNames.replies(net, f.key().id()), "01"), junk);
        c.publish(NatsNames.reply(NatsNames.replies(net, parts.get(to).key().id()), "01"), junk);
        c.publish(NatsNames.heartbeats(net), junk);
        try {
          f.link().jetStream().publish(NatsNames.subject(topic("global.events")),
              new Headers().put(TopicInbound.ID, "not hex").put(TopicInbound.FROM, "nobody"), junk);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return 4;
      }

      @Override
      public long refused(int i) {
        Map<String, Long> c = parts.get(i).substrate().defenseCounters();
        return c.getOrDefault("malformed_requests", 0L) + c.getOrDefault("malformed_responses", 0L)
            + c.getOrDefault("rejected_members.malformed", 0L) + c.getOrDefault("rejected_gossip.bad_headers", 0L);
      }

      /**
       * The liar listens on the asked node's inbox (nothing on a broker stops it) and answers
       * each request it sees twice: as itself, and claiming to be the node asked (with the only
       * pair secret it has with the asker, its own).
       */
      @Override
      public Runnable impostor(int liar, int asker, int asked) {
        Parts l = parts.get(liar);
        KeyPair key = l.key();
        Connection c = l.link().connection();
        String domain = "wattswarm/nats/response/" + net;
        // the liar shares a pair secret with the asker, but not the asked node's
        byte[] liarPair = new PairKeys(key, net).with(parts.get(asker).key().id());
        Dispatcher d = c.createDispatcher(m -> {
          byte[] frame = m.getData();
          WireReader r = new WireReader(PairKeys.body(frame));
          r.u8();
          r.node();
          r.node();
          byte[] nonce = r.fixed(16);
          byte[] reqHash = Hashes.sha256(frame);
          byte[] lie = "forged".getBytes(StandardCharsets.UTF_8);
          c.publish(m.getReplyTo(), PairKeys.seal(liarPair, domain, new WireWriter(PairRpc.RESPONSE).node(key.id()).fixed(reqHash)
              .fixed(nonce).bytes(lie).done()));
          c.publish(m.getReplyTo(), PairKeys.seal(liarPair, domain, new WireWriter(PairRpc.RESPONSE).node(parts.get(asked).key().id())
              .fixed(reqHash).fixed(nonce).bytes(lie).done()));
        });
        d.subscribe(NatsNames.inbox(net, parts.get(asked).key().id()));
        try {
          c.flush(Duration.ofSeconds(5));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return () -> {};
      }

      @Override
      public void close() {
        for (Parts p : all) {
          try {
            p.substrate().close();
          } catch (RuntimeException ignored) {
            // crashed already
          }
          p.link().close();
          p.scheduler().close();
        }
        server.close();
      }
    };
  }
}
