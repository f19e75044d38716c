package dev.wattswarm.p2p.tcp;

import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A test listener: records every callback with its time; can hold the reader in frame(). */
final class Recorder implements Transport.Listener {
  final List<Link> ups = new CopyOnWriteArrayList<>();
  final Map<Link, Long> upAtNanos = new ConcurrentHashMap<>();
  final Map<Link, List<byte[]>> frames = new ConcurrentHashMap<>();
  final Map<Link, String> downs = new ConcurrentHashMap<>();
  final Map<Link, Long> downAtNanos = new ConcurrentHashMap<>();
  final Map<Link, AtomicInteger> downCounts = new ConcurrentHashMap<>();
  /** Frames that arrived on a link already reported down (must stay 0). */
  final AtomicInteger framesAfterDown = new AtomicInteger();
  /** When set, frame() waits on it: a receiver that stops reading. */
  volatile CountDownLatch gate;

  @Override
  public void linkUp(Link link) {
    upAtNanos.put(link, System.nanoTime());
    ups.add(link);
  }

  @Override
  public void frame(Link link, byte[] frame) {
    if (downs.containsKey(link)) framesAfterDown.incrementAndGet();
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    framesOf(link).add(frame);
  }

  @Override
  public void linkDown(Link link, String reason) {
    downAtNanos.putIfAbsent(link, System.nanoTime());
    downs.putIfAbsent(link, reason);
    downCounts.computeIfAbsent(link, k -> new AtomicInteger()).incrementAndGet();
  }

  List<byte[]> framesOf(Link link) {
    return frames.computeIfAbsent(link, k -> Collections.synchronizedList(new ArrayList<>()));
  }

  int frameCount() {
    return frames.values().stream().mapToInt(List::size).sum();
  }

  /** The one link that came up (fails the caller's assertion when there are none or several). */
  Link only() {
    if (ups.size() != 1) throw new AssertionError("expected exactly one link up, got " + ups);
    return ups.get(0);
  }
}
