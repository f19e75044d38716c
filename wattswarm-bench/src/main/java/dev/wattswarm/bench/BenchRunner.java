package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.Version;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code wattswarm bench [SUITE] [--quick] [--out FILE]}: runs the JMH suites, progress on stderr,
 * one JSON document on stdout with the machine, the version, every figure, and each figure's ratio
 * to the baseline measured in the same run.
 */
public final class BenchRunner {
  /** Suite name to benchmark classes. */
  static final Map<String, List<Class<?>>> SUITES = new LinkedHashMap<>();

  static {
    SUITES.put("codec", List.of(CodecBench.class));
    SUITES.put("crypto", List.of(CryptoBench.class));
    SUITES.put("store", List.of(StoreBench.class));
  }

  /** Ours to the baseline it is measured against. */
  static final Map<String, String> PAIRS = Map.of(
      "encode", "baselineJacksonEncode",
      "decode", "baselineJacksonDecode",
      "sign", "baselineJdkSign",
      "verify", "baselineJdkVerify",
      "appendSingle", "baselineRawInsertSingle",
      "appendBatch100", "baselineRawInsertBatch100");

  /** Suites that run outside JMH (whole-system measurements), registered by higher layers. */
  public interface ExternalSuite {
    ObjectNode run(boolean quick, PrintStream progress) throws Exception;
  }

  static final Map<String, ExternalSuite> EXTERNAL = new LinkedHashMap<>();

  static {
    EXTERNAL.put("tasks", new TaskBench());
    EXTERNAL.put("agents", new AgentBench());
    EXTERNAL.put("economy", new EconomyBench());
  }

  public static void register(String name, ExternalSuite suite) {
    EXTERNAL.put(name, suite);
  }

  private BenchRunner() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    String suite = "all";
    boolean quick = false;
    Path outFile = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--quick" -> quick = true;
        case "--rates" -> {
          if (i + 1 >= args.size()) {
            err.println("error: --rates needs a list like 500,1000,2000 or auto");
            return 2;
          }
          TaskBench.rates = args.get(++i);
        }
        case "--substrate" -> {
          if (i + 1 >= args.size() || !List.of("p2p", "nats").contains(args.get(i + 1))) {
            err.println("error: --substrate needs p2p or nats");
            return 2;
          }
          NatsBench.enabled = args.get(++i).equals("nats");
        }
        case "--out" -> {
          if (i + 1 >= args.size()) {
            err.println("error: --out needs a file name");
            return 2;
          }
          outFile = Path.of(args.get(++i));
        }
        default -> {
          if (a.startsWith("-")) {
            err.println("error: unknown bench option '" + a + "'; options are --quick, --out FILE, --rates LIST|auto and --substrate p2p|nats");
            return 2;
          }
          suite = a;
        }
      }
    }
    if (!suite.equals("all") && !SUITES.containsKey(suite) && !EXTERNAL.containsKey(suite)) {
      List<String> names = new ArrayList<>(SUITES.keySet());
      names.addAll(EXTERNAL.keySet());
      err.println("error: unknown bench suite '" + suite + "'; suites are all, " + String.join(", ", names));
      return 2;
    }
    try {
      ObjectNode doc = CanonicalJson.object();
      doc.put("version", Version.get());
      doc.put("suite", suite);
      doc.put("quick", quick);
      doc.set("machine", machine());
      ArrayNode figures = doc.putArray("figures");
      ArrayNode comparisons = doc.putArray("comparisons");
      List<Class<?>> classes = new ArrayList<>();
      for (var e : SUITES.entrySet()) {
        if (suite.equals("all") || suite.equals(e.getKey())) classes.addAll(e.getValue());
      }
      if (!classes.isEmpty()) runJmh(classes, quick, err, figures, comparisons);
      for (var e : EXTERNAL.entrySet()) {
        if (suite.equals("all") || suite.equals(e.getKey())) {
          doc.set(e.getKey(), e.getValue().run(quick, err));
        }
      }
      String json = CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
      out.println(json);
      if (outFile != null) Files.writeString(outFile, json + "\n");
      return 0;
    } catch (Exception e) {
      err.println("error: benchmark failed: " + e.getMessage());
      return 1;
    }
  }

  private static void runJmh(List<Class<?>> classes, boolean quick, PrintStream err, ArrayNode figures,
      ArrayNode comparisons) throws Exception {
    ChainedOptionsBuilder ob = new OptionsBuilder();
    for (Class<?> c : classes) ob.include(c.getName() + "\\.");
    ob.forks(1)
        .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx2g")
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementIterations(quick ? 2 : 5)
        .measurementTime(TimeValue.seconds(quick ? 1 : 2))
        .resultFormat(ResultFormatType.TEXT)
        .result("/dev/null");
    Runner runner = new Runner(ob.build(), OutputFormatFactory.createFormatInstance(err, VerboseMode.NORMAL));
    Collection<RunResult> results = runner.run();
    Map<String, Double> scores = new HashMap<>();
    for (RunResult r : results) {
      var p = r.getParams();
      String cls = p.getBenchmark().substring(0, p.getBenchmark().lastIndexOf('.'));
      String method = p.getBenchmark().substring(cls.length() + 1);
      String group = cls.substring(cls.lastIndexOf('.') + 1).replace("Bench", "").toLowerCase();
      StringBuilder params = new StringBuilder();
      for (String k : p.getParamsKeys()) params.append('[').append(p.getParam(k)).append(']');
      String scenario = group + "." + method + params;
      var res = r.getPrimaryResult();
      ObjectNode f = figures.addObject();
      f.put("scenario", scenario);
      f.put("score", Math.round(res.getScore() * 10) / 10.0);
      double errv = res.getScoreError();
      f.put("error", Double.isNaN(errv) ? 0 : Math.round(errv * 10) / 10.0);
      f.put("unit", res.getScoreUnit().replace("ops/s", "ops/s").replace("s", "s"));
      f.put("us_per_op", res.getScore() > 0 ? Math.round(1e7 / res.getScore()) / 10.0 : 0);
      scores.put(scenario, res.getScore());
    }
    for (var e : scores.entrySet()) {
      String scenario = e.getKey();
      String method = scenario.substring(scenario.indexOf('.') + 1).replaceAll("\\[.*", "");
      String base = PAIRS.get(method);
      if (base == null) continue;
      String baseScenario = scenario.replace("." + method, "." + base);
      Double b = scores.get(baseScenario);
      if (b == null || b == 0) continue;
      ObjectNode c = comparisons.addObject();
      c.put("scenario", scenario);
      c.put("baseline", baseScenario);
      c.put("ratio_to_baseline", Math.round(e.getValue() / b * 100) / 100.0);
    }
  }

  static ObjectNode machine() {
    ObjectNode m = CanonicalJson.object();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("arch", System.getProperty("os.arch"));
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
          break;
        }
      }
    } catch (Exception ignored) {
      // not Linux; cpu stays unnamed
    }
    return m;
  }
}
