package dev.wattswarm.economy.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.EconomyException.Kind;
import dev.wattswarm.economy.ledger.Amounts;
import dev.wattswarm.economy.wallet.Wallet;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.node.Node;

/**
 * Oracle feeds: a publisher signs each update ({@code oracle.published} in the global scope, so
 * updates gossip to every node); a subscriber pays the feed's price to the publisher's account in
 * the ledger and may then read the latest value with the publisher's signature. A feed belongs to
 * the node that published its first update (the lowest Lamport clock, then event id, the same on
 * every node whatever order they came in); an update by anyone else for that feed is ignored.
 */
public final class Oracles {
  public static final String PUBLISHED = "oracle.published";
  private final Node node;
  private final Wallet wallet;

  public Oracles(Node node, Wallet wallet) {
    this.node = node;
    this.wallet = wallet;
  }

  public ObjectNode publish(String feed, JsonNode value, long price) {
    checkFeed(feed);
    if (price < 0 || price > Amounts.MAX) throw new EconomyException(Kind.BAD_INPUT, "price", "price must be a whole number from 0 to " + Amounts.MAX);
    if (value == null || value.isMissingNode()) throw new EconomyException(Kind.BAD_INPUT, "value", "the feed value must be JSON");
    Event owner = updates(feed)[0];
    if (owner != null && !owner.author().equals(node.nodeId())) {
      throw new EconomyException(Kind.CONFLICT, "feed", "feed " + feed + " belongs to node " + owner.author() + "; publish under another name");
    }
    ObjectNode p = CanonicalJson.object().put("feed", feed).put("price", price);
    p.set("value", value);
    Event e = node.log().publish(Scope.GLOBAL, EventKind.EVENTS, PUBLISHED, "", p);
    return view(e);
  }

  /** Pays the feed's price to its publisher: from then on this node may read the feed. */
  public ObjectNode subscribe(String feed) {
    checkFeed(feed);
    Event[] u = updates(feed);
    if (u[0] == null) throw new EconomyException(Kind.NOT_FOUND, "feed", "no feed " + feed + " is known here yet (updates gossip; try again shortly)");
    if (subscribed(feed, u[0].author().toString())) return status(feed, u[0].author().toString(), true);
    long price = CanonicalJson.parse(u[1].payload()).path("price").asLong();
    if (price > 0 && !u[0].author().equals(node.nodeId())) {
      wallet.pay(null, u[0].author().toString(), price, CanonicalJson.object().put("oracle", feed));
    }
    return status(feed, u[0].author().toString(), true);
  }

  /** The latest signed value, for the publisher and paying subscribers only. */
  public ObjectNode read(String feed) {
    checkFeed(feed);
    Event[] u = updates(feed);
    if (u[0] == null) throw new EconomyException(Kind.NOT_FOUND, "feed", "no feed " + feed + " is known here");
    String owner = u[0].author().toString();
    long price = CanonicalJson.parse(u[1].payload()).path("price").asLong();
    if (price > 0 && !owner.equals(wallet.nodeAccount()) && !subscribed(feed, owner)) {
      throw new EconomyException(Kind.CONFLICT, "feed", "this node has not subscribed to " + feed + ": oracle subscribe " + feed
          + " pays its price (" + price + " WATT) to the publisher");
    }
    return view(u[1]);
  }

  private ObjectNode status(String feed, String owner, boolean subscribed) {
    return CanonicalJson.object().put("feed", feed).put("publisher", owner).put("subscribed", subscribed);
  }

  /** A subscription is an applied payment to the publisher naming the feed, in this node's own chain. */
  private boolean subscribed(String feed, String owner) {
    for (ObjectNode op : wallet.reader().ops(wallet.nodeAccount(), 100_000)) {
      JsonNode body = op.path("op").path("body");
      if (op.path("op").path("type").asText().equals("watt.sent") && op.path("result").asText().equals("applied")
          && body.path("to").asText().equals(owner) && body.path("oracle").asText().equals(feed)) {
        return true;
      }
    }
    return false;
  }

  /** {first update (the owner's), latest update by the owner}, or nulls. */
  private Event[] updates(String feed) {
    Event first = null;
    Event latest = null;
    java.util.List<Event> all = new java.util.ArrayList<>();
    long after = 0;
    while (true) {
      EventPage page = node.store().list(after, 1000, new EventFilter(PUBLISHED, "", ""));
      for (Event e : page.events()) {
        if (!CanonicalJson.parse(e.payload()).path("feed").asText().equals(feed)) continue;
        all.add(e);
        if (first == null || e.clock() < first.clock() || (e.clock() == first.clock() && e.id().hex().compareTo(first.id().hex()) < 0)) first = e;
      }
      if (page.events().isEmpty() || page.nextCursor() == after) break;
      after = page.nextCursor();
    }
    for (Event e : all) {
      if (first != null && e.author().equals(first.author()) && (latest == null || e.laneSeq() > latest.laneSeq())) latest = e;
    }
    return new Event[] {first, latest};
  }

  private static void checkFeed(String feed) {
    if (feed == null || !feed.matches("[A-Za-z0-9._:-]{1,128}")) {
      throw new EconomyException(Kind.BAD_INPUT, "feed", "a feed name is 1-128 letters, digits, '.', '_', ':' or '-'");
    }
  }

  private static ObjectNode view(Event e) {
    JsonNode p = CanonicalJson.parse(e.payload());
    ObjectNode o = CanonicalJson.object();
    o.put("feed", p.path("feed").asText()).put("publisher", e.author().toString()).put("price", p.path("price").asLong());
    o.set("value", p.path("value"));
    o.put("published_at_ms", e.createdAtMs()).put("event", e.id().hex()).put("signature", Hashes.hex(e.signature()));
    return o;
  }
}
