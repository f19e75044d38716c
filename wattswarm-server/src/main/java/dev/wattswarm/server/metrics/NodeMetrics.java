package dev.wattswarm.server.metrics;

import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.node.task.TaskService;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One node's meters in its own Prometheus registry (never the global one: tests run several nodes
 * in one JVM). Every name is prefixed {@code wattswarm_}, the JVM's included, so one scrape
 * config selects the node's whole output.
 */
public final class NodeMetrics implements AutoCloseable {
  static final String PREFIX = "wattswarm.";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final NodeGauges gauges;
  private final EventMeters events;
  private final RequestMeters requests;

  /** @param network the swarm connection, or null when the node runs alone */
  public NodeMetrics(Node node, TaskService tasks, NetworkRuntime network) {
    // two JVM meters break Prometheus naming rules (promtool lints them): a CPU time in ns beside
    // process_cpu_usage, and a gauge whose name ends in _count
    // (filters see the id after every map, so after the prefix)
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().endsWith("process.cpu.time")));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String name = id.getName().equals("system.cpu.count") ? "system.cpu.processors" : id.getName();
        return name.startsWith(PREFIX) ? id : id.withName(PREFIX + name);
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gauges = new NodeGauges(registry, node, network);
    events = new EventMeters(registry, node);
    requests = new RequestMeters(registry);
    if (network != null) {
      network.substrate().observeRequests(requests.p2p("out"));
      network.router().observe(requests.p2p("in"));
    }
  }

  /** For the control server: times each exchange by route. */
  public RequestMeters requests() {
    return requests;
  }

  /** The Prometheus text exposition (format 0.0.4), counters of newly seen reasons included. */
  public String scrape() {
    gauges.refresh();
    return registry.scrape();
  }

  @Override
  public void close() {
    events.close();
    gc.close();
    registry.close();
  }
}
