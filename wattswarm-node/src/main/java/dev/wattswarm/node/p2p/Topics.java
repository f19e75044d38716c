package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import java.util.Locale;

/** Topic names: {@code {network_id}.{scope}.{kind}}, e.g. {@code local:z6Mk….region:eu-1.events}. */
public final class Topics {
  private Topics() {}

  public static String of(String networkId, Scope scope, EventKind kind) {
    return networkId + "." + scope + "." + kind.name().toLowerCase(Locale.ROOT);
  }
}
