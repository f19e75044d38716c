package dev.wattswarm.nats;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import java.nio.charset.StandardCharsets;

/**
 * Where things live on NATS. Topics are already {@code {network_id}.{scope}.{kind}} and are used
 * as subjects as they are; inboxes and heartbeats sit under {@code {network_id}._ws.*}, which no
 * scope's stream captures. JetStream object names allow fewer characters than subjects, so streams,
 * consumers and buckets are named by a short hash of what they hold.
 */
public final class NatsNames {
  private NatsNames() {}

  /** @throws IllegalArgumentException when {@code topic} cannot be a literal NATS subject */
  public static String subject(String topic) {
    if (topic.isEmpty() || topic.length() > 512 || topic.startsWith(".") || topic.endsWith(".") || topic.contains("..")) {
      throw new IllegalArgumentException("topic '" + topic + "' is not a NATS subject");
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (c <= ' ' || c == '*' || c == '>' || c == 0x7f) throw new IllegalArgumentException("topic '" + topic + "' is not a NATS subject");
    }
    return topic;
  }

  /** The subject a node's requests are sent to. */
  public static String inbox(String networkId, NodeId node) {
    return networkId + "._ws.req." + node;
  }

  /**
   * The prefix of a node's reply subjects: each request gets its own, {@code <prefix>.<request id>},
   * so NATS's "no responders" status for it can be told apart from every other request's.
   */
  public static String replies(String networkId, NodeId node) {
    return networkId + "._ws.rep." + node;
  }

  /** The reply subject of one request ({@code requestId} is the hex of its nonce). */
  public static String reply(String repliesPrefix, String requestId) {
    return repliesPrefix + "." + requestId;
  }

  /** Signed member heartbeats. */
  public static String heartbeats(String networkId) {
    return networkId + "._ws.hb";
  }

  /** The scope part of {@code {network}.{scope}.{kind}}, or null when the topic is not of this network. */
  public static String scopeOf(String networkId, String topic) {
    if (!topic.startsWith(networkId + ".")) return null;
    int last = topic.lastIndexOf('.');
    if (last <= networkId.length() + 1) return null;
    return topic.substring(networkId.length() + 1, last);
  }

  /** The stream that holds every durable topic of one scope. */
  public static String stream(String networkId, String scope) {
    return "WS_" + hash(networkId + "|" + scope, 20);
  }

  /** The subjects of that stream: every kind of the scope. */
  public static String streamSubjects(String networkId, String scope) {
    return networkId + "." + scope + ".*";
  }

  /** The durable consumer of one node on one topic: it survives the node's restarts. */
  public static String consumer(NodeId node, String topic) {
    return "WSC_" + hash(node + "|" + topic, 24);
  }

  /** The bucket of a network's member records and leader lease. */
  public static String networkBucket(String networkId) {
    return "WSN_" + hash(networkId, 20);
  }

  /** The rendezvous bucket where a prefix's network bundle is kept. */
  public static String rendezvousBucket(String prefix) {
    return "WS_" + prefix;
  }

  /** KV key of a member record (node ids are base58: valid key characters). */
  public static String memberKey(NodeId node) {
    return "node." + node;
  }

  static String hash(String s, int hexChars) {
    return Hashes.hex(Hashes.sha256(s.getBytes(StandardCharsets.UTF_8))).substring(0, hexChars);
  }
}
