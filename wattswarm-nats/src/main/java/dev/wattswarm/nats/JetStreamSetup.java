package dev.wattswarm.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;

/**
 * Creates the JetStream objects a network uses, each bounded: a stream per scope (bytes, age,
 * message size; oldest dropped first) and KV buckets (value size, bucket size, one revision per
 * key). Several nodes create the same objects at once; whoever is second finds them there.
 */
public final class JetStreamSetup {
  private JetStreamSetup() {}

  /** The stream holding one scope's durable topics. */
  static void ensureStream(NatsLink link, String networkId, String scope) {
    String name = NatsNames.stream(networkId, scope);
    NatsConfig cfg = link.config();
    try {
      link.management().getStreamInfo(name);
      return;
    } catch (JetStreamApiException notThere) {
      // create it below
    } catch (IOException e) {
      throw new IllegalStateException("NATS: cannot look up stream " + name + ": " + NatsLink.oneLine(e));
    }
    StreamConfiguration sc = StreamConfiguration.builder().name(name).subjects(NatsNames.streamSubjects(networkId, scope))
        .storageType(StorageType.File).maxBytes(cfg.streamMaxBytes()).maxAge(Duration.ofMillis(cfg.streamMaxAgeMs()))
        .maxMsgSize(cfg.maxMessageBytes()).discardPolicy(DiscardPolicy.Old).replicas(cfg.replicas())
        .duplicateWindow(Duration.ofMinutes(2)).build();
    try {
      link.management().addStream(sc);
    } catch (JetStreamApiException e) {
      try {
        link.management().getStreamInfo(name); // created meanwhile by another node
      } catch (Exception again) {
        throw new IllegalStateException("NATS refused stream " + name + " for scope " + scope + ": " + NatsLink.oneLine(e));
      }
    } catch (IOException e) {
      throw new IllegalStateException("NATS: cannot create stream " + name + ": " + NatsLink.oneLine(e));
    }
  }

  /**
   * A KV bucket, created if missing.
   *
   * @param ttlMs how long an entry lives without being written again (0 = forever)
   */
  public static KeyValue bucket(NatsLink link, String name, long ttlMs, long maxBytes) {
    try {
      try {
        link.connection().keyValueManagement().getBucketInfo(name);
      } catch (JetStreamApiException notThere) {
        KeyValueConfiguration.Builder b = KeyValueConfiguration.builder().name(name).maxHistoryPerKey(1).maxBucketSize(maxBytes)
            .maximumValueSize(16 * 1024).storageType(StorageType.File).replicas(link.config().replicas());
        if (ttlMs > 0) b.ttl(Duration.ofMillis(ttlMs));
        try {
          link.connection().keyValueManagement().create(b.build());
        } catch (JetStreamApiException raced) {
          link.connection().keyValueManagement().getBucketInfo(name);
        }
      }
      return link.connection().keyValue(name);
    } catch (JetStreamApiException | IOException e) {
      throw new IllegalStateException("NATS: cannot open KV bucket " + name + ": " + NatsLink.oneLine(e)
          + "; check that nats-server runs with -js and this user may use JetStream");
    }
  }
}
