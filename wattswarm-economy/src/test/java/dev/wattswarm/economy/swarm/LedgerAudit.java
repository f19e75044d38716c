package dev.wattswarm.economy.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.economy.ledger.LedgerDocs;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.ProjectionDoc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's whole {@code watt} projection, read at once: its digest (what byte identity across
 * nodes is checked on), the verdict of every op by event id, and the account documents.
 */
final class LedgerAudit {
  final List<ProjectionDoc> docs;
  final String digest;
  /** Event id of every op some chain holds, to its verdict ("waiting" when not judged yet). */
  final Map<String, String> verdicts = new HashMap<>();
  /** Event id to the op document (type, owner, carrier, carrier_seq, body). */
  final Map<String, JsonNode> ops = new HashMap<>();
  final Map<String, JsonNode> accounts = new TreeMap<>();
  final Map<String, JsonNode> missions = new TreeMap<>();
  final JsonNode meta;

  LedgerAudit(EventStore store) {
    docs = all(store);
    JsonNode m = null;
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (ProjectionDoc d : docs) {
      sha.update(d.key().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(d.doc());
      sha.update((byte) 0);
      JsonNode j = CanonicalJson.parse(d.doc());
      if (d.key().startsWith("o/")) {
        String id = j.path("op").path("event").asText();
        verdicts.put(id, j.path("result").asText("waiting"));
        ops.put(id, j.path("op"));
      } else if (d.key().startsWith("a/")) {
        accounts.put(d.key().substring(2), j);
      } else if (d.key().startsWith("m/")) {
        missions.put(d.key().substring(2), j);
      } else if (d.key().equals("meta")) {
        m = j;
      }
    }
    digest = Hashes.hex(sha.digest());
    meta = m == null ? CanonicalJson.object() : m;
  }

  private static List<ProjectionDoc> all(EventStore store) {
    List<ProjectionDoc> out = new ArrayList<>();
    String after = "";
    for (List<ProjectionDoc> page; !(page = store.projections(LedgerDocs.NS, null, after, 1_000)).isEmpty(); ) {
      out.addAll(page);
      after = page.get(page.size() - 1).key();
    }
    return out;
  }

  long balance(String account) {
    JsonNode a = accounts.get(account);
    return a == null ? 0 : a.path("balance").asLong();
  }

  /** Applied or refused ops by verdict, over the chains of {@code owners}. */
  Map<String, Integer> verdictCounts(java.util.Set<String> owners) {
    Map<String, Integer> out = new TreeMap<>();
    for (var e : ops.entrySet()) {
      if (owners.contains(e.getValue().path("owner").asText())) out.merge(verdicts.get(e.getKey()), 1, Integer::sum);
    }
    return out;
  }

  boolean conserved() {
    long supply = meta.path("supply").asLong();
    return supply > 0 && supply == meta.path("balances").asLong() + meta.path("escrowed").asLong() + meta.path("in_flight").asLong();
  }

  /** Every account's balance, escrow and pending sum, and the global sums, are at least 0. */
  boolean nonNegative() {
    for (JsonNode a : accounts.values()) {
      if (a.path("balance").asLong() < 0 || a.path("escrowed").asLong() < 0 || a.path("pending").asLong() < 0) return false;
    }
    return meta.path("balances").asLong() >= 0 && meta.path("escrowed").asLong() >= 0 && meta.path("in_flight").asLong() >= 0;
  }

  /** Where the two projections differ, for a failure message: the first few differing keys. */
  static String diff(LedgerAudit a, LedgerAudit b) {
    Map<String, String> x = new TreeMap<>();
    for (ProjectionDoc d : a.docs) x.put(d.key(), d.json());
    Map<String, String> y = new TreeMap<>();
    for (ProjectionDoc d : b.docs) y.put(d.key(), d.json());
    StringBuilder s = new StringBuilder();
    int n = 0;
    java.util.TreeSet<String> keys = new java.util.TreeSet<>(x.keySet());
    keys.addAll(y.keySet());
    for (String k : keys) {
      if (java.util.Objects.equals(x.get(k), y.get(k))) continue;
      s.append("\n  ").append(k).append(": ").append(x.get(k)).append("\n  vs ").append(y.get(k));
      if (++n == 6) break;
    }
    return s.toString();
  }
}
