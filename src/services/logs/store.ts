/**
 * CloudWatch Logs tables and statements (the only SQL of this service).
 * - logs_groups: one row per log group (account, Region, name), retention in days or NULL (never
 *   expire), class, KMS key id (stored, not used).
 * - logs_tags: tags of log groups.
 * - logs_streams: log streams, with first/last event timestamps and the last ingestion time.
 * - logs_events: events; `id` (insertion order) breaks ties between equal timestamps, so that
 *   (ts, id) orders a stream and a group totally; event ids and GetLogEvents tokens encode it.
 * Retention: reads hide events older than the group's retention (by the Cloudbox clock); a sweep
 * deletes them (deleteExpired).
 */
import type { StorePort } from "../../core/index.js";

export const logsMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS logs_groups (
     account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
     created_ms INTEGER NOT NULL, retention_days INTEGER, kms_key_id TEXT,
     log_group_class TEXT NOT NULL DEFAULT 'STANDARD',
     PRIMARY KEY (account_id, region, name))`,
  `CREATE TABLE IF NOT EXISTS logs_tags (
     account_id TEXT NOT NULL, region TEXT NOT NULL, group_name TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
     PRIMARY KEY (account_id, region, group_name, key))`,
  `CREATE TABLE IF NOT EXISTS logs_streams (
     account_id TEXT NOT NULL, region TEXT NOT NULL, group_name TEXT NOT NULL, name TEXT NOT NULL,
     created_ms INTEGER NOT NULL, first_event_ts INTEGER, last_event_ts INTEGER, last_ingestion_ms INTEGER,
     upload_seq INTEGER NOT NULL DEFAULT 1,
     PRIMARY KEY (account_id, region, group_name, name))`,
  `CREATE TABLE IF NOT EXISTS logs_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     account_id TEXT NOT NULL, region TEXT NOT NULL, group_name TEXT NOT NULL, stream_name TEXT NOT NULL,
     ts INTEGER NOT NULL, ingestion_ms INTEGER NOT NULL, message TEXT NOT NULL, bytes INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS logs_events_stream ON logs_events (account_id, region, group_name, stream_name, ts, id)`,
  `CREATE INDEX IF NOT EXISTS logs_events_group ON logs_events (account_id, region, group_name, ts, id)`,
];

export interface Scope {
  accountId: string;
  region: string;
}

export interface GroupRow {
  account_id: string;
  region: string;
  name: string;
  created_ms: number;
  retention_days: number | null;
  kms_key_id: string | null;
  log_group_class: string;
}

export interface StreamRow {
  group_name: string;
  name: string;
  created_ms: number;
  first_event_ts: number | null;
  last_event_ts: number | null;
  last_ingestion_ms: number | null;
  upload_seq: number;
}

export interface EventRow {
  id: number;
  stream_name: string;
  ts: number;
  ingestion_ms: number;
  message: string;
}

const S = (s: Scope) => ({ a: s.accountId, r: s.region });

// ---- groups ----

export const findGroup = (store: StorePort, s: Scope, name: string): GroupRow | undefined =>
  store.get<GroupRow>(`SELECT * FROM logs_groups WHERE account_id = :a AND region = :r AND name = :n`, { ...S(s), n: name });

export const insertGroup = (store: StorePort, s: Scope, g: { name: string; created: number; kmsKeyId?: string; cls: string }): void => {
  store.run(
    `INSERT INTO logs_groups (account_id, region, name, created_ms, retention_days, kms_key_id, log_group_class)
     VALUES (:a, :r, :n, :c, NULL, :k, :cls)`,
    { ...S(s), n: g.name, c: g.created, k: g.kmsKeyId ?? null, cls: g.cls },
  );
};

export const deleteGroup = (store: StorePort, s: Scope, name: string): void => {
  const p = { ...S(s), n: name };
  store.run(`DELETE FROM logs_events WHERE account_id = :a AND region = :r AND group_name = :n`, p);
  store.run(`DELETE FROM logs_streams WHERE account_id = :a AND region = :r AND group_name = :n`, p);
  store.run(`DELETE FROM logs_tags WHERE account_id = :a AND region = :r AND group_name = :n`, p);
  store.run(`DELETE FROM logs_groups WHERE account_id = :a AND region = :r AND name = :n`, p);
};

/** Groups by name ascending after `after`, filtered by prefix (LIKE-free, exact) or case-sensitive substring. */
export const listGroups = (
  store: StorePort,
  s: Scope,
  q: { prefix?: string; contains?: string; after?: string; cls?: string[]; names?: string[]; limit: number },
): GroupRow[] => {
  const rows = store.all<GroupRow>(
    `SELECT * FROM logs_groups WHERE account_id = :a AND region = :r AND name > :after
       AND (:prefix IS NULL OR substr(name, 1, length(:prefix)) = :prefix)
       AND (:contains IS NULL OR instr(name, :contains) > 0)
     ORDER BY name LIMIT :lim`,
    { ...S(s), after: q.after ?? "", prefix: q.prefix ?? null, contains: q.contains ?? null, lim: q.cls || q.names ? -1 : q.limit },
  );
  let out = rows;
  if (q.cls) out = out.filter((g) => q.cls!.includes(g.log_group_class));
  if (q.names) out = out.filter((g) => q.names!.includes(g.name));
  return out.slice(0, q.limit);
};

export const setRetention = (store: StorePort, s: Scope, name: string, days: number | null): void => {
  store.run(`UPDATE logs_groups SET retention_days = :d WHERE account_id = :a AND region = :r AND name = :n`, { ...S(s), n: name, d: days });
};

export const storedBytes = (store: StorePort, s: Scope, name: string, minTs: number): number =>
  store.get<{ b: number | null }>(
    `SELECT SUM(bytes) AS b FROM logs_events WHERE account_id = :a AND region = :r AND group_name = :n AND ts >= :min`,
    { ...S(s), n: name, min: minTs },
  )?.b ?? 0;

// ---- tags ----

export const listTags = (store: StorePort, s: Scope, group: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const t of store.all<{ key: string; value: string }>(
    `SELECT key, value FROM logs_tags WHERE account_id = :a AND region = :r AND group_name = :g ORDER BY key`,
    { ...S(s), g: group },
  ))
    out[t.key] = t.value;
  return out;
};

export const putTags = (store: StorePort, s: Scope, group: string, tags: Record<string, string>): void => {
  for (const [k, v] of Object.entries(tags)) {
    store.run(
      `INSERT INTO logs_tags (account_id, region, group_name, key, value) VALUES (:a, :r, :g, :k, :v)
       ON CONFLICT (account_id, region, group_name, key) DO UPDATE SET value = excluded.value`,
      { ...S(s), g: group, k, v },
    );
  }
};

export const deleteTags = (store: StorePort, s: Scope, group: string, keys: string[]): void => {
  for (const k of keys) store.run(`DELETE FROM logs_tags WHERE account_id = :a AND region = :r AND group_name = :g AND key = :k`, { ...S(s), g: group, k });
};

// ---- streams ----

export const findStream = (store: StorePort, s: Scope, group: string, name: string): StreamRow | undefined =>
  store.get<StreamRow>(
    `SELECT group_name, name, created_ms, first_event_ts, last_event_ts, last_ingestion_ms, upload_seq FROM logs_streams
     WHERE account_id = :a AND region = :r AND group_name = :g AND name = :n`,
    { ...S(s), g: group, n: name },
  );

export const insertStream = (store: StorePort, s: Scope, group: string, name: string, created: number): void => {
  store.run(
    `INSERT INTO logs_streams (account_id, region, group_name, name, created_ms) VALUES (:a, :r, :g, :n, :c)`,
    { ...S(s), g: group, n: name, c: created },
  );
};

export const deleteStream = (store: StorePort, s: Scope, group: string, name: string): void => {
  const p = { ...S(s), g: group, n: name };
  store.run(`DELETE FROM logs_events WHERE account_id = :a AND region = :r AND group_name = :g AND stream_name = :n`, p);
  store.run(`DELETE FROM logs_streams WHERE account_id = :a AND region = :r AND group_name = :g AND name = :n`, p);
};

export const allStreams = (store: StorePort, s: Scope, group: string): StreamRow[] =>
  store.all<StreamRow>(
    `SELECT group_name, name, created_ms, first_event_ts, last_event_ts, last_ingestion_ms, upload_seq FROM logs_streams
     WHERE account_id = :a AND region = :r AND group_name = :g ORDER BY name`,
    { ...S(s), g: group },
  );

export const recordIngestion = (
  store: StorePort,
  s: Scope,
  group: string,
  stream: string,
  first: number,
  last: number,
  ingestion: number,
): void => {
  store.run(
    `UPDATE logs_streams SET
       first_event_ts = CASE WHEN first_event_ts IS NULL OR first_event_ts > :f THEN :f ELSE first_event_ts END,
       last_event_ts = CASE WHEN last_event_ts IS NULL OR last_event_ts < :l THEN :l ELSE last_event_ts END,
       last_ingestion_ms = :i, upload_seq = upload_seq + 1
     WHERE account_id = :a AND region = :r AND group_name = :g AND name = :n`,
    { ...S(s), g: group, n: stream, f: first, l: last, i: ingestion },
  );
};

// ---- events ----

export const insertEvents = (
  store: StorePort,
  s: Scope,
  group: string,
  stream: string,
  events: { ts: number; message: string; bytes: number }[],
  ingestion: number,
): void => {
  // Multi-row INSERTs (400 rows x 8 values per statement) keep a 10,000-event batch fast.
  const CHUNK = 400;
  for (let i = 0; i < events.length; i += CHUNK) {
    const part = events.slice(i, i + CHUNK);
    const params: (string | number)[] = [];
    for (const e of part) params.push(s.accountId, s.region, group, stream, e.ts, ingestion, e.message, e.bytes);
    store.run(
      `INSERT INTO logs_events (account_id, region, group_name, stream_name, ts, ingestion_ms, message, bytes) VALUES ${part
        .map(() => "(?, ?, ?, ?, ?, ?, ?, ?)")
        .join(", ")}`,
      params,
    );
  }
};

/** A position in (ts, id) order. */
export interface Pos {
  ts: number;
  id: number;
}

/**
 * The time bounds and the cursor as one range over the (..., ts, id) indexes. SQLite uses a single
 * lower and a single upper bound of an index range: when a cursor is tighter than the time bound,
 * only the cursor is written, or each page would scan from startTime again.
 */
const rangeClause = (q: { start: number; end: number; after?: Pos; before?: Pos }, endOp: "<" | "<="): string => {
  const lower = q.after && q.after.ts >= q.start ? "(ts, id) > (:at, :ai)" : `ts >= :start${q.after ? " AND (ts, id) > (:at, :ai)" : ""}`;
  const upper = q.before && q.before.ts <= q.end ? "(ts, id) < (:bt, :bi)" : `ts ${endOp} :end${q.before ? " AND (ts, id) < (:bt, :bi)" : ""}`;
  return `${lower} AND ${upper}`;
};

/**
 * Events of one stream within [start, end), strictly after `after` or strictly before `before`
 * (in (ts, id) order), ascending or descending, at most `limit`.
 */
export const streamEvents = (
  store: StorePort,
  s: Scope,
  q: { group: string; stream: string; start: number; end: number; after?: Pos; before?: Pos; desc: boolean; limit: number },
): EventRow[] =>
  store.all<EventRow>(
    `SELECT id, stream_name, ts, ingestion_ms, message FROM logs_events
     WHERE account_id = :a AND region = :r AND group_name = :g AND stream_name = :s
       AND ${rangeClause(q, "<")}
     ORDER BY ts ${q.desc ? "DESC" : "ASC"}, id ${q.desc ? "DESC" : "ASC"} LIMIT :lim`,
    {
      ...S(s), g: q.group, s: q.stream, start: q.start, end: q.end, lim: q.limit,
      ...(q.after ? { at: q.after.ts, ai: q.after.id } : {}), ...(q.before ? { bt: q.before.ts, bi: q.before.id } : {}),
    },
  );

/**
 * Events of a group in [start, end], optionally limited to some streams, after/before a position,
 * in batches (the caller applies the filter pattern and stops when it has enough).
 */
export const groupEvents = (
  store: StorePort,
  s: Scope,
  q: { group: string; streams?: string[]; contains?: readonly string[]; start: number; end: number; after?: Pos; before?: Pos; desc: boolean; limit: number },
): EventRow[] => {
  const params: Record<string, string | number | null> = {
    ...S(s), g: q.group, start: q.start, end: q.end, lim: q.limit,
    ...(q.after ? { at: q.after.ts, ai: q.after.id } : {}), ...(q.before ? { bt: q.before.ts, bi: q.before.id } : {}),
  };
  let streamClause = "";
  if (q.streams) {
    const names = q.streams.map((n, i) => {
      params[`s${i}`] = n;
      return `:s${i}`;
    });
    streamClause = names.length ? `AND stream_name IN (${names.join(", ")})` : "AND 0";
  }
  // The filter pattern's required substrings, checked by SQLite before rows reach JavaScript.
  (q.contains ?? []).forEach((text, i) => {
    params[`c${i}`] = text;
    streamClause += ` AND instr(message, :c${i}) > 0`;
  });
  return store.all<EventRow>(
    `SELECT id, stream_name, ts, ingestion_ms, message FROM logs_events
     WHERE account_id = :a AND region = :r AND group_name = :g ${streamClause}
       AND ${rangeClause(q, "<=")}
     ORDER BY ts ${q.desc ? "DESC" : "ASC"}, id ${q.desc ? "DESC" : "ASC"} LIMIT :lim`,
    params,
  );
};

/** Deletes events older than each group's retention; returns how many were deleted. */
export const deleteExpired = (store: StorePort, nowMs: number): number =>
  store.run(
    `DELETE FROM logs_events WHERE id IN (
       SELECT e.id FROM logs_events e JOIN logs_groups g
         ON g.account_id = e.account_id AND g.region = e.region AND g.name = e.group_name
       WHERE g.retention_days IS NOT NULL AND e.ts < :now - g.retention_days * 86400000)`,
    { now: nowMs },
  ).changes;

/** A PutLogEvents whose events were all rejected still advances the (ignored) sequence token. */
export const bumpSequence = (store: StorePort, s: Scope, group: string, stream: string): void => {
  store.run(
    `UPDATE logs_streams SET upload_seq = upload_seq + 1 WHERE account_id = :a AND region = :r AND group_name = :g AND name = :n`,
    { ...S(s), g: group, n: stream },
  );
};
