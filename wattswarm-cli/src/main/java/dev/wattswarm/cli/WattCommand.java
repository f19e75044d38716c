package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.ledger.Amounts;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code watt balance|transfer|history|supply}: the WATT ledger as the running node holds it. */
@Command(name = "watt", mixinStandardHelpOptions = true, description = "WATT balances and transfers.",
    subcommands = {WattCommand.Balance.class, WattCommand.Transfer.class, WattCommand.History.class, WattCommand.Supply.class})
final class WattCommand {
  @ParentCommand Main main;

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand WattCommand parent;
    @Spec CommandSpec spec;

    ControlClient client() {
      return ControlClient.forStateDir(parent.main.stateDir());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Command(name = "balance", mixinStandardHelpOptions = true,
      description = "An account's spendable balance, what it has in escrow and credits it has yet to acknowledge (default: this node's).")
  static final class Balance extends Sub {
    @Parameters(paramLabel = "ACCOUNT", arity = "0..1", description = "A node id or agent id, or 'treasury'.") String account;
    @Option(names = "--json", description = "Print {\"account\", \"balance\", \"escrowed\", \"pending\"}.") boolean json;

    @Override
    public Integer call() {
      JsonNode b = client().get("/v1/watt/balance" + (account == null ? "" : "?account=" + enc(account)));
      if (json) Output.json(out(), b);
      else out().printf("%s  balance %d WATT, escrowed %d, pending %d%n", b.path("account").asText(), b.path("balance").asLong(),
          b.path("escrowed").asLong(), b.path("pending").asLong());
      return 0;
    }
  }

  @Command(name = "transfer", mixinStandardHelpOptions = true,
      description = "Send WATT from this node's account (or one of its agents') to another account. An overspend is refused and changes nothing.")
  static final class Transfer extends Sub {
    @Parameters(index = "0", paramLabel = "TO", description = "The node id or agent id to pay.") String to;
    @Parameters(index = "1", paramLabel = "AMOUNT", description = "Whole WATT, 1 to 2^53.") String amount;
    @Option(names = "--from", paramLabel = "AGENT", description = "Pay from this node's agent (name or id) instead of the node.") String from;
    @Option(names = "--json", description = "Print the signed op and its verdict as JSON.") boolean json;

    @Override
    public Integer call() {
      long n;
      try {
        n = Amounts.parse(amount);
      } catch (IllegalArgumentException e) {
        throw new CliException(ErrorReport.BAD_INPUT, e.getMessage());
      }
      ObjectNode body = CanonicalJson.object().put("to", to).put("amount", n);
      if (from != null) body.put("from", from);
      JsonNode r = client().post("/v1/watt/transfer", CanonicalJson.encode(body));
      if (json) Output.json(out(), r);
      else out().printf("sent %d WATT from %s to %s (%s)%n", n, r.path("from").asText(), r.path("to").asText(), r.path("result").asText());
      return 0;
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "An account's chain: every op it signed, with the ledger's verdict.")
  static final class History extends Sub {
    @Parameters(paramLabel = "ACCOUNT", arity = "0..1") String account;
    @Option(names = "--limit", defaultValue = "100") int limit;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode h = client().get("/v1/watt/history?limit=" + limit + (account == null ? "" : "&account=" + enc(account)));
      if (json) {
        Output.json(out(), h);
        return 0;
      }
      out().println("history of " + h.path("account").asText());
      for (JsonNode r : h.path("history")) {
        String what = switch (r.path("op").asText()) {
          case "sent" -> "sent " + r.path("amount").asText() + " to " + r.path("to").asText();
          case "received" -> "received " + r.path("amount").asText() + " from " + r.path("from").asText();
          case "escrowed" -> "escrowed " + r.path("amount").asText() + " for mission " + r.path("mission").asText();
          case "genesis" -> "minted " + r.path("amount").asText() + " (genesis)";
          default -> r.path("op").asText();
        };
        out().printf("  %-70s %s%n", what, r.path("result").asText());
      }
      return 0;
    }
  }

  @Command(name = "supply", mixinStandardHelpOptions = true,
      description = "The genesis supply against the sum of balances, escrow and credits in flight: conserved or not.")
  static final class Supply extends Sub {
    @Option(names = "--json", description = "Print {\"supply\", \"sum_of_balances\", \"escrowed\", \"conserved\", ...}.") boolean json;

    @Override
    public Integer call() {
      JsonNode s = client().get("/v1/watt/supply");
      if (json) Output.json(out(), s);
      else out().printf("supply %d WATT = balances %d + escrowed %d + in flight %d: %s (fee %d bp)%n", s.path("supply").asLong(),
          s.path("sum_of_balances").asLong(), s.path("escrowed").asLong(), s.path("in_flight").asLong(),
          s.path("conserved").asBoolean() ? "conserved" : "NOT CONSERVED", s.path("fee_bps").asLong());
      return 0;
    }
  }
}
