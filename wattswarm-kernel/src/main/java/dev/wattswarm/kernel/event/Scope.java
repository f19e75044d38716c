package dev.wattswarm.kernel.event;

import java.util.regex.Pattern;

/**
 * Where an event travels: {@code global}, {@code region:<id>}, {@code node:<id>} or
 * {@code group:<id>}. Ids are restricted to a topic-safe alphabet because scopes become topic names.
 */
public record Scope(Kind kind, String id) {
  public enum Kind { GLOBAL, REGION, NODE, GROUP }

  public static final Scope GLOBAL = new Scope(Kind.GLOBAL, "");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");

  public Scope {
    if (kind == Kind.GLOBAL) {
      id = "";
    } else if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "scope id '" + id + "' must be 1-128 characters of letters, digits, '.', '_' or '-'");
    }
  }

  /** Parses the string form; {@code null} or blank means global. */
  public static Scope parse(String text) {
    if (text == null || text.isBlank() || text.equals("global")) return GLOBAL;
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "scope '" + text + "' must be global, region:<id>, node:<id> or group:<id>");
    }
    return of(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The object form's {@code kind} and {@code id}. */
  public static Scope of(String kind, String id) {
    Kind k =
        switch (kind == null ? "" : kind) {
          case "global" -> Kind.GLOBAL;
          case "region" -> Kind.REGION;
          case "node" -> Kind.NODE;
          case "group" -> Kind.GROUP;
          default ->
              throw new IllegalArgumentException(
                  "scope kind '" + kind + "' must be one of global, region, node, group");
        };
    return new Scope(k, id);
  }

  @Override
  public String toString() {
    return kind == Kind.GLOBAL ? "global" : kind.name().toLowerCase() + ":" + id;
  }
}
