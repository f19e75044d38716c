package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.p2p.NetworkRuntime;

/** {@code /v1/groups}: the group scopes this node is in, joined and left at run time. */
final class GroupApi {
  private final NetworkRuntime network;

  /** @param network null when the node runs without networking (every call is then a 409) */
  GroupApi(NetworkRuntime network) {
    this.network = network;
  }

  void register(Router r) {
    r.get("/v1/groups", req -> {
      ObjectNode o = CanonicalJson.object();
      ArrayNode arr = o.putArray("groups");
      if (network != null) for (Scope g : network.groups()) arr.add(g.id());
      return o;
    });
    r.post("/v1/groups/{id}/{action}", req -> {
      if (network == null) throw new ApiException(409, "offline", "groups need networking; start the node in network/lan/wan mode", null);
      String id = req.path("id");
      boolean changed;
      try {
        changed = switch (req.path("action")) {
          case "join" -> network.joinGroup(id);
          case "leave" -> network.leaveGroup(id);
          default -> throw ApiException.badRequest("action", "action '" + req.path("action") + "' must be join or leave");
        };
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("id", e.getMessage());
      }
      return CanonicalJson.object().put("group", id).put("scope", "group:" + id).put("changed", changed);
    });
  }
}
