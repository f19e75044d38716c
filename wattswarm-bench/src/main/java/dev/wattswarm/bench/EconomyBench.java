package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.Economy;
import dev.wattswarm.economy.EconomyConfig;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.TaskRuntime;
import dev.wattswarm.testkit.TestEvents;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench economy}: WATT transfers per second (each one signed, judged by the ledger in its
 * append transaction and committed before the next, as the wallet does) and missions settled per
 * second (posted, escrowed, run by a no-op executor, finalized, released and the payout
 * acknowledged), on one local node over SQLite, beside raw store appends of as many events in the
 * same run.
 */
final class EconomyBench implements BenchRunner.ExternalSuite {
  @Override
  public ObjectNode run(boolean quick, PrintStream progress) throws Exception {
    Path dir = Files.createTempDirectory("ws-bench-economy");
    List<Executor> execs = List.of(new TaskBench.Noop("n1"), new TaskBench.Noop("n2"));
    Node node = Node.open(NodeConfig.local(dir), new StateDir(dir), Clock.systemUTC(), new SecureRandom(), Projections.all());
    try {
      TaskRuntime rt = TaskRuntime.start(node, execs, false);
      Economy eco = Economy.start(node, rt, null, new EconomyConfig(1L << 50, 100, 0, 100_000), id -> true);
      String payee = TestEvents.key(7).id().toString();
      int transfers = quick ? 2_000 : 10_000;
      int missions = quick ? 300 : 2_000;
      ObjectNode out = CanonicalJson.object();
      out.put("store", "sqlite (durable, WAL, synchronous=NORMAL)");
      progress.printf("bench economy: %d transfers, then %d missions%n", transfers, missions);
      long events0 = node.store().count();
      long t0 = System.nanoTime();
      for (int i = 0; i < transfers; i++) eco.wallet().pay(null, payee, 1, CanonicalJson.object());
      double secs = (System.nanoTime() - t0) / 1e9;
      long transferEvents = node.store().count() - events0;
      out.put("transfers", transfers).put("transfers_per_s", Math.round(transfers / secs));

      CountDownLatch settled = new CountDownLatch(missions);
      node.log().subscribe(e -> {
        if (e.type().equals("watt.received") && e.payloadJson().contains("\"credit\":\"m:b-")) settled.countDown();
      });
      long events1 = node.store().count();
      long t1 = System.nanoTime();
      for (int i = 0; i < missions; i++) {
        ObjectNode m = CanonicalJson.object().put("task_id", "b-" + i).put("capability", "noop").put("reward", 10);
        m.putObject("inputs").put("prompt", "noop");
        eco.missions().post(m);
      }
      if (!settled.await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + (missions - settled.getCount()) + " of " + missions + " missions settled in 300 s");
      }
      double msecs = (System.nanoTime() - t1) / 1e9;
      long missionEvents = node.store().count() - events1;
      out.put("missions", missions).put("missions_settled_per_s", Math.round(missions / msecs))
          .put("events_per_mission", Math.round(missionEvents * 10.0 / missions) / 10.0);
      out.put("supply_conserved", eco.wallet().reader().supply().path("conserved").asBoolean());
      out.put("baseline_store_append_events_per_s", TaskBench.baselineAppend(dir, transferEvents + missionEvents));
      progress.printf("  %d transfers/s, %d missions settled/s%n", Math.round(transfers / secs), Math.round(missions / msecs));
      eco.close();
      rt.close();
      return out;
    } finally {
      node.close();
      TaskBench.deleteTree(dir);
    }
  }
}
