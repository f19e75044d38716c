package dev.wattswarm.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's files, read from the jar once at start: {@code assets/files.txt} lists them, and
 * every {@code views/*.js} it lists becomes a script of the page, so a new view is one file and
 * one line. Only listed files are ever served: a request cannot name anything else on the class
 * path.
 */
final class Assets {
  private static final String BASE = "/dev/wattswarm/console/assets/";

  /** A file's bytes and content type. */
  record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> files = new LinkedHashMap<>();
  private final List<String> views = new ArrayList<>();
  private final String shell;

  Assets() {
    for (String line : new String(read("files.txt"), StandardCharsets.UTF_8).split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) continue;
      files.put(name, new Asset(read(name), type(name)));
      if (name.startsWith("views/") && name.endsWith(".js")) views.add(name);
    }
    StringBuilder scripts = new StringBuilder();
    for (String v : views) scripts.append("<script defer src=\"/supervision/assets/").append(v).append("\"></script>\n");
    shell = new String(read("index.html"), StandardCharsets.UTF_8).replace("<!--views-->", scripts.toString().strip());
  }

  /** The listed file called {@code name} ("console.js", "views/tasks.js"), or null. */
  Asset get(String name) {
    return files.get(name);
  }

  List<String> views() {
    return List.copyOf(views);
  }

  /** The page, with {@code notice} (HTML-escaped here) shown above the login form; "" for none. */
  String page(String notice) {
    return shell.replace("<!--notice-->", escape(notice));
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static byte[] read(String name) {
    try (InputStream in = Assets.class.getResourceAsStream(BASE + name)) {
      if (in == null) throw new IllegalStateException("console asset " + name + " is missing from the jar (listed in files.txt?)");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String type(String name) {
    if (name.endsWith(".js")) return "text/javascript; charset=utf-8";
    if (name.endsWith(".css")) return "text/css; charset=utf-8";
    if (name.endsWith(".html")) return "text/html; charset=utf-8";
    if (name.endsWith(".svg")) return "image/svg+xml";
    return "application/octet-stream";
  }
}
