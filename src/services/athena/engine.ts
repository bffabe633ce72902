/**
 * The query worker: runs each query execution in the background (one promise per query, kept
 * in a per-runtime worker, never module state) on one in-memory DuckDB instance per Cloudbox
 * runtime, created on the first query.
 *
 * Each account and Region gets its own DuckDB catalog (`cb_<account>_<region>`), each Athena
 * database a schema in it, and each table that a query names a view, rebuilt for that query from
 * the table's current S3 objects: they are read through the S3 API as the querying account
 * (architecture rule 3; no reaching into S3's tables), staged as files in a temp directory
 * (gzip stays gzip: DuckDB reads it), and read with read_csv / read_json / read_parquet. Every
 * column is read as text and converted with TRY_CAST, as Hive's LazySimpleSerDe turns a value it
 * cannot parse into NULL (flow logs write "-" for absent numbers). Partition columns come from
 * the object keys (projection.ts).
 *
 * Results are kept in the store (GetQueryResults) and written to the OutputLocation through the
 * S3 API as Athena does: `<id>.csv` for queries (every value quoted, a header line), `<id>.txt`
 * for DDL and utility statements
 * (https://docs.aws.amazon.com/athena/latest/ug/querying.html#query-results-specify-location).
 *
 * DEVIATION: the SQL dialect is DuckDB's, not Trino's; common ANSI SQL behaves the same, a few
 * Trino functions are added as macros (from_unixtime, to_unixtime, from_iso8601_timestamp,
 * to_iso8601, day_of_week, date_parse is not). DEVIATION: a query's partition filters do not
 * prune the objects read.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceRuntime } from "../../core/index.js";
import { parseStatement, statementType, type Statement, type TableDef } from "./ddl.js";
import { groupByValues, hivePartitionOf, isProjected, parseS3Url, projectionPlan, withSlash, type FileSet, type S3Object } from "./projection.js";
import { lineCol, SqlSyntaxError, tokenize } from "./sql-lexer.js";
import {
  deleteDatabase,
  deletePartition,
  deleteTable,
  finishQuery,
  getDatabase,
  getQuery,
  getTable,
  insertDatabase,
  insertTable,
  listDatabaseRows,
  listPartitionRows,
  listTableRows,
  partitionExists,
  unfinishedQueries,
  updateQuery,
  upsertPartition,
  type QueryRow,
  type Scope,
  type TableRow,
} from "./store.js";

type DuckInstance = import("@duckdb/node-api").DuckDBInstance;
type DuckConnection = import("@duckdb/node-api").DuckDBConnection;
type S3Module = typeof import("@aws-sdk/client-s3");

interface Worker {
  duck?: Promise<DuckInstance>;
  tmp: string;
  running: Map<string, { promise: Promise<void>; conn?: DuckConnection }>;
  stopped: boolean;
  /**
   * Queries run on DuckDB one at a time: each rebuilds the views it reads, and a view replaced
   * under another connection's running query would be a catalog write conflict.
   */
  lock: Promise<void>;
}

const workers = new WeakMap<ServiceRuntime, Worker>();

const workerOf = (runtime: ServiceRuntime): Worker => {
  let w = workers.get(runtime);
  if (!w) {
    w = { tmp: mkdtempSync(join(tmpdir(), "cloudbox-athena-")), running: new Map(), stopped: false, lock: Promise.resolve() };
    workers.set(runtime, w);
  }
  return w;
};

const MACROS = [
  `CREATE OR REPLACE MACRO from_unixtime(x) AS make_timestamp(CAST(x * 1000000 AS BIGINT))`,
  `CREATE OR REPLACE MACRO to_unixtime(x) AS epoch(x)`,
  `CREATE OR REPLACE MACRO from_iso8601_timestamp(x) AS CAST(x AS TIMESTAMPTZ)`,
  `CREATE OR REPLACE MACRO to_iso8601(x) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g') || 'Z'`,
  `CREATE OR REPLACE MACRO day_of_week(x) AS isodow(x)`,
];

const duckOf = (w: Worker): Promise<DuckInstance> =>
  (w.duck ??= (async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const inst = await DuckDBInstance.create(":memory:");
    const c = await inst.connect();
    for (const m of MACROS) await c.run(m);
    c.closeSync();
    return inst;
  })());

