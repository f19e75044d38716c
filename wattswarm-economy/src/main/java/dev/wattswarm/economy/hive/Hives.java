package dev.wattswarm.economy.hive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.EconomyException.Kind;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.evidence.EvidenceProjector;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.node.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hives on this node: topic-scoped coordination groups. Membership is the {@link HiveProjector}
 * projection of signed {@code hive.*} events (the same on every node that holds the same events);
 * a member also subscribes to the group scope {@code group:hive-<id>}, where the hive's own
 * traffic travels, when the node runs networked.
 */
public final class Hives {
  private final Node node;
  private volatile java.util.function.Consumer<String> joinGroup = g -> {};
  private volatile java.util.function.Consumer<String> leaveGroup = g -> {};
  private final Object changing = new Object();
  private final HiveMessages messages = new HiveMessages(this);

  public Hives(Node node) {
    this.node = node;
  }

  /**
   * Hooks the network's group scopes in (set by the host once networking runs).
   *
   * @param join joins a group scope by id; throws IllegalArgumentException when it cannot
   */
  public void groupScopes(java.util.function.Consumer<String> join, java.util.function.Consumer<String> leave) {
    this.joinGroup = join;
    this.leaveGroup = leave;
  }

  /** Posting and reading a hive's messages. */
  public HiveMessages messages() {
    return messages;
  }

  /** The group scope id a hive's traffic travels in. */
  public static String groupId(String hive) {
    return "hive-" + hive;
  }

  public ObjectNode create(String id, String topic) {
    checkId(id);
    String t = topic == null || topic.isBlank() ? id : topic.strip();
    if (!HiveEvents.validTopic(t)) {
      throw new EconomyException(Kind.BAD_INPUT, "topic", "a hive topic is 1-" + HiveEvents.MAX_TOPIC + " characters without control characters");
    }
    synchronized (changing) {
      Optional<ObjectNode> doc = doc(id);
      if (doc.isPresent() && doc.get().has("created")) {
        throw new EconomyException(Kind.CONFLICT, "id", "hive " + id + " exists (created by " + doc.get().path("created").path("by").asText()
            + "); `hive join " + id + "` joins it");
      }
      checkQuota(id);
      enterGroup(id);
      node.log().publish(Scope.GLOBAL, EventKind.MESSAGES, HiveEvents.CREATED, "", CanonicalJson.object().put("hive", id).put("topic", t));
      return show(id);
    }
  }

  public ObjectNode join(String id) {
    checkId(id);
    synchronized (changing) {
      ObjectNode doc = known(id);
      boolean changed = !isMember(doc, me());
      if (changed) {
        checkQuota(id);
        enterGroup(id);
        node.log().publish(Scope.GLOBAL, EventKind.MESSAGES, HiveEvents.JOINED, "", CanonicalJson.object().put("hive", id));
      }
      return show(id).put("changed", changed);
    }
  }

  public ObjectNode leave(String id) {
    checkId(id);
    synchronized (changing) {
      ObjectNode doc = known(id);
      if (!isMember(doc, me())) {
        throw new EconomyException(Kind.CONFLICT, "id", "this node is not a member of hive " + id + "; `hive members " + id + "` lists them");
      }
      node.log().publish(Scope.GLOBAL, EventKind.MESSAGES, HiveEvents.LEFT, "", CanonicalJson.object().put("hive", id));
      leaveGroup.accept(groupId(id));
      return show(id).put("changed", true);
    }
  }

  /** Every hive this node knows, by id: {@code {"hives": [{hive, topic, created_by, members, member}]}}. */
  public ObjectNode list() {
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("hives");
    String after = null;
    for (List<ProjectionDoc> page; !(page = node.store().projections(HiveProjector.NS, null, after, 500)).isEmpty(); ) {
      for (ProjectionDoc d : page) {
        ObjectNode doc = (ObjectNode) CanonicalJson.parse(d.doc());
        if (doc.has("created")) arr.add(summary(doc));
        after = d.key();
      }
      if (arr.size() >= 10_000) break;
    }
    return o;
  }

  /** One hive with its members: {@code {hive, topic, created_by, created_at_ms, member, members: [{node, since_ms}]}}. */
  public ObjectNode show(String id) {
    checkId(id);
    ObjectNode doc = known(id);
    ObjectNode o = summary(doc);
    o.put("created_at_ms", doc.path("created").path("at_ms").asLong());
    o.remove("members");
    ArrayNode arr = o.putArray("members");
    for (Map.Entry<String, JsonNode> m : members(doc)) {
      if (isMember(doc, m.getKey())) arr.addObject().put("node", m.getKey()).put("since_ms", m.getValue().path("at_ms").asLong());
    }
    return o;
  }

