package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.Arrays;

/** Sequential round trips, each timed on its own, summarised the one way every bench reports them. */
final class Timed {
  private Timed() {}

  /** One round trip, the {@code i}-th. */
  @FunctionalInterface
  interface Step {
    void run(int i) throws Exception;
  }

  /** Runs {@code n} steps one after another: p50 and p99 of each step's time, and steps per second overall. */
  static ObjectNode run(int n, Step step) throws Exception {
    long[] lat = new long[n];
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      step.run(i);
      lat[i] = System.nanoTime() - s;
    }
    return stats(lat, System.nanoTime() - t0);
  }

  static ObjectNode stats(long[] lat, long totalNs) {
    long[] s = lat.clone();
    Arrays.sort(s);
    return CanonicalJson.object().put("p50_us", s[s.length / 2] / 1000.0)
        .put("p99_us", s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1000.0)
        .put("per_s", Math.round(s.length / (totalNs / 1e9)));
  }
}
