package dev.wattswarm.kernel.store;

/**
 * One projection document.
 *
 * @param tag a short indexed label for filtering (a task's state, say), "" when unused
 * @param doc canonical JSON bytes
 */
public record ProjectionDoc(String namespace, String key, String tag, byte[] doc) {
  public String json() {
    return new String(doc, java.nio.charset.StandardCharsets.UTF_8);
  }
}
