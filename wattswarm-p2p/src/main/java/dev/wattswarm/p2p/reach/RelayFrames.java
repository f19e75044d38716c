package dev.wattswarm.p2p.reach;

import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.MalformedFrameException;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.function.UnaryOperator;

/**
 * Requests and answers that travel through other nodes. Each is signed end to end: the request by
 * the node that asks, the answer by the node asked, both over the network id, the relay id, both
 * node ids and the payload's hash. A relay can drop one, but not alter it, answer in the target's
 * name, or move it to another network or another exchange. Only the hop count is unsigned, and a
 * receiver refuses any above its own limit.
 */
public final class RelayFrames {
  public static final int ID_BYTES = 16;

  private RelayFrames() {}

  /** A relayed request: {@code origin} asks {@code target}. */
  public record Request(byte[] relayId, NodeId origin, NodeId target, int ttl, long issuedAt, byte[] payload, byte[] signature) {
    public byte[] encode() {
      return new WireWriter(FrameType.RELAY_REQUEST).fixed(relayId).node(origin).node(target).u8(ttl).i64(issuedAt)
          .bytes(payload).fixed(signature).done();
    }

    public Request withTtl(int t) {
      return new Request(relayId, origin, target, t, issuedAt, payload, signature);
    }

    public boolean verify(String networkId) {
      return Ed25519.verify(origin.keyBytes(), requestBytes(networkId, relayId, origin, target, issuedAt, payload), signature);
    }
  }

  /** A relayed answer from {@code target} to {@code origin}. */
  public record Response(byte[] relayId, NodeId origin, NodeId target, byte[] payload, byte[] signature) {
    public byte[] encode() {
      return new WireWriter(FrameType.RELAY_RESPONSE).fixed(relayId).node(origin).node(target).bytes(payload).fixed(signature)
          .done();
    }

    public boolean verify(String networkId) {
      return Ed25519.verify(target.keyBytes(), responseBytes(networkId, relayId, origin, target, payload), signature);
    }
  }

  /**
   * A relay's "not through me" for one relayed request, sent only to a neighbour that handed it the
   * request. It is not signed: it travels one hop, on a TLS-proven link, and only changes what the
   * receiver thinks of that one link's part of the search, so whoever sent it is known.
   *
   * @param exhaustive true when every way onward was tried (no node reached holds a link to the
   *     target); false when the search stopped short (hops ran out, a table was full, a link broke)
   */
  public record Nack(byte[] relayId, boolean exhaustive) {
    public byte[] encode() {
      return new WireWriter(FrameType.RELAY_NACK).fixed(relayId).u8(exhaustive ? 1 : 0).done();
    }
  }

  /** Reads a RELAY_NACK after its type byte. */
  public static Nack readNack(WireReader r) {
    byte[] id = r.fixed(ID_BYTES);
    int flag = r.u8();
    if (flag > 1) throw new MalformedFrameException("relay nack flag " + flag + " is not 0 or 1");
    if (!r.atEnd()) throw new MalformedFrameException("relay nack has trailing bytes");
    return new Nack(id, flag == 1);
  }

  public static Request request(String networkId, byte[] relayId, NodeId origin, NodeId target, int ttl, long issuedAt,
      byte[] payload, UnaryOperator<byte[]> signer) {
    byte[] sig = signer.apply(requestBytes(networkId, relayId, origin, target, issuedAt, payload));
    return new Request(relayId, origin, target, ttl, issuedAt, payload, sig);
  }

  public static Response response(String networkId, Request asked, byte[] payload, UnaryOperator<byte[]> signer) {
    byte[] sig = signer.apply(responseBytes(networkId, asked.relayId(), asked.origin(), asked.target(), payload));
    return new Response(asked.relayId(), asked.origin(), asked.target(), payload, sig);
  }

  /** Reads a RELAY_REQUEST after its type byte. */
  public static Request readRequest(WireReader r, int maxPayload, int maxTtl) {
    byte[] id = r.fixed(ID_BYTES);
    NodeId origin = r.node();
    NodeId target = r.node();
    int ttl = r.u8();
    if (ttl > maxTtl) throw new MalformedFrameException("relay ttl " + ttl + " is over " + maxTtl);
    long issuedAt = r.i64();
    byte[] payload = r.bytes(maxPayload);
    byte[] sig = r.fixed(Ed25519.SIGNATURE_SIZE);
    if (!r.atEnd()) throw new MalformedFrameException("relay request has trailing bytes");
    return new Request(id, origin, target, ttl, issuedAt, payload, sig);
  }

  /** Reads a RELAY_RESPONSE after its type byte. */
  public static Response readResponse(WireReader r, int maxPayload) {
    byte[] id = r.fixed(ID_BYTES);
    NodeId origin = r.node();
    NodeId target = r.node();
    byte[] payload = r.bytes(maxPayload);
    byte[] sig = r.fixed(Ed25519.SIGNATURE_SIZE);
    if (!r.atEnd()) throw new MalformedFrameException("relay response has trailing bytes");
    return new Response(id, origin, target, payload, sig);
  }

  private static byte[] requestBytes(String networkId, byte[] relayId, NodeId origin, NodeId target, long issuedAt, byte[] payload) {
    return new WireWriter(0).string("wattswarm.relay.request.v1").string(networkId).fixed(relayId).node(origin).node(target)
        .i64(issuedAt).fixed(Hashes.sha256(payload)).done();
  }

  private static byte[] responseBytes(String networkId, byte[] relayId, NodeId origin, NodeId target, byte[] payload) {
    return new WireWriter(0).string("wattswarm.relay.response.v1").string(networkId).fixed(relayId).node(origin).node(target)
        .fixed(Hashes.sha256(payload)).done();
  }
}
