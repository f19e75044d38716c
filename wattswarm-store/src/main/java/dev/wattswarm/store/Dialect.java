package dev.wattswarm.store;

/**
 * The few places SQLite and PostgreSQL differ. Migrations are written once with {@code ${bytes}},
 * {@code ${pos}} and {@code ${text}} placeholders; everything else (upserts with ON CONFLICT,
 * substr, ORDER BY on "C"-collated text) is the same SQL on both.
 */
enum Dialect {
  SQLITE("BLOB", "INTEGER", "TEXT"),
  // "C" collation makes key order bytewise, as in SQLite, so paging and dumps agree across backends.
  POSTGRES("BYTEA", "BIGINT", "TEXT COLLATE \"C\"");

  private final String bytes;
  private final String pos;
  private final String text;

  Dialect(String bytes, String pos, String text) {
    this.bytes = bytes;
    this.pos = pos;
    this.text = text;
  }

  String render(String sql) {
    return sql.replace("${bytes}", bytes).replace("${pos}", pos).replace("${text}", text);
  }

  String backendName() {
    return this == SQLITE ? "sqlite" : "postgres";
  }
}
