package dev.wattswarm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced blocks of a Markdown file with the {@code <!-- readme-test: ... -->} directives
 * written on the lines right above each (see docs/readme-test.md):
 * <ul>
 *   <li>{@code background "TEXT"}: lines containing TEXT run in the background; a {@code node up}
 *       among them is waited for until its state dir's runtime.json appears</li>
 *   <li>{@code fails "TEXT"}: lines containing TEXT must fail, with a one-line error</li>
 *   <li>{@code skip-line "TEXT": REASON}: lines containing TEXT are not run</li>
 *   <li>{@code skip: REASON}: the block is not run</li>
 *   <li>{@code file PATH}: the block's text is written to PATH (for JSON examples later blocks use)</li>
 * </ul>
 * Several directives go in one comment separated by {@code ;}, or in several comments.
 */
record ReadmeBlocks(List<Block> blocks) {
  /** One fenced block: where it starts (1-based line of its first content line), language, lines, directives. */
  record Block(int firstLine, String lang, List<String> lines, List<String> background, List<String> fails,
      List<String> skipLines, String skip, String file) {
    boolean shell() {
      return lang.equals("sh") || lang.equals("bash") || lang.equals("shell");
    }
  }

  private static final Pattern DIRECTIVE = Pattern.compile("^<!--\\s*readme-test:\\s*(.*?)\\s*-->\\s*$");
  private static final Pattern QUOTED = Pattern.compile("^(background|fails|skip-line)\\s+\"([^\"]+)\"(?::.*)?$");

  static ReadmeBlocks parse(String markdown) {
    List<Block> out = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher d = DIRECTIVE.matcher(line.strip());
      if (d.matches()) {
        for (String part : d.group(1).split(";")) if (!part.isBlank()) pending.add(part.strip());
        continue;
      }
      if (line.startsWith("```") && line.length() > 3) {
        String lang = line.substring(3).strip();
        List<String> body = new ArrayList<>();
        int start = i + 2;
        for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.add(lines[i]);
        out.add(block(start, lang, body, pending));
        pending = new ArrayList<>();
        continue;
      }
      if (!line.isBlank()) {
        if (!pending.isEmpty()) throw new IllegalArgumentException("readme-test directive " + pending + " is not right above a code block");
      }
    }
    return new ReadmeBlocks(List.copyOf(out));
  }

  private static Block block(int start, String lang, List<String> body, List<String> directives) {
    List<String> bg = new ArrayList<>();
    List<String> fails = new ArrayList<>();
    List<String> skipLines = new ArrayList<>();
    String skip = null;
    String file = null;
    for (String d : directives) {
      Matcher q = QUOTED.matcher(d);
      if (q.matches()) {
        (switch (q.group(1)) {
          case "background" -> bg;
          case "fails" -> fails;
          default -> skipLines;
        }).add(q.group(2));
      } else if (d.startsWith("skip:")) {
        skip = d.substring(5).strip();
        if (skip.isEmpty()) throw new IllegalArgumentException("line " + start + ": skip needs a reason");
      } else if (d.startsWith("file ")) {
        file = d.substring(5).strip();
      } else {
        throw new IllegalArgumentException("line " + start + ": unknown readme-test directive '" + d + "'");
      }
    }
    return new Block(start, lang, List.copyOf(body), bg, fails, skipLines, skip, file);
  }
}
