package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * JSON the user typed or named: one reading rule for every command, so a missing file or malformed
 * JSON is always bad input (exit 2) with one line that says what was wrong and what to give instead.
 */
final class JsonInput {
  private JsonInput() {}

  /** The bytes of FILE, or of stdin for "-". */
  static byte[] read(String file, String what) {
    try {
      return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new CliException(ErrorReport.BAD_INPUT, "no such file: " + file + " (give " + what + " file, or - to read stdin)");
    } catch (IOException e) {
      throw new CliException(CliException.FAILED, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The JSON in FILE (or stdin for "-"); {@code example} shows the shape expected. */
  static JsonNode file(String file, String what, String example) {
    return parse(read(file, what), file.equals("-") ? "stdin" : file, example);
  }

  /** The JSON in a command-line argument named {@code where}. */
  static JsonNode text(String text, String where, String example) {
    return parse(text.getBytes(StandardCharsets.UTF_8), where, example);
  }

  private static JsonNode parse(byte[] bytes, String where, String example) {
    try {
      return CanonicalJson.parse(bytes);
    } catch (IllegalArgumentException e) {
      throw new CliException(ErrorReport.BAD_INPUT, where + " is not valid JSON: "
          + String.valueOf(e.getMessage()).replaceFirst("^malformed JSON:? ?", "") + ". " + example);
    }
  }
}