export const startWorker = async (runtime: ServiceRuntime): Promise<void> => {
  // Queries interrupted by a restart run again.
  for (const q of unfinishedQueries(runtime.store)) submitQuery(runtime, q.id);
};

export const stopWorker = async (runtime: ServiceRuntime): Promise<void> => {
  const w = workers.get(runtime);
  if (!w) return;
  w.stopped = true;
  for (const r of w.running.values()) r.conn?.interrupt();
  await Promise.allSettled([...w.running.values()].map((r) => r.promise));
  if (w.duck) {
    try {
      (await w.duck).closeSync();
    } catch {
      // already closed
    }
  }
  rmSync(w.tmp, { recursive: true, force: true });
  workers.delete(runtime);
};

/** Starts a query in the background; GetQueryExecution reports its progress. */
export const submitQuery = (runtime: ServiceRuntime, id: string): void => {
  const w = workerOf(runtime);
  if (w.running.has(id) || w.stopped) return;
  const entry: { promise: Promise<void>; conn?: DuckConnection } = { promise: Promise.resolve() };
  w.running.set(id, entry);
  entry.promise = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => runQuery(runtime, w, id, entry))
    .catch((e) => runtime.log.error(`athena query ${id} failed unexpectedly`, e))
    .finally(() => w.running.delete(id));
};

export const cancelQuery = (runtime: ServiceRuntime, id: string): void => {
  workers.get(runtime)?.running.get(id)?.conn?.interrupt();
};

/** Waits for every running query (tests, shutdown). */
export const idle = async (runtime: ServiceRuntime): Promise<void> => {
  const w = workers.get(runtime);
  while (w && w.running.size) await Promise.allSettled([...w.running.values()].map((r) => r.promise));
};

// ---------------------------------------------------------------------------------------------
// Errors a query fails with (StateChangeReason and AthenaError)

export class QueryFailure extends Error {
  constructor(
    message: string,
    readonly errorType: number,
    readonly category = 2,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/**
 * DuckDB's errors in Athena's words (https://docs.aws.amazon.com/athena/latest/ug/error-reference.html
 * for the ErrorType numbers: 1006 syntax error, 1110 table does not exist, 1000 user error),
 * e.g. "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved or requester is not authorized
 * to access requested resources".
 */
const translateDuckError = (e: unknown, sql: string, scope: { db: string }): QueryFailure => {
  const msg = e instanceof Error ? e.message : String(e);
  const caret = /LINE (\d+): (.*)\n\s*\^/.exec(msg);
  let pos = "1:1";
  if (caret) {
    const lineText = msg.split("\n").find((l) => l.startsWith(`LINE ${caret[1]}:`)) ?? "";
    const caretLine = msg.split("\n")[msg.split("\n").indexOf(lineText) + 1] ?? "";
    pos = `${caret[1]}:${Math.max(1, caretLine.indexOf("^") - (lineText.indexOf(":") + 2) + 1)}`;
  }
  const col = /Referenced column "([^"]+)" not found/.exec(msg);
  if (col) return new QueryFailure(`COLUMN_NOT_FOUND: line ${pos}: Column '${col[1]}' cannot be resolved or requester is not authorized to access requested resources`, 1006);
  const table = /Table with name (\S+) does not exist/.exec(msg);
  if (table) return new QueryFailure(`TABLE_NOT_FOUND: line ${pos}: Table 'awsdatacatalog.${scope.db}.${table[1]}' does not exist`, 1110);
  const schema = /Schema with name (\S+) does not exist/.exec(msg);
  if (schema) return new QueryFailure(`SCHEMA_NOT_FOUND: line ${pos}: Schema '${schema[1]}' does not exist`, 1110);
  if (/^Parser Error/.test(msg)) return new QueryFailure(`SYNTAX_ERROR: line ${pos}: ${msg.split("\n")[0]!.replace(/^Parser Error: /, "")}`, 1006);
  if (/^(Binder|Conversion|Catalog|Invalid Input|Out of Range) Error/.test(msg)) {
    return new QueryFailure(`${msg.split("\n")[0]!.replace(/^\w+( \w+)? Error: /, "").replace(/!$/, "")}`, 1000);
  }
  if (/INTERRUPT/i.test(msg)) return new QueryFailure("Query cancelled by user", 1011);
  return new QueryFailure(msg.split("\n")[0]!, 1000);
};

