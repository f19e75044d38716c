package dev.wattswarm.cli;

import dev.wattswarm.bench.BenchRunner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Option;

/** {@code bench [SUITE] [--quick] [--compare FILE]}: JMH figures beside their baselines, as JSON on stdout. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run benchmarks and print JSON (machine, version, each figure beside its baseline from the same run). "
        + "Suites: all (default), codec, crypto, store, tasks, agents, economy. Options: --quick (shorter runs), --out FILE (also write the JSON there), --rates LIST|auto (tasks at a steady offered load).")
final class BenchCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "SUITE", description = "all (default), codec, crypto, store, tasks, agents or economy.")
  String suite;

  @Option(names = "--quick", description = "Shorter runs: rough figures in a fraction of the time.")
  boolean quick;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON to FILE.")
  String out;

  @Option(names = "--rates", paramLabel = "LIST|auto",
      description = "tasks suite: offered loads in tasks/s (e.g. 500,1000,2000), or auto to find the highest sustained rate.")
  String rates;

  @Option(names = "--substrate", paramLabel = "p2p|nats",
      description = "agents and tasks suites: run over this substrate (nats starts a local nats-server -js and measures raw jnats beside it).")
  String substrate;

  @Override
  public Integer call() {
    List<String> all = new ArrayList<>();
    if (suite != null) all.add(suite);
    if (quick) all.add("--quick");
    if (out != null) {
      all.add("--out");
      all.add(out);
    }
    if (substrate != null) {
      all.add("--substrate");
      all.add(substrate);
    }
    if (rates != null) {
      all.add("--rates");
      all.add(rates);
    }
    return BenchRunner.run(all, new PrintStream(System.out, true), System.err);
  }
}
