package dev.wattswarm.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.task.TaskService;
import dev.wattswarm.server.gateway.TaskWatch;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A {@code SendStreamingMessage} answer: server-sent events, each one JSON-RPC response whose
 * result is a StreamResponse: the task first, then a {@code statusUpdate} per state change and the
 * output as an {@code artifactUpdate} before the final status; the stream ends with the task.
 * A comment line every {@link #HEARTBEAT_MS} keeps the connection under the listener's idle timeout
 * and finds clients that went away.
 */
final class A2aStream {
  static final long HEARTBEAT_MS = 10_000;

  private final TaskService tasks;
  private final TaskWatch watch;

  A2aStream(TaskService tasks, TaskWatch watch) {
    this.tasks = tasks;
    this.watch = watch;
  }

  void run(Context ctx, JsonNode rpcId, JsonNode created) {
    String id = created.path("task_id").asText();
    var res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream");
    res.setHeader("Cache-Control", "no-store");
    try (TaskWatch.Follow f = watch.follow(id)) {
      OutputStream out = res.getOutputStream();
      JsonNode task = tasks.get(id).orElse(created);
      send(out, rpcId, CanonicalJson.object().set("task", A2aTasks.view(task)));
      String sent = task.path("state").asText();
      if (A2aTasks.terminal(sent)) {
        // a fast task may end before the stream opens: the client still gets the same closing
        // sequence (artifact, then the final status) as when it watched the task run
        ends(out, rpcId, id, task, true);
        return;
      }
      while (!A2aTasks.terminal(sent)) {
        if (!f.await(HEARTBEAT_MS)) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          continue;
        }
        task = tasks.get(id).orElse(task);
        String now = task.path("state").asText();
        if (now.equals(sent)) continue;
        ends(out, rpcId, id, task, !A2aTasks.state(now).equals(A2aTasks.state(sent)) || A2aTasks.terminal(now));
        sent = now;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientGone) {
      // the client closed the stream; the task runs on regardless and GetTask still has it
    }
  }

  /** The task's artifact when it has one, then its status when {@code withStatus}. */
  private static void ends(OutputStream out, JsonNode rpcId, String id, JsonNode task, boolean withStatus) throws IOException {
    ObjectNode artifact = A2aTasks.artifact(task);
    if (artifact != null) {
      ObjectNode u = CanonicalJson.object().put("taskId", id).put("contextId", A2aTasks.contextId(task)).put("lastChunk", true);
      u.set("artifact", artifact);
      send(out, rpcId, CanonicalJson.object().set("artifactUpdate", u));
    }
    if (withStatus) {
      ObjectNode s = CanonicalJson.object().put("taskId", id).put("contextId", A2aTasks.contextId(task));
      s.set("status", A2aTasks.status(task));
      send(out, rpcId, CanonicalJson.object().set("statusUpdate", s));
    }
  }

  private static void send(OutputStream out, JsonNode rpcId, JsonNode result) throws IOException {
    String line = A2aRpc.result(rpcId, result).toString();
    out.write(("data: " + line + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