// ---------------------------------------------------------------------------------------------
// S3 access through the API

const s3Of = async (runtime: ServiceRuntime, scope: Scope) => {
  const mod: S3Module = await import("@aws-sdk/client-s3");
  const client = new mod.S3Client({ ...runtime.sdkConfig({ accountId: scope.accountId, region: scope.region }), forcePathStyle: true } as never);
  return { mod, client };
};

type S3 = Awaited<ReturnType<typeof s3Of>>;

const listObjects = async (s3: S3, bucket: string, prefix: string): Promise<S3Object[]> => {
  const out: S3Object[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await s3.client.send(new s3.mod.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === "NoSuchBucket") throw new QueryFailure(`HIVE_PATH_NOT_FOUND: The bucket ${bucket} does not exist`, 1306);
      if (name === "AccessDenied") throw new QueryFailure(`Permission denied on S3 path: s3://${bucket}/${prefix}`, 1501);
      throw e;
    }
    for (const o of page.Contents ?? []) out.push({ bucket, key: o.Key!, size: o.Size ?? 0, etag: o.ETag ?? "" });
    token = page.NextContinuationToken;
  } while (token);
  return out;
};

/** Downloads an object into the worker's temp dir once per ETag; returns the local path. */
const stage = async (s3: S3, w: Worker, o: S3Object): Promise<string> => {
  const ext = /\.gz$/i.test(o.key) ? ".gz" : /\.parquet$/i.test(o.key) ? ".parquet" : "";
  const file = join(w.tmp, createHash("sha1").update(`${o.bucket}\0${o.key}\0${o.etag}`).digest("hex") + ext);
  if (existsSync(file)) return file;
  const got = await s3.client.send(new s3.mod.GetObjectCommand({ Bucket: o.bucket, Key: o.key }));
  const bytes = await got.Body!.transformToByteArray();
  mkdirSync(w.tmp, { recursive: true });
  writeFileSync(file, bytes);
  return file;
};

// ---------------------------------------------------------------------------------------------
// Types

/** Hive column type → DuckDB type. */
export const duckType = (hive: string): string => {
  const t = hive.toLowerCase().trim();
  if (t === "int" || t === "integer") return "INTEGER";
  if (t === "bigint") return "BIGINT";
  if (t === "smallint") return "SMALLINT";
  if (t === "tinyint") return "TINYINT";
  if (t === "float" || t === "real") return "FLOAT";
  if (t === "double") return "DOUBLE";
  if (t === "boolean") return "BOOLEAN";
  if (t === "date") return "DATE";
  if (t === "timestamp") return "TIMESTAMP";
  if (t === "binary") return "BLOB";
  const dec = /^decimal(?:\((\d+)(?:,(\d+))?\))?$/.exec(t);
  if (dec) return `DECIMAL(${dec[1] ?? 10},${dec[2] ?? 0})`;
  return "VARCHAR"; // string, varchar(n), char(n), and (DEVIATION) complex types as text
};

/** DuckDB result type → Athena's ColumnInfo (Type, Precision, Scale). */
export const athenaType = (duck: string): { Type: string; Precision: number; Scale: number } => {
  const t = duck.toUpperCase();
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return { Type: "decimal", Precision: Number(dec[1]), Scale: Number(dec[2]) };
  const map: Record<string, [string, number]> = {
    INTEGER: ["integer", 10],
    BIGINT: ["bigint", 19],
    HUGEINT: ["bigint", 19],
    UBIGINT: ["bigint", 19],
    UINTEGER: ["bigint", 19],
    SMALLINT: ["smallint", 5],
    TINYINT: ["tinyint", 3],
    FLOAT: ["real", 17],
    DOUBLE: ["double", 17],
    BOOLEAN: ["boolean", 0],
    DATE: ["date", 0],
    TIMESTAMP: ["timestamp", 3],
    "TIMESTAMP WITH TIME ZONE": ["timestamp with time zone", 3],
    VARCHAR: ["varchar", 2147483647],
    BLOB: ["varbinary", 2147483647],
    INTERVAL: ["interval day to second", 0],
    UUID: ["uuid", 0],
  };
  const hit = map[t];
  if (hit) return { Type: hit[0], Precision: hit[1], Scale: 0 };
  if (t.endsWith("[]")) return { Type: "array", Precision: 0, Scale: 0 };
  if (t.startsWith("STRUCT")) return { Type: "row", Precision: 0, Scale: 0 };
  if (t.startsWith("MAP")) return { Type: "map", Precision: 0, Scale: 0 };
  return { Type: "varchar", Precision: 2147483647, Scale: 0 };
};

