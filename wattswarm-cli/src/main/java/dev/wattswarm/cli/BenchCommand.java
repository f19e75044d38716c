package dev.wattswarm.cli;

import dev.wattswarm.bench.BenchRunner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code bench [SUITE] [--quick] [--compare FILE]}: JMH figures beside their baselines, as JSON on stdout. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run benchmarks and print JSON (machine, version, each figure beside its baseline from the same run). "
        + "Suites: all (default), codec, crypto, store, tasks. Options: --quick (shorter runs), --out FILE (also write the JSON there).")
final class BenchCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "ARGS", description = "Suite name and options, passed to the bench runner.")
  List<String> args = new ArrayList<>();

  // --quick, --out FILE and future runner options pass straight through to the runner
  @Unmatched List<String> options = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> all = new ArrayList<>(args);
    all.addAll(options);
    return BenchRunner.run(all, new PrintStream(System.out, true), System.err);
  }
}
