package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code node export-contact}, {@code node add-bootstrap-contact} and {@code peers list}. */
final class NetworkCommands {
  private NetworkCommands() {}

  @Command(name = "export-contact", mixinStandardHelpOptions = true,
      description = "Print this running node's bootstrap contact, <node_id>@<host:port>, with the port it actually listens on.")
  static final class ExportContact implements Callable<Integer> {
    @ParentCommand NodeCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      RuntimeInfo rt = ControlClient.running(parent.main.stateDir());
      if (rt.p2pAddr() == null || rt.p2pAddr().isEmpty()) {
        throw new CliException(CliException.FAILED, "the node runs without networking (mode " + rt.mode()
            + "); start it with `node up --mode network` (or lan/wan) and WATTSWARM_P2P_ENABLED=true");
      }
      if (json) {
        Output.json(spec.commandLine().getOut(), dev.wattswarm.kernel.json.CanonicalJson.object()
            .put("contact", rt.nodeId() + "@" + rt.p2pAddr()).put("node_id", rt.nodeId()).put("address", rt.p2pAddr()));
      } else {
        spec.commandLine().getOut().println(rt.nodeId() + "@" + rt.p2pAddr());
      }
      return 0;
    }
  }

  @Command(name = "add-bootstrap-contact", mixinStandardHelpOptions = true,
      description = "Store a bootstrap contact in startup_config.json and set the mode to wan; the next `node up` joins through it.")
  static final class AddBootstrapContact implements Callable<Integer> {
    @ParentCommand NodeCommand parent;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "CONTACT", description = "<node_id>@<host:port>, as printed by `node export-contact`.") String contact;

    @Override
    public Integer call() {
      StateDir dir = parent.main.stateDir();
      Contact c;
      try {
        c = Contact.parse(contact);
      } catch (IllegalArgumentException e) {
        throw new CliException(CliException.FAILED, e.getMessage());
      }
      StartupConfig sc;
      try {
        sc = StartupConfig.read(dir);
      } catch (IllegalArgumentException e) {
        throw new CliException(CliException.FAILED, e.getMessage());
      }
      dir.ensureWritable();
      sc.withContact(c).write(dir);
      var out = spec.commandLine().getOut();
      out.println("added bootstrap contact " + c + " to " + dir.file(StateDir.STARTUP_CONFIG) + " (mode wan)");
      if (dir.runtime().isPresent()) out.println("the running node picks it up on its next `node up`");
      return 0;
    }
  }

  @Command(name = "remove-bootstrap-contact", mixinStandardHelpOptions = true,
      description = "Remove a bootstrap contact from startup_config.json (--all removes every one).")
  static final class RemoveBootstrapContact implements Callable<Integer> {
    @ParentCommand NodeCommand parent;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "CONTACT", arity = "0..1", description = "<node_id>@<host:port>, as stored.") String contact;
    @Option(names = "--all", description = "Remove every stored contact.") boolean all;

    @Override
    public Integer call() {
      StateDir dir = parent.main.stateDir();
      if ((contact == null) == !all) throw new CliException(2, "name one CONTACT to remove, or pass --all");
      Contact c;
      try {
        c = all ? null : Contact.parse(contact);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      StartupConfig sc = StartupConfig.read(dir);
      StartupConfig after = sc.withoutContact(c);
      if (after.contacts().size() == sc.contacts().size()) {
        throw new CliException(CliException.FAILED, (all ? "no bootstrap contacts" : "no bootstrap contact " + contact)
            + " in " + dir.file(StateDir.STARTUP_CONFIG) + "; stored: " + (sc.contacts().isEmpty() ? "none" : sc.contacts()));
      }
      after.write(dir);
      spec.commandLine().getOut().println("removed " + (sc.contacts().size() - after.contacts().size())
          + " bootstrap contact(s); " + after.contacts().size() + " left in " + dir.file(StateDir.STARTUP_CONFIG));
      return 0;
    }
  }

  @Command(name = "peers", mixinStandardHelpOptions = true, description = "The swarm as this node sees it.",
      subcommands = {PeersList.class})
  static final class Peers {
    @ParentCommand Main main;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Connected peers: node id and address.")
  static final class PeersList implements Callable<Integer> {
    @ParentCommand Peers parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/peers");
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, r);
        return 0;
      }
      if (r.path("peers").isEmpty()) {
        out.println("no peers (local mode, or not connected yet)");
        return 0;
      }
      out.printf("%-50s %-22s %s%n", "NODE", "ADDRESS", "STATUS");
      for (JsonNode p : r.path("peers")) {
        out.printf("%-50s %-22s %s%n", p.path("node_id").asText(), p.path("address").asText(), p.path("status").asText());
      }
      return 0;
    }
  }
}