const formatValue = (v: unknown, athena: string): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" && (athena === "double" || athena === "real")) {
    if (Number.isInteger(v) && Math.abs(v) < 1e7) return `${v}.0`;
    return String(v);
  }
  const s = String(v);
  if (athena === "timestamp" && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) return `${s}.000`;
  return s;
};

// ---------------------------------------------------------------------------------------------
// Views over S3

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const catalogName = (scope: Scope) => `cb_${scope.accountId}_${scope.region.replace(/-/g, "_")}`;

/** The FileSets of a table: which objects, with which partition values. */
const fileSets = async (runtime: ServiceRuntime, s3: S3, scope: Scope, table: TableRow, def: TableDef): Promise<FileSet[]> => {
  if (def.partitionKeys.length === 0) {
    const loc = parseS3Url(def.location);
    if (!loc) return [];
    return groupByValues(await listObjects(s3, loc.bucket, withSlash(loc.prefix)), () => ({}));
  }
  if (isProjected(def)) {
    const plan = projectionPlan(def);
    if (!plan) return [];
    const now = runtime.clock.now();
    return groupByValues(await listObjects(s3, plan.bucket, plan.prefix), (o) => plan.match(o.key, now));
  }
  const sets: FileSet[] = [];
  for (const p of listPartitionRows(runtime.store, scope, table.db, table.name)) {
    const loc = parseS3Url(p.location);
    if (!loc) continue;
    const objs = (await listObjects(s3, loc.bucket, withSlash(loc.prefix))).filter((o) => !o.key.endsWith("/"));
    sets.push(...groupByValues(objs, () => JSON.parse(p.vals) as Record<string, string>));
  }
  return sets;
};

const readerSql = (def: TableDef, files: string[], compression: string): string => {
  const list = `[${files.map(q).join(", ")}]`;
  const serde = def.serde.toLowerCase();
  const cols = `{${def.columns.map((c) => `${q(c.Name)}: 'VARCHAR'`).join(", ")}}`;
  if (serde.includes("parquet")) return `read_parquet(${list}, union_by_name=true)`;
  if (serde.includes("json")) return `read_json(${list}, format='newline_delimited', columns=${cols}, ignore_errors=true, compression=${q(compression)})`;
  const skip = Number(def.tblProperties["skip.header.line.count"] ?? 0) || 0;
  if (serde.includes("opencsv")) {
    const sep = def.serdeProperties.separatorChar ?? ",";
    const quote = def.serdeProperties.quoteChar ?? '"';
    const escape = def.serdeProperties.escapeChar ?? "\\";
    return `read_csv(${list}, delim=${q(sep)}, quote=${q(quote)}, escape=${q(escape)}, header=false, skip=${skip}, columns=${cols}, null_padding=true, strict_mode=false, auto_detect=false, compression=${q(compression)})`;
  }
  // LazySimpleSerDe: field.delim (default Ctrl-A), no quoting, \N is NULL.
  const delim = def.serdeProperties["field.delim"] ?? def.serdeProperties["serialization.format"] ?? "\u0001";
  const nullstr = def.serdeProperties["serialization.null.format"] ?? "\\N";
  return `read_csv(${list}, delim=${q(delim)}, quote='', escape='', header=false, skip=${skip}, columns=${cols}, null_padding=true, strict_mode=false, auto_detect=false, nullstr=${q(nullstr)}, compression=${q(compression)})`;
};

