package dev.wattswarm.server.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.discovery.DiscoveryService;
import dev.wattswarm.node.discovery.Refusal;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.NodeRecordBook;
import dev.wattswarm.server.ApiException;
import dev.wattswarm.server.publicapi.PublicErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * Discovery v1 on the public listener, under {@code /api/network/discovery}: {@code POST /records}
 * (a signed record; refused with a 4xx and a reason, and not stored, when forged, expired,
 * oversized, malformed, for another network or older than the one held), {@code GET /records}
 * (every live record, for nodes that poll this URL), {@code GET /node/{node_id}},
 * {@code GET /nearby?lat=&lon=&radius_km=} (great-circle distance, nearest first) and
 * {@code GET /capability?capability=}. Answers are one record, or {@code {"records": [...]}}.
 */
public final class DiscoveryRoutes {
  public static final String BASE = "/api/network/discovery";
  /** Half the Earth's circumference: every point is within it. */
  static final double MAX_RADIUS_KM = 20_038;

  private final DiscoveryService discovery;

  public DiscoveryRoutes(DiscoveryService discovery) {
    this.discovery = discovery;
  }

  public void register(RoutesConfig r) {
    r.post(BASE + "/records", this::post);
    r.get(BASE + "/records", this::list);
    r.get(BASE + "/node/{node_id}", this::node);
    r.get(BASE + "/nearby", this::nearby);
    r.get(BASE + "/capability", this::capability);
  }

  private void post(Context ctx) {
    try {
      // new node ids are charged to the client's address (IPv6 by /64), as the rate limit counts it
      String client = "addr:" + dev.wattswarm.server.publicapi.ClientLimiter.key(ctx.req().getRemoteAddr());
      NodeRecordBook.Outcome o = discovery.submit(ctx.bodyAsBytes(), true, client, true);
      ObjectNode body = CanonicalJson.object().put("status", o == NodeRecordBook.Outcome.STORED ? "stored" : "unchanged");
      json(ctx.status(o == NodeRecordBook.Outcome.STORED ? 201 : 200), body);
    } catch (Refusal r) {
      PublicErrors.send(ctx, r.status(), r.code(), r.getMessage());
    }
  }

  private void list(Context ctx) {
    int limit = intParam(ctx, "limit", 100, 1, discovery.config().maxResults());
    json(ctx, records(discovery.all(limit)));
  }

  private void node(Context ctx) {
    String raw = ctx.pathParam("node_id");
    NodeId id;
    try {
      id = NodeId.parse(raw);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("node_id", "node_id '" + clip(raw) + "' is not a node id (z6Mk...)");
    }
    NodeRecord r = discovery.node(id).orElseThrow(() -> ApiException.notFound("no live discovery record of " + id));
    json(ctx, r.toJson());
  }

  private void nearby(Context ctx) {
    double lat = number(ctx, "lat", -90, 90);
    double lon = number(ctx, "lon", -180, 180);
    double radius = number(ctx, "radius_km", 0, MAX_RADIUS_KM);
    json(ctx, records(discovery.nearby(new NodeRecord.Location(lat, lon), radius)));
  }

  private void capability(Context ctx) {
    String c = ctx.queryParam("capability");
    if (c == null || c.isBlank()) throw ApiException.badRequest("capability", "capability is required: ?capability=NAME");
    if (c.length() > 128) throw ApiException.badRequest("capability", "capability is over 128 characters");
    json(ctx, records(discovery.capability(c)));
  }

  private static ObjectNode records(List<NodeRecord> list) {
    ObjectNode o = CanonicalJson.object();
    ArrayNode a = o.putArray("records");
    list.forEach(r -> a.add(r.toJson()));
    return o;
  }

  private static void json(Context ctx, ObjectNode body) {
    ctx.contentType("application/json").header("Cache-Control", "no-store").result(CanonicalJson.encode(body));
  }

  private static double number(Context ctx, String name, double min, double max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) throw ApiException.badRequest(name, name + " is required (a number from " + min + " to " + max + ")");
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, name + " '" + clip(v) + "' is not a number");
    }
    if (!(d >= min && d <= max)) throw ApiException.badRequest(name, name + " " + d + " is outside " + min + ".." + max);
    return d;
  }

  private static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) return dflt;
    try {
      int i = Integer.parseInt(v.trim());
      if (i < min) throw new NumberFormatException();
      return Math.min(i, max);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, name + " '" + clip(v) + "' must be a whole number of at least " + min);
    }
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
