package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.server.gateway.GatewayKeys;
import dev.wattswarm.server.gateway.Scope;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gateway key create|list|revoke}: API keys for the gateway and A2A on the public listener.
 * The keys live hashed in the state dir; a running node reads the file again when it changes, so
 * these work with the node up or down.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = "The gateway for outside clients (docs/gateway.md).",
    subcommands = {GatewayCommand.Key.class})
final class GatewayCommand {
  @ParentCommand Main main;

  @Command(name = "key", mixinStandardHelpOptions = true, description = "Make, list and revoke gateway API keys.",
      subcommands = {Create.class, ListKeys.class, Revoke.class})
  static final class Key {
    @ParentCommand GatewayCommand gateway;

    GatewayKeys keys() {
      var dir = gateway.main.stateDir();
      try {
        java.nio.file.Files.createDirectories(dir.root());
      } catch (java.io.IOException e) {
        throw new CliException(CliException.FAILED, "cannot create " + dir.root() + ": " + e.getMessage());
      }
      return new GatewayKeys(dir.root());
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a key; it is printed once, on the last line.")
  static final class Create implements Callable<Integer> {
    @ParentCommand Key key;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME", description = "A name for the key (letters, digits, '.', '_', '-').") String name;
    @Option(names = "--scope", paramLabel = "SCOPE", split = ",",
        description = "What the key may do: tasks:write, missions:write, read (repeat or comma-separate). Default: everything.")
    java.util.List<String> scopes = new java.util.ArrayList<>();
    @Option(names = "--expires-in", paramLabel = "DURATION", description = "How long the key works: 90s, 45m, 12h, 30d. Default: until revoked.")
    String expiresIn;

    @Override
    public Integer call() {
      java.util.Set<Scope> wanted = java.util.EnumSet.noneOf(Scope.class);
      java.time.Duration ttl;
      try {
        for (String sc : scopes) wanted.add(Scope.parse(sc.strip()));
        ttl = expiresIn == null ? null : duration(expiresIn);
      } catch (IllegalArgumentException e) {
        throw new CliException(ErrorReport.BAD_INPUT, e.getMessage());
      }
      String secret;
      try {
        secret = key.keys().create(name, wanted, ttl, new SecureRandom(), Clock.systemUTC());
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CliException(CliException.FAILED, e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("Gateway key '" + name + "' (shown once; send it as 'Authorization: Bearer <key>'):");
      out.println(secret);
      out.flush();
      return 0;
    }
  }

  /** "90s", "45m", "12h", "30d": a positive whole number and a unit. */
  static java.time.Duration duration(String s) {
    var m = java.util.regex.Pattern.compile("([1-9][0-9]{0,8})([smhd])").matcher(s.strip());
    if (!m.matches()) throw new IllegalArgumentException("--expires-in '" + GatewayKeys.clip(s) + "' is not a duration: write e.g. 90s, 45m, 12h or 30d");
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(n);
      case "m" -> java.time.Duration.ofMinutes(n);
      case "h" -> java.time.Duration.ofHours(n);
      default -> java.time.Duration.ofDays(n);
    };
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys by name (the keys themselves are not kept).")
  static final class ListKeys implements Callable<Integer> {
    @ParentCommand Key key;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print {\"keys\": [{\"name\", \"created_at_ms\"}]}.") boolean json;

    @Override
    public Integer call() {
      java.util.List<GatewayKeys.Entry> entries;
      try {
        entries = key.keys().list();
      } catch (IllegalStateException e) {
        throw new CliException(CliException.FAILED, e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = CanonicalJson.object();
        ArrayNode arr = o.putArray("keys");
        for (var e : entries) {
          ObjectNode k = arr.addObject().put("name", e.name()).put("created_at_ms", e.createdAtMs());
          ArrayNode sc = k.putArray("scopes");
          e.scopes().forEach(x -> sc.add(x.wire()));
          if (e.expiresAtMs() > 0) k.put("expires_at_ms", e.expiresAtMs());
        }
        Output.json(out, o);
        return 0;
      }
      if (entries.isEmpty()) out.println("no gateway keys; make one with `wattswarm gateway key create NAME`");
      long now = Clock.systemUTC().millis();
      for (var e : entries) {
        out.println(e.name() + "  created " + Instant.ofEpochMilli(e.createdAtMs()) + "  scopes " + Scope.names(e.scopes())
            + (e.expiresAtMs() == 0 ? "" : (e.expired(now) ? "  EXPIRED " : "  expires ") + Instant.ofEpochMilli(e.expiresAtMs())));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: the node refuses it from its next request.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand Key key;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      boolean found;
      try {
        found = key.keys().revoke(name);
      } catch (IllegalStateException e) {
        throw new CliException(CliException.FAILED, e.getMessage());
      }
      if (!found) {
        throw new CliException(CliException.FAILED, "no gateway key named '" + name + "'; see `wattswarm gateway key list`");
      }
      spec.commandLine().getOut().println("revoked gateway key '" + name + "'");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