/** (Re)creates the view of one table from its current objects; returns the bytes it covers. */
const materialize = async (runtime: ServiceRuntime, w: Worker, conn: DuckConnection, s3: S3, scope: Scope, table: TableRow): Promise<number> => {
  const def = JSON.parse(table.definition) as TableDef;
  const sets = await fileSets(runtime, s3, scope, table, def);
  const selects: string[] = [];
  let bytes = 0;
  for (const set of sets) {
    const byCompression = new Map<string, string[]>();
    for (const o of set.objects) {
      const path = await stage(s3, w, o);
      bytes += o.size;
      const comp = path.endsWith(".gz") ? "gzip" : "none";
      byCompression.set(comp, [...(byCompression.get(comp) ?? []), path]);
    }
    for (const [comp, files] of byCompression) {
      const cols = def.columns.map((c) => `TRY_CAST(${ident(c.Name)} AS ${duckType(c.Type)}) AS ${ident(c.Name)}`);
      const parts = def.partitionKeys.map((k) => `TRY_CAST(${q(set.values[k.Name] ?? "")} AS ${duckType(k.Type)}) AS ${ident(k.Name)}`);
      selects.push(`SELECT ${[...cols, ...parts].join(", ")} FROM ${readerSql(def, files, comp)}`);
    }
  }
  if (!selects.length) {
    const cols = [...def.columns, ...def.partitionKeys].map((c) => `CAST(NULL AS ${duckType(c.Type)}) AS ${ident(c.Name)}`);
    selects.push(`SELECT ${cols.join(", ")} WHERE false`);
  }
  const cat = ident(catalogName(scope));
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${cat}.${ident(table.db)}`);
  await conn.run(`CREATE OR REPLACE VIEW ${cat}.${ident(table.db)}.${ident(table.name)} AS ${selects.join(" UNION ALL ")}`);
  return bytes;
};

// ---------------------------------------------------------------------------------------------
// Running one query

export interface ResultColumn {
  Name: string;
  Type: string;
  Precision: number;
  Scale: number;
}

interface Result {
  columns: ResultColumn[];
  rows: (string | null)[][];
  header: boolean;
  scanned: number;
}

const text = (name: string, rows: string[]): Result => ({
  columns: [{ Name: name, Type: "varchar", Precision: 2147483647, Scale: 0 }],
  rows: rows.map((r) => [r]),
  header: false,
  scanned: 0,
});

const empty = (): Result => ({ columns: [], rows: [], header: false, scanned: 0 });

/** Hive's SHOW TABLES pattern: `*` any characters, `|` alternatives. */
const hivePattern = (p: string | undefined) => (p ? new RegExp(`^(${p.split("|").map((a) => a.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")).join("|")})$`, "i") : undefined);

const specOf = (keys: string[], values: Record<string, string>) => keys.map((k) => `${k}=${values[k]}`).join("/");

const runDdl = async (runtime: ServiceRuntime, s3: () => Promise<S3>, scope: Scope, row: QueryRow, st: Statement): Promise<Result> => {
  const store = runtime.store;
  const now = runtime.clock.now();
  const dbOf = (db: string | undefined) => (db ?? row.db).toLowerCase();
  const requireDb = (db: string) => {
    if (db === "default") insertDatabase(store, { account_id: scope.accountId, region: scope.region, name: "default", description: "Default Hive database", location: null, parameters: "{}", created_at: now });
    if (!getDatabase(store, scope, db)) throw new QueryFailure(`SCHEMA_NOT_FOUND: Schema ${db} does not exist`, 1301);
  };
  const requireTable = (db: string, name: string) => {
    requireDb(db);
    const t = getTable(store, scope, db, name);
    if (!t) throw new QueryFailure(`TABLE_NOT_FOUND: Table awsdatacatalog.${db}.${name} does not exist`, 1110);
    return t;
  };
  switch (st.kind) {
    case "createDatabase": {
      if (getDatabase(store, scope, st.name) || st.name === "default") {
        if (st.ifNotExists) return empty();
        throw new QueryFailure(`FAILED: AlreadyExistsException: Database ${st.name} already exists`, 1003);
      }
      store.transaction(() =>
        insertDatabase(store, {
          account_id: scope.accountId,
          region: scope.region,
          name: st.name,
          description: st.comment ?? null,
          location: st.location ?? null,
          parameters: JSON.stringify(st.properties),
          created_at: now,
        }),
      );
      return empty();
    }
    case "dropDatabase": {
      if (!getDatabase(store, scope, st.name)) {
        if (st.ifExists) return empty();
        throw new QueryFailure(`FAILED: SemanticException [Error 10072]: Database does not exist: ${st.name}`, 1003);
      }
      if (!st.cascade && listTableRows(store, scope, st.name).length) {
        throw new QueryFailure(`FAILED: InvalidOperationException(message:Database ${st.name} is not empty. One or more tables exist.)`, 1003);
      }
      store.transaction(() => deleteDatabase(store, scope, st.name));
      return empty();
    }
    case "createTable": {
      const db = dbOf(st.db);
      requireDb(db);
      if (getTable(store, scope, db, st.name)) {
        if (st.ifNotExists) return empty();
        throw new QueryFailure(`FAILED: AlreadyExistsException: Table ${st.name} already exists`, 1003);
      }
      if (!st.location || !parseS3Url(st.location)) {
        throw new QueryFailure(`FAILED: Invalid LOCATION '${st.location}': an external table needs an s3:// location`, 1003);
      }
      const names = new Set<string>();
      for (const c of [...st.columns, ...st.partitionKeys]) {
        if (names.has(c.Name)) throw new QueryFailure(`FAILED: SemanticException [Error 10036]: Duplicate column name: ${c.Name}`, 1003);
        names.add(c.Name);
      }
      const def: TableDef = {
        columns: st.columns,
        partitionKeys: st.partitionKeys,
        location: st.location,
        serde: st.serde,
        serdeProperties: st.serdeProperties,
        inputFormat: st.inputFormat,
        outputFormat: st.outputFormat,
        tblProperties: st.tblProperties,
        ...(st.comment ? { comment: st.comment } : {}),
      };
      store.transaction(() =>
        insertTable(store, {
          account_id: scope.accountId,
          region: scope.region,
          db,
          name: st.name,
          definition: JSON.stringify(def),
          table_type: st.external ? "EXTERNAL_TABLE" : "MANAGED_TABLE",
          created_at: now,
        }),
      );
      return empty();
    }
    case "dropTable": {
      const db = dbOf(st.db);
      if (!getTable(store, scope, db, st.name)) {
        if (st.ifExists) return empty();
        throw new QueryFailure(`FAILED: SemanticException [Error 10001]: Table not found ${db}.${st.name}`, 1110);
      }
      store.transaction(() => deleteTable(store, scope, db, st.name));
      return empty();
    }
    case "addPartitions": {
      const db = dbOf(st.db);
      const t = requireTable(db, st.name);
      const def = JSON.parse(t.definition) as TableDef;
      const keys = def.partitionKeys.map((k) => k.Name);
      store.transaction(() => {
        for (const p of st.partitions) {
          const got = Object.keys(p.values);
          if (got.length !== keys.length || !keys.every((k) => p.values[k] !== undefined)) {
            throw new QueryFailure(`FAILED: ValidationException: Partition spec (${got.join(", ")}) does not match the partition keys (${keys.join(", ")}) of ${st.name}`, 1003);
          }
          const spec = specOf(keys, p.values);
          if (partitionExists(store, scope, db, st.name, spec)) {
            if (st.ifNotExists) continue;
            throw new QueryFailure(`FAILED: AlreadyExistsException: Partition already exists: ${spec}`, 1003);
          }
          upsertPartition(store, scope, db, st.name, { spec, vals: JSON.stringify(p.values), location: p.location ?? `${withSlash(def.location)}${spec}/` });
        }
      });
      return empty();
    }
    case "dropPartitions": {
      const db = dbOf(st.db);
      const t = requireTable(db, st.name);
      const keys = (JSON.parse(t.definition) as TableDef).partitionKeys.map((k) => k.Name);
      store.transaction(() => {
        for (const values of st.partitions) {
          if (!deletePartition(store, scope, db, st.name, specOf(keys, values)) && !st.ifExists) {
            throw new QueryFailure(`FAILED: SemanticException [Error 10006]: Partition not found (${specOf(keys, values)})`, 1003);
          }
        }
      });
      return empty();
    }
    case "msck": {
      const db = dbOf(st.db);
      const t = requireTable(db, st.name);
      const def = JSON.parse(t.definition) as TableDef;
      const loc = parseS3Url(def.location);
      if (!loc || !def.partitionKeys.length) return empty();
      const prefix = withSlash(loc.prefix);
      const keys = def.partitionKeys.map((k) => k.Name);
      const found = new Map<string, { values: Record<string, string>; location: string }>();
      for (const o of await listObjects(await s3(), loc.bucket, prefix)) {
        const p = hivePartitionOf(o.key, prefix, keys);
        if (p) found.set(specOf(keys, p.values), p);
      }
      const added: string[] = [];
      store.transaction(() => {
        for (const [spec, p] of found) {
          if (partitionExists(store, scope, db, st.name, spec)) continue;
          upsertPartition(store, scope, db, st.name, { spec, vals: JSON.stringify(p.values), location: `s3://${loc.bucket}/${p.location}` });
          added.push(spec);
        }
      });
      return text("result", added.length ? ["Partitions not in metastore:\t" + added.map((s) => `${st.name}:${s}`).join("\t"), ...added.map((s) => `Repair: Added partition to metastore ${st.name}:${s}`)] : []);
    }
    case "showTables": {
      const db = dbOf(st.db);
      requireDb(db);
      const re = hivePattern(st.pattern);
      return text("tab_name", listTableRows(store, scope, db).map((t) => t.name).filter((n) => !re || re.test(n)));
    }
    case "showDatabases": {
      requireDb("default");
      const re = hivePattern(st.pattern);
      return text("database_name", listDatabaseRows(store, scope).map((d) => d.name).filter((n) => !re || re.test(n)));
    }
    case "showPartitions": {
      const db = dbOf(st.db);
      requireTable(db, st.name);
      return text("partition", listPartitionRows(store, scope, db, st.name).map((p) => p.spec));
    }
    case "showColumns": {
      const db = dbOf(st.db);
      const def = JSON.parse(requireTable(db, st.name).definition) as TableDef;
      return text("field", [...def.columns, ...def.partitionKeys].map((c) => c.Name));
    }
    case "describe": {
      const db = dbOf(st.db);
      const def = JSON.parse(requireTable(db, st.name).definition) as TableDef;
      const line = (c: { Name: string; Type: string; Comment?: string }) => `${c.Name.padEnd(20)}\t${c.Type.padEnd(20)}\t${c.Comment ?? ""}`;
      const rows = def.columns.map(line);
      if (def.partitionKeys.length) rows.push("", "# Partition Information", `# col_name            \tdata_type           \tcomment             `, "", ...def.partitionKeys.map(line));
      return text("col_name", rows);
    }
    default:
      return empty();
  }
};

/** Table names a query mentions (any identifier token equal to a table name). */
const mentionedTables = (sql: string, tables: TableRow[]): TableRow[] => {
  let words: Set<string>;
  try {
    words = new Set(tokenize(sql).flatMap((t) => (t.kind === "word" ? [t.text.toLowerCase()] : [])));
  } catch {
    words = new Set(sql.toLowerCase().split(/[^a-z0-9_]+/));
  }
  return tables.filter((t) => words.has(t.name));
};

const exclusive = async <T>(w: Worker, fn: () => Promise<T>): Promise<T> => {
  const prior = w.lock;
  let release!: () => void;
  w.lock = new Promise<void>((r) => (release = r));
  await prior;
  try {
    return await fn();
  } finally {
    release();
  }
};

const runDml = (runtime: ServiceRuntime, w: Worker, s3: () => Promise<S3>, scope: Scope, row: QueryRow, entry: { conn?: DuckConnection }): Promise<Result> =>
  exclusive(w, () => runDmlNow(runtime, w, s3, scope, row, entry));

const runDmlNow = async (runtime: ServiceRuntime, w: Worker, s3: () => Promise<S3>, scope: Scope, row: QueryRow, entry: { conn?: DuckConnection }): Promise<Result> => {
  const inst = await duckOf(w);
  const conn = await inst.connect();
  entry.conn = conn;
  try {
    const cat = catalogName(scope);
    await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS ${ident(cat)}`);
    const dbs = new Set(["default", ...listDatabaseRows(runtime.store, scope).map((d) => d.name)]);
    for (const db of dbs) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${ident(cat)}.${ident(db)}`);
    let scanned = 0;
    const tables = mentionedTables(row.query, listTableRows(runtime.store, scope));
    if (tables.length) {
      const client = await s3();
      for (const t of tables) scanned += await materialize(runtime, w, conn, client, scope, t);
    }
    if (!dbs.has(row.db)) throw new QueryFailure(`SCHEMA_NOT_FOUND: line 1:1: Schema '${row.db}' does not exist`, 1301);
    await conn.run(`USE ${ident(cat)}.${ident(row.db)}`);
    // Athena's catalog name qualifies nothing in DuckDB.
    const sql = row.query.replace(/(^|[^\w."`])["`]?awsdatacatalog["`]?\s*\./gi, "$1");
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (e) {
      throw translateDuckError(e, row.query, { db: row.db });
    }
    const names = reader.columnNames();
    const types = reader.columnTypes().map((t) => athenaType(String(t)));
    const columns = names.map((n, i) => ({ Name: /^[A-Za-z_][\w]*$/.test(n) ? n.toLowerCase() : `_col${i}`, ...types[i]! }));
    const rows = reader.getRows().map((r) => r.map((v, i) => formatValue(v, types[i]!.Type)));
    return { columns, rows, header: true, scanned };
  } finally {
    entry.conn = undefined;
    conn.closeSync();
  }
};

const csvField = (v: string | null) => (v === null ? "" : `"${v.replace(/"/g, '""')}"`);

const writeResults = async (s3: S3, row: QueryRow, result: Result, kind: string): Promise<void> => {
  const out = parseS3Url(row.output_location);
  if (!out) return;
  let body: string;
  if (kind === "DML") {
    body = [result.columns.map((c) => csvField(c.Name)).join(","), ...result.rows.map((r) => r.map(csvField).join(","))].join("\n") + "\n";
  } else {
    body = result.rows.map((r) => r.join("\t")).join("\n") + (result.rows.length ? "\n" : "");
  }
  await s3.client.send(
    new s3.mod.PutObjectCommand({ Bucket: out.bucket, Key: out.prefix, Body: Buffer.from(body), ContentType: kind === "DML" ? "text/csv" : "text/plain" }),
  );
};

const runQuery = async (runtime: ServiceRuntime, w: Worker, id: string, entry: { conn?: DuckConnection }): Promise<void> => {
  const row = getQuery(runtime.store, id);
  if (!row || (row.state !== "QUEUED" && row.state !== "RUNNING")) return;
  const started = runtime.clock.now();
  runtime.store.transaction(() => updateQuery(runtime.store, id, { state: "RUNNING", started_at: started }));
  const scope: Scope = { accountId: row.account_id, region: row.region };
  let client: S3 | undefined;
  const s3 = async () => (client ??= await s3Of(runtime, scope));
  try {
    let st: Statement;
    try {
      st = parseStatement(row.query);
    } catch (e) {
      if (e instanceof SqlSyntaxError) throw new QueryFailure(`line ${lineCol(row.query, e.pos)}: ${e.message}`, 1006);
      throw e;
    }
    const kind = statementType(st);
    // The output bucket must exist before anything runs.
    const out = parseS3Url(row.output_prefix);
    if (out) {
      const c = await s3();
      try {
        await c.client.send(new c.mod.HeadBucketCommand({ Bucket: out.bucket }));
      } catch {
        throw new QueryFailure(`Unable to verify/create output bucket ${out.bucket}`, 1306);
      }
    }
    const result = kind === "DML" ? await runDml(runtime, w, s3, scope, row, entry) : await runDdl(runtime, s3, scope, row, st);
    await writeResults(await s3(), row, result, kind);
    const done = runtime.clock.now();
    runtime.store.transaction(() =>
      finishQuery(runtime.store, id, {
        state: "SUCCEEDED",
        completed_at: done,
        scanned_bytes: result.scanned,
        columns: JSON.stringify(result.columns),
        rows: JSON.stringify(result.rows),
        header: result.header ? 1 : 0,
      }),
    );
  } catch (e) {
    const failure = e instanceof QueryFailure ? e : new QueryFailure(e instanceof Error ? e.message : String(e), 100, 1, true);
    if (!(e instanceof QueryFailure)) runtime.log.debug(`athena query ${id}: ${failure.message}`);
    const done = runtime.clock.now();
    runtime.store.transaction(() =>
      finishQuery(runtime.store, id, {
        state: "FAILED",
        reason: failure.message,
        error: JSON.stringify({ ErrorCategory: failure.category, ErrorType: failure.errorType, Retryable: failure.retryable, ErrorMessage: failure.message }),
        completed_at: done,
      }),
    );
  }
};
