-- The signed event log, lane heads and projection documents. Shared by SQLite and PostgreSQL.
CREATE TABLE ws_meta (
  k ${text} PRIMARY KEY,
  v ${text} NOT NULL
);

-- pos is the local log order; it is assigned by the single writer and is gap-free.
CREATE TABLE ws_events (
  pos ${pos} PRIMARY KEY,
  id ${bytes} NOT NULL UNIQUE,
  author ${text} NOT NULL,
  scope ${text} NOT NULL,
  lane_seq ${pos} NOT NULL,
  type ${text} NOT NULL,
  task_id ${text} NOT NULL,
  clock ${pos} NOT NULL,
  created_at_ms ${pos} NOT NULL,
  encoded ${bytes} NOT NULL
);
CREATE UNIQUE INDEX ws_events_lane ON ws_events (author, scope, lane_seq);
CREATE INDEX ws_events_task ON ws_events (task_id, pos);

CREATE TABLE ws_lanes (
  author ${text} NOT NULL,
  scope ${text} NOT NULL,
  seq ${pos} NOT NULL,
  head_id ${bytes} NOT NULL,
  PRIMARY KEY (author, scope)
);

CREATE TABLE ws_projections (
  ns ${text} NOT NULL,
  k ${text} NOT NULL,
  tag ${text} NOT NULL,
  doc ${bytes} NOT NULL,
  PRIMARY KEY (ns, k)
);
CREATE INDEX ws_projections_tag ON ws_projections (ns, tag, k);