  /** The member node ids of a hive, sorted (what a mission posted to it lists). */
  public List<String> memberIds(String id) {
    checkId(id);
    ObjectNode doc = known(id);
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> m : members(doc)) if (isMember(doc, m.getKey())) out.add(m.getKey());
    out.sort(null);
    return out;
  }

  public boolean isMember(String id) {
    return doc(id).map(d -> d.has("created") && isMember(d, me())).orElse(false);
  }

  /** How many hives this node is a member of, for {@code node status}. */
  public int memberOf() {
    int n = 0;
    for (JsonNode h : list().path("hives")) if (h.path("member").asBoolean()) n++;
    return n;
  }

  private ObjectNode summary(ObjectNode doc) {
    int n = 0;
    for (Map.Entry<String, JsonNode> m : members(doc)) if (isMember(doc, m.getKey())) n++;
    ObjectNode o = CanonicalJson.object();
    o.put("hive", doc.path("hive").asText()).put("topic", doc.path("created").path("topic").asText())
        .put("created_by", doc.path("created").path("by").asText()).put("scope", "group:" + groupId(doc.path("hive").asText()))
        .put("member_count", n).put("member", isMember(doc, me()));
    return o;
  }

  /** A node's events for more hives than the projection keeps would be ignored everywhere: say so instead. */
  private void checkQuota(String id) {
    var touched = node.store().projection(HiveProjector.BY_NODE, me()).map(d -> CanonicalJson.parse(d.doc()).path("hives"))
        .orElse(CanonicalJson.MAPPER.createArrayNode());
    for (JsonNode h : touched) if (h.asText().equals(id)) return;
    if (touched.size() >= HiveProjector.MAX_HIVES_PER_NODE) {
      throw new EconomyException(Kind.CONFLICT, "id", "this node has taken part in " + touched.size() + " hives, the most one node may"
          + " (leaving does not free a place); use a hive it is already in");
    }
  }

  private void enterGroup(String id) {
    try {
      joinGroup.accept(groupId(id));
    } catch (IllegalArgumentException e) {
      throw new EconomyException(Kind.CONFLICT, "id", "cannot join the hive's group scope: " + e.getMessage());
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> members(ObjectNode doc) {
    return () -> doc.path("members").fields();
  }

  /**
   * In, by the projection, and not proven to have forked its global lane at or before the event
   * that let it in: nodes that kept different branches of a forked lane would otherwise disagree,
   * and with the proof (which spreads to every node) they all leave the forker out.
   */
  private boolean isMember(ObjectNode doc, String node) {
    JsonNode m = doc.path("members").path(node);
    if (!m.path("in").asBoolean(false)) return false;
    long forkedFrom = this.node.store().projection(EvidenceProjector.NS, EvidenceProjector.key(node, "global"))
        .map(d -> CanonicalJson.parse(d.doc()).path("seq").asLong(Long.MAX_VALUE)).orElse(Long.MAX_VALUE);
    return m.path("seq").asLong() < forkedFrom;
  }

  /**
   * The projection's entry for {@code node} in {@code hive} (null when it never took part), with
   * {@code in} false when the node is proven to have forked its lane at or before that entry.
   */
  JsonNode memberEntry(String hive, String node) {
    ObjectNode doc = doc(hive).filter(d -> d.has("created")).orElse(null);
    if (doc == null || !doc.path("members").has(node)) return null;
    ObjectNode m = ((ObjectNode) doc.path("members").get(node)).deepCopy();
    if (m.path("in").asBoolean(false) && !isMember(doc, node)) m.put("in", false).put("forked", true);
    return m;
  }

  Node node() {
    return node;
  }

  private String me() {
    return node.nodeId().toString();
  }

  private Optional<ObjectNode> doc(String id) {
    return node.store().projection(HiveProjector.NS, id).map(d -> (ObjectNode) CanonicalJson.parse(d.doc()));
  }

  private ObjectNode known(String id) {
    return doc(id).filter(d -> d.has("created")).orElseThrow(() -> new EconomyException(Kind.NOT_FOUND, "id",
        "unknown hive " + id + ": `hive list` shows the hives this node knows; `hive create " + id + "` founds it"));
  }

  static void checkId(String id) {
    if (!HiveEvents.validId(id)) {
      String shown = id == null ? "" : (id.length() > 70 ? id.substring(0, 70) + "..." : id).replaceAll("\\p{Cntrl}", "?");
      throw new EconomyException(Kind.BAD_INPUT, "id", "bad hive name '" + shown + "': a hive id is 1-64 letters, digits, '.', '_' or '-'");
    }
  }
}
