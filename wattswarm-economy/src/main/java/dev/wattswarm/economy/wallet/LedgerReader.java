package dev.wattswarm.economy.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.ledger.LedgerDocs;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.ProjectionDoc;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@code watt} projection: what every surface shows comes from here. */
public final class LedgerReader {
  private final EventStore store;

  public LedgerReader(EventStore store) {
    this.store = store;
  }

  public Optional<ObjectNode> doc(String key) {
    return store.projection(LedgerDocs.NS, key).map(d -> (ObjectNode) CanonicalJson.parse(d.doc()));
  }

  public Optional<ObjectNode> account(String account) {
    return doc("a/" + account);
  }

  public ObjectNode meta() {
    return doc("meta").orElseGet(CanonicalJson::object);
  }

  /** Credits open to {@code account}: what its owner has yet to acknowledge. */
  public List<ObjectNode> openCredits(String account, int limit) {
    return docs("open:" + account, "c/", limit);
  }

  /** The account's chain, oldest first, from op {@code afterKey} on. */
  public List<ObjectNode> ops(String account, int limit) {
    return docs("op:" + account, "o/" + account + "/", limit);
  }

  public List<ObjectNode> missions(int limit) {
    return docs("mission", "m/", limit);
  }

  private List<ObjectNode> docs(String tag, String prefix, int limit) {
    List<ObjectNode> out = new ArrayList<>();
    String after = "";
    while (out.size() < limit) {
      List<ProjectionDoc> page = store.projections(LedgerDocs.NS, tag, after, Math.min(500, limit - out.size()));
      if (page.isEmpty()) break;
      for (ProjectionDoc d : page) if (d.key().startsWith(prefix)) out.add((ObjectNode) CanonicalJson.parse(d.doc()));
      after = page.get(page.size() - 1).key();
    }
    return out;
  }

  /** {@code watt supply}: the genesis supply against where every unit is now. */
  public ObjectNode supply() {
    JsonNode m = meta();
    long supply = m.path("supply").asLong();
    long balances = m.path("balances").asLong();
    long escrowed = m.path("escrowed").asLong();
    long inFlight = m.path("in_flight").asLong();
    ObjectNode o = CanonicalJson.object();
    o.put("supply", supply).put("sum_of_balances", balances).put("escrowed", escrowed).put("in_flight", inFlight)
        .put("conserved", supply == balances + escrowed + inFlight).put("fee_bps", m.path("fee_bps").asLong())
        .put("genesis_account", m.path("genesis").asText(""));
    return o;
  }
}
