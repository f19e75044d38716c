package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.ledger.Amounts;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code service advertise|list|call} and {@code oracle publish|subscribe|read}: what agents sell and feeds they pay for. */
final class MarketCommands {
  private MarketCommands() {}

  static JsonNode parseJson(String text, String what) {
    return JsonInput.text(text, what, "Quote it for the shell, e.g. '{\"text\": \"hello\"}'");
  }

  static long amount(String text) {
    try {
      return Amounts.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(ErrorReport.BAD_INPUT, e.getMessage());
    }
  }

  abstract static class Sub implements Callable<Integer> {
    @Spec CommandSpec spec;

    abstract Main main();

    ControlClient client() {
      return ControlClient.forStateDir(main().stateDir());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "service", mixinStandardHelpOptions = true, description = "ServiceNet: sell and buy agent capabilities for WATT.",
      subcommands = {Advertise.class, ListServices.class, Call.class})
  static final class Service {
    @ParentCommand Main main;
  }

  abstract static class ServiceSub extends Sub {
    @ParentCommand Service parent;

    Main main() {
      return parent.main;
    }
  }

  @Command(name = "advertise", mixinStandardHelpOptions = true, description = "Offer one of this node's agents' capabilities at a price.")
  static final class Advertise extends ServiceSub {
    @Parameters(paramLabel = "CAPABILITY") String capability;
    @Option(names = "--price", required = true, paramLabel = "N") String price;
    @Option(names = "--agent", paramLabel = "NAME", description = "The agent that provides it (default: the node's first agent).") String agent;
    @Option(names = "--json") boolean json;

    public Integer call() {
      ObjectNode b = CanonicalJson.object().put("capability", capability).put("price", amount(price));
      if (agent != null) b.put("agent", agent);
      JsonNode r = client().post("/v1/services", CanonicalJson.encode(b));
      if (json) Output.json(out(), r);
      else out().printf("%s offered by %s for %d WATT%n", capability, r.path("provider").asText(), r.path("price").asLong());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Offers known in the swarm, cheapest first.")
  static final class ListServices extends ServiceSub {
    @Option(names = "--capability") String capability;
    @Option(names = "--json") boolean json;

    public Integer call() {
      JsonNode r = client().get("/v1/services" + (capability == null ? "" : "?capability=" + WattCommand.enc(capability)));
      if (json) Output.json(out(), r);
      else for (JsonNode s : r.path("services")) {
        out().printf("%-20s %6d WATT  %s (agent %s on %s)%n", s.path("capability").asText(), s.path("price").asLong(),
            s.path("provider").asText(), s.path("agent").asText(), s.path("node").asText());
      }
      return 0;
    }
  }

  @Command(name = "call", mixinStandardHelpOptions = true,
      description = "Call the cheapest provider of CAPABILITY within --max-price; pays it only after its signed receipt checks out.")
  static final class Call extends ServiceSub {
    @Parameters(index = "0", paramLabel = "CAPABILITY") String capability;
    @Parameters(index = "1", paramLabel = "JSON") String request;
    @Option(names = "--max-price", paramLabel = "N", defaultValue = "9007199254740992") String maxPrice;
    @Option(names = "--json") boolean json;

    public Integer call() {
      ObjectNode b = CanonicalJson.object().put("capability", capability).put("max_price", amount(maxPrice));
      b.set("request", parseJson(request, "the request"));
      JsonNode r = client().post("/v1/services/call", CanonicalJson.encode(b));
      if (json) {
        Output.json(out(), r);
      } else {
        out().println(CanonicalJson.encodeString(r.path("reply")));
        out().printf("paid %d WATT to %s; receipt signature %s%n", r.path("receipt").path("price").asLong(), r.path("provider").asText(),
            r.path("receipt").path("signature").asText());
      }
      return 0;
    }
  }

  @Command(name = "oracle", mixinStandardHelpOptions = true, description = "Signed data feeds, read by paying subscribers.",
      subcommands = {Publish.class, Subscribe.class, Read.class})
  static final class Oracle {
    @ParentCommand Main main;
  }

  abstract static class OracleSub extends Sub {
    @ParentCommand Oracle parent;

    Main main() {
      return parent.main;
    }
  }

  @Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish a signed update of FEED (this node owns the feed).")
  static final class Publish extends OracleSub {
    @Parameters(index = "0", paramLabel = "FEED") String feed;
    @Parameters(index = "1", paramLabel = "JSON") String value;
    @Option(names = "--price", paramLabel = "N", description = "What a subscription costs (default 0: free).") String price;
    @Option(names = "--json") boolean json;

    public Integer call() {
      ObjectNode b = CanonicalJson.object().put("feed", feed).put("price", price == null ? 0 : amount(price));
      b.set("value", parseJson(value, "the value"));
      JsonNode r = client().post("/v1/oracles", CanonicalJson.encode(b));
      if (json) Output.json(out(), r);
      else out().printf("published %s (price %d)%n", feed, r.path("price").asLong());
      return 0;
    }
  }

  @Command(name = "subscribe", mixinStandardHelpOptions = true, description = "Pay FEED's price to its publisher to read it.")
  static final class Subscribe extends OracleSub {
    @Parameters(paramLabel = "FEED") String feed;
    @Option(names = "--json") boolean json;

    public Integer call() {
      JsonNode r = client().post("/v1/oracles/" + WattCommand.enc(feed) + "/subscribe", new byte[0]);
      if (json) Output.json(out(), r);
      else out().printf("subscribed to %s (publisher %s)%n", feed, r.path("publisher").asText());
      return 0;
    }
  }

  @Command(name = "read", mixinStandardHelpOptions = true, description = "The latest value of FEED with its publisher's signature (subscribers only).")
  static final class Read extends OracleSub {
    @Parameters(paramLabel = "FEED") String feed;
    @Option(names = "--json") boolean json;

    public Integer call() {
      JsonNode r = client().get("/v1/oracles/" + WattCommand.enc(feed));
      if (json) Output.json(out(), r);
      else out().printf("%s = %s (signed by %s)%n", feed, CanonicalJson.encodeString(r.path("value")), r.path("publisher").asText());
      return 0;
    }
  }
}
