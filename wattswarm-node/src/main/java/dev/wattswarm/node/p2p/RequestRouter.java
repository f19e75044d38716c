package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Substrate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Shares the substrate's one request/response channel between services: the first byte of a
 * request names the service (backfill uses 1 and 2, agents 10). Unknown services get no answer,
 * so the asker times out instead of misreading a reply.
 */
public final class RequestRouter {
  private final Map<Integer, Substrate.ProvenHandler> services = new ConcurrentHashMap<>();
  private volatile dev.wattswarm.p2p.RequestObserver observer = dev.wattswarm.p2p.RequestObserver.NONE;

  public RequestRouter(Substrate substrate) {
    substrate.onProvenRequest(this::route);
  }

  public void register(int firstByte, BiFunction<NodeId, byte[], CompletableFuture<byte[]>> handler) {
    registerProven(firstByte, (peer, direct, request) -> handler.apply(peer, request));
  }

  /** A service that is also told whether each request came over a link proving its sender (see {@link Substrate#onProvenRequest}). */
  public void registerProven(int firstByte, Substrate.ProvenHandler handler) {
    if (services.putIfAbsent(firstByte, handler) != null) throw new IllegalStateException("service " + firstByte + " is taken");
  }

  /** Measures the requests this node answers, from arrival until the answer is ready. */
  public void observe(dev.wattswarm.p2p.RequestObserver o) {
    this.observer = o == null ? dev.wattswarm.p2p.RequestObserver.NONE : o;
  }

  private CompletableFuture<byte[]> route(NodeId peer, boolean direct, byte[] request) {
    if (request.length == 0) return CompletableFuture.completedFuture(null);
    var h = services.get(request[0] & 0xff);
    if (h == null) return CompletableFuture.completedFuture(null);
    var obs = observer;
    if (obs == dev.wattswarm.p2p.RequestObserver.NONE) return h.answer(peer, direct, request);
    long start = System.nanoTime();
    int service = request[0] & 0xff;
    CompletableFuture<byte[]> f = h.answer(peer, direct, request);
    f.whenComplete((answer, failure) -> obs.completed(service, dev.wattswarm.p2p.RequestObserver.outcome(answer, failure), System.nanoTime() - start));
    return f;
  }
}
