package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hive create|join|leave|list|members|post|messages}: topic-scoped groups whose missions only members take. */
@Command(name = "hive", mixinStandardHelpOptions = true,
    description = "Hives: topic-scoped groups; missions posted to a hive are seen and claimed by its members only.",
    subcommands = {HiveCommand.Create.class, HiveCommand.Join.class, HiveCommand.Leave.class, HiveCommand.ListHives.class,
        HiveCommand.Members.class, HiveCommand.Post.class, HiveCommand.Messages.class})
final class HiveCommand {
  @ParentCommand Main main;

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand HiveCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    ControlClient client() {
      return ControlClient.forStateDir(parent.main.stateDir());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    void summary(JsonNode h) {
      out().printf("%s  %s  %d member%s%s%n", h.path("hive").asText(), h.path("topic").asText(), h.path("member_count").asInt(),
          h.path("member_count").asInt() == 1 ? "" : "s", h.path("member").asBoolean() ? "  (this node is a member)" : "");
    }

    Integer done(JsonNode h, String verb) {
      if (json) Output.json(out(), h);
      else out().println(verb + " hive " + h.path("hive").asText() + " (" + h.path("member_count").asInt() + " members)");
      return 0;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Found a hive; this node is its first member.")
  static final class Create extends Sub {
    @Parameters(paramLabel = "ID", description = "1-64 letters, digits, '.', '_' or '-'") String id;
    @Option(names = "--topic", paramLabel = "T", description = "What the hive is about (default: its id).") String topic;

    @Override
    public Integer call() {
      var body = CanonicalJson.object().put("id", id);
      if (topic != null) body.put("topic", topic);
      return done(client().post("/v1/hives", CanonicalJson.encode(body)), "created");
    }
  }

  @Command(name = "join", mixinStandardHelpOptions = true, description = "Join a hive this node knows of (`hive list`).")
  static final class Join extends Sub {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
      JsonNode h = client().post("/v1/hives/" + WattCommand.enc(id) + "/join", new byte[0]);
      return done(h, h.path("changed").asBoolean(true) ? "joined" : "already in");
    }
  }

  @Command(name = "leave", mixinStandardHelpOptions = true, description = "Leave a hive; its missions posted from now on are not offered here.")
  static final class Leave extends Sub {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
      return done(client().post("/v1/hives/" + WattCommand.enc(id) + "/leave", new byte[0]), "left");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every hive this node knows, with its member count.")
  static final class ListHives extends Sub {
    @Override
    public Integer call() {
      JsonNode r = client().get("/v1/hives");
      if (json) Output.json(out(), r);
      else if (r.path("hives").isEmpty()) out().println("no hives yet: `hive create ID --topic T` founds one");
      else for (JsonNode h : r.path("hives")) summary(h);
      return 0;
    }
  }

  @Command(name = "members", mixinStandardHelpOptions = true, description = "A hive's members (node ids).")
  static final class Members extends Sub {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
      JsonNode r = client().get("/v1/hives/" + WattCommand.enc(id) + "/members");
      if (json) Output.json(out(), r);
      else for (JsonNode m : r.path("members")) out().println(m.path("node").asText());
      return 0;
    }
  }

  @Command(name = "post", mixinStandardHelpOptions = true, description = "Post a message to a hive this node is a member of.")
  static final class Post extends Sub {
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1", paramLabel = "TEXT", description = "At most 4096 UTF-8 bytes.") String text;

    @Override
    public Integer call() {
      JsonNode r = client().post("/v1/hives/" + WattCommand.enc(id) + "/messages", CanonicalJson.encode(CanonicalJson.object().put("text", text)));
      if (json) Output.json(out(), r);
      else out().println("posted to hive " + id + " (" + r.path("event_id").asText() + ")");
      return 0;
    }
  }

  @Command(name = "messages", mixinStandardHelpOptions = true, description = "A hive's latest messages, oldest first.")
  static final class Messages extends Sub {
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--limit", paramLabel = "N", description = "How many of the latest to show, 1-1000 (default 50).") Integer limit;

    @Override
    public Integer call() {
      if (limit != null && (limit < 1 || limit > 1000)) {
        throw new CliException(ErrorReport.BAD_INPUT, "--limit " + limit + " is out of range: use 1-1000");
      }
      JsonNode r = client().get("/v1/hives/" + WattCommand.enc(id) + "/messages" + (limit == null ? "" : "?limit=" + limit));
      if (json) Output.json(out(), r);
      else if (r.path("messages").isEmpty()) out().println("no messages in hive " + id + " yet: `hive post " + id + " TEXT` posts one");
      else for (JsonNode m : r.path("messages")) {
        out().printf("%s  %s  %s%n", java.time.Instant.ofEpochMilli(m.path("at_ms").asLong()), m.path("from").asText(),
            m.path("text").asText().replaceAll("\\p{Cntrl}", " "));
      }
      return 0;
    }
  }
}
