package dev.wattswarm.node.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code startup_config.json}: what a node remembers between runs about how to start: its network
 * mode and bootstrap contacts (written by {@code node add-bootstrap-contact}).
 */
public record StartupConfig(Optional<Mode> mode, List<Contact> contacts) {
  public static StartupConfig read(StateDir dir) {
    Path f = dir.file(StateDir.STARTUP_CONFIG);
    if (!Files.exists(f)) return new StartupConfig(Optional.empty(), List.of());
    JsonNode j;
    try {
      j = CanonicalJson.parse(Files.readAllBytes(f));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(f + " is not valid JSON (" + e.getMessage() + "); fix or remove it");
    }
    Optional<Mode> mode = j.hasNonNull("mode") ? Optional.of(Mode.parse(j.get("mode").asText())) : Optional.empty();
    List<Contact> contacts = new ArrayList<>();
    for (JsonNode c : j.path("bootstrap_contacts")) contacts.add(Contact.parse(c.asText()));
    return new StartupConfig(mode, List.copyOf(contacts));
  }

  /** Adds a contact (once) and sets the mode to wan, as the seed's walk-through describes. */
  public StartupConfig withContact(Contact c) {
    List<Contact> cs = new ArrayList<>(contacts);
    if (cs.stream().noneMatch(x -> x.nodeId().equals(c.nodeId()) && x.address().equals(c.address()))) cs.add(c);
    return new StartupConfig(Optional.of(Mode.WAN), List.copyOf(cs));
  }

  /**
   * Removes a contact (all of them when {@code c} is null). The mode stays: the node still belongs
   * to the network it joined; {@code node up --mode} overrides it.
   */
  public StartupConfig withoutContact(Contact c) {
    List<Contact> cs = new ArrayList<>(contacts);
    if (c == null) cs.clear();
    else cs.removeIf(x -> x.nodeId().equals(c.nodeId()) && x.address().equals(c.address()));
    return new StartupConfig(mode, List.copyOf(cs));
  }

  public void write(StateDir dir) {
    ObjectNode o = CanonicalJson.object();
    mode.ifPresent(m -> o.put("mode", m.wire()));
    ArrayNode arr = o.putArray("bootstrap_contacts");
    for (Contact c : contacts) arr.add(c.toString());
    try {
      dir.writeFile(StateDir.STARTUP_CONFIG, CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
