package dev.wattswarm.kernel.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;
import java.util.Optional;

/**
 * Keeps the {@code equivocation} projection: one document per lane proven forked ({@code author
 * scope}), holding the earliest forked position and its two event ids. Proofs are checked here,
 * not trusted from whoever published them; an invalid one changes nothing. The earliest position
 * wins whatever order proofs arrive in, so every node holding the same proofs holds the same
 * document.
 */
public final class EvidenceProjector implements Projector {
  public static final String NS = "equivocation";

  /** The document key of a lane's evidence. */
  public static String key(String author, String scope) {
    return author + " " + scope;
  }

  @Override
  public void apply(Event e, ProjectionTx tx) {
    if (!e.type().equals(EventTypes.EVIDENCE_EQUIVOCATION)) return;
    JsonNode payload;
    try {
      payload = CanonicalJson.parse(e.payload());
    } catch (RuntimeException malformed) {
      return;
    }
    Optional<EquivocationProof> proof = EquivocationProof.check(payload, e.networkId());
    if (proof.isEmpty()) return;
    EquivocationProof p = proof.get();
    String key = key(p.author(), p.scope());
    var existing = tx.get(NS, key).map(d -> CanonicalJson.parse(d.doc()));
    if (existing.isPresent()) {
      long seq = existing.get().path("seq").asLong();
      String first = existing.get().path("first").asText();
      if (seq < p.seq() || (seq == p.seq() && first.compareTo(p.first()) <= 0)) return;
    }
    ObjectNode doc = CanonicalJson.object();
    doc.put("author", p.author()).put("scope", p.scope()).put("seq", p.seq()).put("first", p.first()).put("second", p.second());
    tx.put(NS, key, "equivocation", CanonicalJson.encode(doc));
  }
}
