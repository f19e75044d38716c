package dev.wattswarm.server.metrics;

import dev.wattswarm.p2p.RequestObserver;
import dev.wattswarm.server.ControlServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Latencies of control plane exchanges (by route template) and of p2p requests (by service). */
public final class RequestMeters implements ControlServer.ExchangeObserver {
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1_000), Duration.ofMillis(5_000), Duration.ofMillis(30_000)};

  private final MeterRegistry registry;

  RequestMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void completed(String method, String route, int status, long nanos) {
    // a client that went away before an answer leaves -1
    String code = status < 100 ? "none" : Integer.toString(status);
    Timer.builder("wattswarm.control.requests").description("Control plane requests, by method, route template and status")
        .tags("method", bounded(method), "route", route, "status", code).serviceLevelObjectives(BUCKETS)
        .register(registry).record(Duration.ofNanos(nanos));
  }

  /** Observes one direction ({@code in}: answered here, {@code out}: asked by this node). */
  RequestObserver p2p(String direction) {
    // on every request's path: look each timer up once (a builder and a registry lookup cost more than the request's own work)
    java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
    return (service, outcome, nanos) -> timers.computeIfAbsent(service(service) + "/" + outcome, k -> Timer.builder("wattswarm.p2p.requests")
        .description("Request/response exchanges with peers, by direction, service and outcome")
        .tags("direction", direction, "service", service(service), "outcome", outcome).serviceLevelObjectives(BUCKETS)
        .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  // the first byte of a request names its service (see RequestRouter)
  private static String service(int b) {
    return switch (b) {
      case 1 -> "sync_heads";
      case 2 -> "sync_lane";
      case 10 -> "agents";
      default -> "other";
    };
  }

  // methods are client-chosen: only the ones routes use become label values
  private static String bounded(String method) {
    return switch (method) {
      case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" -> method;
      default -> "other";
    };
  }
}
