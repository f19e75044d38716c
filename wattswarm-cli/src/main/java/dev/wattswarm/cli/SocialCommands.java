package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code group join|leave|list}, {@code relationship ...} and {@code dm send|list}. */
final class SocialCommands {
  private SocialCommands() {}

  /** A node id argument, checked here so a typo fails before the node is asked. */
  static String nodeId(String text) {
    try {
      return NodeId.parse(text).toString();
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.FAILED, "'" + text + "' is not a node id (z6Mk…, as `node status` prints): " + e.getMessage());
    }
  }

  @Command(name = "group", mixinStandardHelpOptions = true, description = "Group scopes this node subscribes to; tasks with"
      + " swarm_scope group:<id> reach the members.", subcommands = {GroupJoin.class, GroupLeave.class, GroupList.class})
  static final class Group {
    @ParentCommand Main main;
  }

  abstract static class GroupChange implements Callable<Integer> {
    @ParentCommand Group parent;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "Group id: letters, digits, '.', '_' or '-' (dm-* is reserved).") String id;

    int change(String action) {
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir())
          .post("/v1/groups/" + Paths.seg(id) + "/" + action, new byte[0]);
      spec.commandLine().getOut().println((r.path("changed").asBoolean() ? action.equals("join") ? "joined " : "left "
          : action.equals("join") ? "already in " : "not in ") + r.path("scope").asText());
      return 0;
    }
  }

  @Command(name = "join", mixinStandardHelpOptions = true, description = "Subscribe to group:<ID> now and after restarts.")
  static final class GroupJoin extends GroupChange {
    @Override
    public Integer call() {
      return change("join");
    }
  }

  @Command(name = "leave", mixinStandardHelpOptions = true, description = "Unsubscribe from group:<ID>.")
  static final class GroupLeave extends GroupChange {
    @Override
    public Integer call() {
      return change("leave");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Groups this node is in.")
  static final class GroupList implements Callable<Integer> {
    @ParentCommand Group parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/groups");
      var out = spec.commandLine().getOut();
      if (json) Output.json(out, r);
      else if (r.path("groups").isEmpty()) out.println("in no groups (`group join ID`)");
      else for (JsonNode g : r.path("groups")) out.println(g.asText());
      return 0;
    }
  }

  @Command(name = "relationship", mixinStandardHelpOptions = true,
      description = "Relationships with other nodes: request, accept, reject, block, unblock, remove, list.",
      subcommands = {RelRequest.class, RelAccept.class, RelReject.class, RelBlock.class, RelUnblock.class, RelRemove.class,
          RelList.class})
  static final class Relationship {
    @ParentCommand Main main;
  }

  abstract static class RelAction implements Callable<Integer> {
    @ParentCommand Relationship parent;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NODE_ID", description = "The other node.") String node;

    int act(String action, byte[] body) {
      String id = nodeId(node);
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).post("/v1/relationships/" + id + "/" + action, body);
      spec.commandLine().getOut().println("relationship with " + id + ": " + r.path("state").asText());
      return 0;
    }

    @Override
    public Integer call() {
      return act(spec.name(), new byte[0]);
    }
  }

  @Command(name = "request", mixinStandardHelpOptions = true, description = "Ask NODE_ID for a relationship.")
  static final class RelRequest extends RelAction {
    @Option(names = "--note", paramLabel = "TEXT", description = "A note the other node sees with the request.") String note;

    @Override
    public Integer call() {
      byte[] body = CanonicalJson.encode(CanonicalJson.object().put("note", note == null ? "" : note));
      return act("request", body);
    }
  }

  @Command(name = "accept", mixinStandardHelpOptions = true, description = "Accept NODE_ID's pending request (emits relationship_established).")
  static final class RelAccept extends RelAction {}

  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Decline NODE_ID's pending request.")
  static final class RelReject extends RelAction {}

  @Command(name = "block", mixinStandardHelpOptions = true, description = "Refuse NODE_ID's requests and DMs from now on.")
  static final class RelBlock extends RelAction {}

  @Command(name = "unblock", mixinStandardHelpOptions = true, description = "Lift a block.")
  static final class RelUnblock extends RelAction {}

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "End an accepted (or pending) relationship.")
  static final class RelRemove extends RelAction {}

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every relationship: node id, state, last change.")
  static final class RelList implements Callable<Integer> {
    @ParentCommand Relationship parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/relationships");
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, r);
        return 0;
      }
      if (r.path("relationships").isEmpty()) {
        out.println("no relationships (`relationship request NODE_ID`)");
        return 0;
      }
      out.printf("%-50s %-12s %s%n", "NODE", "STATE", "UPDATED");
      for (JsonNode x : r.path("relationships")) {
        out.printf("%-50s %-12s %s%n", x.path("node_id").asText(), x.path("state").asText(),
            java.time.Instant.ofEpochMilli(x.path("updated_at_ms").asLong()));
      }
      return 0;
    }
  }

  @Command(name = "dm", mixinStandardHelpOptions = true, description = "End-to-end encrypted direct messages with accepted relationships.",
      subcommands = {DmSend.class, DmList.class})
  static final class Dm {
    @ParentCommand Main main;
  }

  @Command(name = "send", mixinStandardHelpOptions = true, description = "Send TEXT to NODE_ID (needs an accepted relationship).")
  static final class DmSend implements Callable<Integer> {
    @ParentCommand Dm parent;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "NODE_ID") String node;
    @Parameters(index = "1", paramLabel = "TEXT") String text;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      String id = nodeId(node);
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir())
          .post("/v1/dm/" + id, CanonicalJson.encode(CanonicalJson.object().put("text", text)));
      if (json) Output.json(spec.commandLine().getOut(), r);
      else spec.commandLine().getOut().println("sent to " + id + " (encrypted, event " + Output.shortId(r.path("event_id").asText()) + ")");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The thread with NODE_ID, decrypted, oldest first.")
  static final class DmList implements Callable<Integer> {
    @ParentCommand Dm parent;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NODE_ID") String node;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "The last N messages (default ${DEFAULT-VALUE}).") int limit;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 10_000) throw new CliException(2, "--limit must be 1-10000");
      String id = nodeId(node);
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/dm/" + id + "?limit=" + limit);
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, r);
        return 0;
      }
      if (r.path("messages").isEmpty()) out.println("no messages with " + id);
      for (JsonNode m : r.path("messages")) {
        out.printf("%s %s: %s%n", java.time.Instant.ofEpochMilli(m.path("at_ms").asLong()),
            m.path("from").asText().equals(id) ? Output.shortId(id) : "me", m.path("text").asText());
      }
      return 0;
    }
  }

  /** Path segment encoding. */
  static final class Paths {
    private Paths() {}

    static String seg(String s) {
      return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }
}
