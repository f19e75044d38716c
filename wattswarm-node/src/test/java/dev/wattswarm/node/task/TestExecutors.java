package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.Set;

/** Executors for swarm tests, shared with the modules above (node's test-jar). */
public final class TestExecutors {
  private TestExecutors() {}

  /** Answers "sum a b c" with the sum; a liar always says 42. Verifies by summing again. */
  public static Executor summer(String name, boolean liar) {
    return new Executor() {
      public String name() {
        return name;
      }

      public Set<String> capabilities() {
        return Set.of("sum");
      }

      public JsonNode execute(TaskRequest t) {
        long sum = 0;
        for (String w : t.prompt().split(" ")) if (w.matches("-?\\d+")) sum += Long.parseLong(w);
        return CanonicalJson.object().put("sum", liar ? 42 : sum);
      }

      public Verdict verify(TaskRequest t, JsonNode c) {
        return execute(t).equals(c) ? Verdict.passed("same sum") : Verdict.failed("different sum");
      }
    };
  }
}
