package dev.wattswarm.social;

import dev.wattswarm.kernel.social.ContactCard;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.social.crypto.AgreementKey;
import dev.wattswarm.social.dm.DirectMessages;
import dev.wattswarm.social.relationship.Relationships;
import java.security.SecureRandom;

/** A node's relationships and DMs, started after its network and closed with the node. */
public final class Social implements AutoCloseable {
  private final Relationships relationships;
  private final DirectMessages dms;

  private Social(Relationships relationships, DirectMessages dms) {
    this.relationships = relationships;
    this.dms = dms;
  }

  /** @param net the node's network, or null (relationships are then local only and DMs refused) */
  public static Social start(Node node, NetworkRuntime net, SecureRandom random) {
    AgreementKey key = AgreementKey.loadOrCreate(node.stateDir().file(AgreementKey.FILE), random);
    ContactCard card = ContactCard.sign(node.key(), node.networkId(), key.publicKey());
    Relationships rels = new Relationships(node.log(), card);
    DirectMessages dms = new DirectMessages(node.log(), rels, key, net == null ? null : net.sync(), random);
    if (net != null) net.substrate().topicPeerFilter(dms::allowedInTree);
    return node.manage(new Social(rels, dms));
  }

  public Relationships relationships() {
    return relationships;
  }

  public DirectMessages dms() {
    return dms;
  }

  @Override
  public void close() {
    relationships.close();
  }
}
