package dev.wattswarm.kernel.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One JSON form per value: object keys sorted by code point, no insignificant whitespace, numbers
 * as Jackson writes them. Payloads are hashed and signed, so two nodes must produce the same bytes.
 */
public final class CanonicalJson {
  /** Shared mapper; strict about duplicate keys and trailing tokens so forged payloads fail loudly. */
  public static final ObjectMapper MAPPER = newMapper();

  private CanonicalJson() {}

  private static ObjectMapper newMapper() {
    JsonFactory f =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(4 << 20).build())
            .build();
    ObjectMapper m = new ObjectMapper(f);
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    return m;
  }

  public static byte[] encode(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String encodeString(JsonNode node) {
    return new String(encode(node), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Any Jackson-serialisable value (records, maps) in canonical form. */
  public static byte[] encodeValue(Object value) {
    return encode(MAPPER.valueToTree(value));
  }

  /**
   * Parses JSON text strictly.
   *
   * @throws IllegalArgumentException saying what is wrong and at which line and column, on malformed input
   */
  public static JsonNode parse(byte[] json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || n.isMissingNode()) throw new IllegalArgumentException("empty JSON document");
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(describe(e));
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  /**
   * "malformed JSON at line L, column C: what", without the parser's internals (source
   * descriptions, feature names): the reader needs the position of the problem, not ours.
   */
  static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
    String what = firstLine(e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage());
    what = what.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
        .replaceAll("\\s*at \\[Source:[^\\]]*\\]", "")
        .replaceAll("\\s*\\(for [A-Za-z.$]+\\)", "")
        .replaceAll("\\s*\\(through reference chain:[^)]*\\)", "")
        .replace("Unexpected end-of-input", "the document ends too early")
        .strip();
    var loc = e.getLocation();
    if (loc == null || loc.getLineNr() < 1) return "malformed JSON: " + what;
    return "malformed JSON at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + what;
  }

  public static JsonNode parse(String json) {
    return parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  private static String firstLine(String m) {
    if (m == null) return "unreadable";
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static void write(JsonGenerator g, JsonNode n) throws IOException {
    switch (n.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(n.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) fields.add(it.next());
        fields.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, JsonNode> e : fields) {
          g.writeFieldName(e.getKey());
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode c : n) write(g, c);
        g.writeEndArray();
      }
      default -> g.writeTree(n);
    }
  }
}
