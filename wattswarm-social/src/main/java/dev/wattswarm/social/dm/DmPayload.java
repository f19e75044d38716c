package dev.wattswarm.social.dm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.social.crypto.DmCipher;
import java.util.Base64;

/**
 * The payload of a DM's {@code TopicMessagePosted}: feed, addressee, salt and ciphertext, nothing
 * in clear but who talks to whom (which the thread's scope says anyway).
 */
public record DmPayload(String to, DmCipher.Sealed sealed) {
  public static final String FEED = "wattswarm.dm";
  /** Largest text a DM may carry (UTF-8 bytes). */
  public static final int MAX_TEXT_BYTES = 8 * 1024;
  public static final int MAX_CIPHERTEXT_BYTES = MAX_TEXT_BYTES + DmCipher.TAG_BYTES;

  /** Why a payload is refused, as a counter reason. */
  public static final class Malformed extends Exception {
    final String reason;

    Malformed(String reason) {
      super(reason);
      this.reason = reason;
    }
  }

  public ObjectNode toJson() {
    return CanonicalJson.object().put("feed_key", FEED).put("to", to).put("salt", Hashes.hex(sealed.salt()))
        .put("ciphertext", Base64.getEncoder().encodeToString(sealed.ciphertext()));
  }

  static DmPayload parse(byte[] payload) throws Malformed {
    JsonNode j;
    try {
      j = CanonicalJson.parse(payload);
    } catch (IllegalArgumentException e) {
      throw new Malformed("dm_malformed");
    }
    if (!FEED.equals(j.path("feed_key").asText()) || !j.path("to").isTextual() || !j.path("salt").isTextual()
        || !j.path("ciphertext").isTextual()) {
      throw new Malformed("dm_malformed");
    }
    String ct = j.get("ciphertext").asText();
    // checked before decoding: base64 of the cap, rounded up
    if (ct.length() > (MAX_CIPHERTEXT_BYTES + 2) / 3 * 4) throw new Malformed("dm_oversized");
    try {
      byte[] salt = Hashes.unhex(j.get("salt").asText());
      byte[] c = Base64.getDecoder().decode(ct);
      if (c.length > MAX_CIPHERTEXT_BYTES) throw new Malformed("dm_oversized");
      return new DmPayload(j.get("to").asText(), new DmCipher.Sealed(salt, c));
    } catch (IllegalArgumentException e) {
      throw new Malformed("dm_malformed");
    }
  }
}
