package dev.wattswarm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;

/** Printing helpers shared by commands. */
final class Output {
  private Output() {}

  static void json(PrintWriter out, JsonNode n) {
    try {
      out.println(CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  static String shortId(String id) {
    return id.length() > 14 ? id.substring(0, 14) + "…" : id;
  }

  static String duration(long ms) {
    if (ms < 1000) return ms + " ms";
    long s = ms / 1000;
    if (s < 120) return s + " s";
    long m = s / 60;
    if (m < 120) return m + " min " + (s % 60) + " s";
    return (m / 60) + " h " + (m % 60) + " min";
  }
}
