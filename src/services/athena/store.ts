/**
 * Athena tables: the data catalog per account and Region (databases, tables, partitions added
 * with ALTER TABLE ADD PARTITION or MSCK REPAIR TABLE) and the query executions with their
 * results (rows as JSON, so GetQueryResults survives a restart).
 */
import type { StorePort } from "../../core/index.js";

export const athenaMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS athena_databases (
     account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
     description TEXT, location TEXT, parameters TEXT NOT NULL, created_at INTEGER NOT NULL,
     PRIMARY KEY (account_id, region, name)
   )`,
  `CREATE TABLE IF NOT EXISTS athena_tables (
     account_id TEXT NOT NULL, region TEXT NOT NULL, db TEXT NOT NULL, name TEXT NOT NULL,
     definition TEXT NOT NULL,          -- JSON TableDef (columns, partition keys, serde, location, properties)
     table_type TEXT NOT NULL, created_at INTEGER NOT NULL,
     PRIMARY KEY (account_id, region, db, name)
   )`,
  `CREATE TABLE IF NOT EXISTS athena_partitions (
     account_id TEXT NOT NULL, region TEXT NOT NULL, db TEXT NOT NULL, tbl TEXT NOT NULL,
     spec TEXT NOT NULL,                -- "k=v/k2=v2" in partition-key order
     vals TEXT NOT NULL,                -- JSON {k: v}
     location TEXT NOT NULL,
     PRIMARY KEY (account_id, region, db, tbl, spec)
   )`,
  `CREATE TABLE IF NOT EXISTS athena_queries (
     id TEXT PRIMARY KEY, account_id TEXT NOT NULL, region TEXT NOT NULL,
     query TEXT NOT NULL, statement_type TEXT NOT NULL, substatement_type TEXT,
     catalog TEXT NOT NULL, db TEXT NOT NULL, workgroup TEXT NOT NULL,
     output_prefix TEXT NOT NULL, output_location TEXT NOT NULL,
     client_token TEXT,
     state TEXT NOT NULL, reason TEXT, error TEXT,
     submitted_at INTEGER NOT NULL, started_at INTEGER, completed_at INTEGER,
     scanned_bytes INTEGER NOT NULL DEFAULT 0,
     columns TEXT, rows TEXT, header INTEGER NOT NULL DEFAULT 1
   )`,
  `CREATE INDEX IF NOT EXISTS athena_queries_account ON athena_queries (account_id, region, workgroup, submitted_at)`,
];

export interface DatabaseRow {
  account_id: string;
  region: string;
  name: string;
  description: string | null;
  location: string | null;
  parameters: string;
  created_at: number;
}

export interface TableRow {
  account_id: string;
  region: string;
  db: string;
  name: string;
  definition: string;
  table_type: string;
  created_at: number;
}

export interface PartitionRow {
  spec: string;
  vals: string;
  location: string;
}

export interface QueryRow {
  id: string;
  account_id: string;
  region: string;
  query: string;
  statement_type: string;
  substatement_type: string | null;
  catalog: string;
  db: string;
  workgroup: string;
  output_prefix: string;
  output_location: string;
  client_token: string | null;
  state: string;
  reason: string | null;
  error: string | null;
  submitted_at: number;
  started_at: number | null;
  completed_at: number | null;
  scanned_bytes: number;
  columns: string | null;
  rows: string | null;
  header: number;
}

export interface Scope {
  accountId: string;
  region: string;
}

// Databases

export const getDatabase = (store: StorePort, s: Scope, name: string): DatabaseRow | undefined =>
  store.get<DatabaseRow>(`SELECT * FROM athena_databases WHERE account_id = ? AND region = ? AND name = ?`, [s.accountId, s.region, name]);

export const listDatabaseRows = (store: StorePort, s: Scope): DatabaseRow[] =>
  store.all<DatabaseRow>(`SELECT * FROM athena_databases WHERE account_id = ? AND region = ? ORDER BY name`, [s.accountId, s.region]);

export const insertDatabase = (store: StorePort, row: DatabaseRow): void => {
  store.run(
    `INSERT OR IGNORE INTO athena_databases (account_id, region, name, description, location, parameters, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [row.account_id, row.region, row.name, row.description, row.location, row.parameters, row.created_at],
  );
};

export const deleteDatabase = (store: StorePort, s: Scope, name: string): void => {
  for (const t of ["athena_partitions", "athena_tables"]) store.run(`DELETE FROM ${t} WHERE account_id = ? AND region = ? AND db = ?`, [s.accountId, s.region, name]);
  store.run(`DELETE FROM athena_databases WHERE account_id = ? AND region = ? AND name = ?`, [s.accountId, s.region, name]);
};

// Tables

export const getTable = (store: StorePort, s: Scope, db: string, name: string): TableRow | undefined =>
  store.get<TableRow>(`SELECT * FROM athena_tables WHERE account_id = ? AND region = ? AND db = ? AND name = ?`, [s.accountId, s.region, db, name]);

export const listTableRows = (store: StorePort, s: Scope, db?: string): TableRow[] =>
  db === undefined
    ? store.all<TableRow>(`SELECT * FROM athena_tables WHERE account_id = ? AND region = ? ORDER BY db, name`, [s.accountId, s.region])
    : store.all<TableRow>(`SELECT * FROM athena_tables WHERE account_id = ? AND region = ? AND db = ? ORDER BY name`, [s.accountId, s.region, db]);

export const insertTable = (store: StorePort, row: TableRow): void => {
  store.run(`INSERT INTO athena_tables (account_id, region, db, name, definition, table_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    row.account_id, row.region, row.db, row.name, row.definition, row.table_type, row.created_at,
  ]);
};

export const deleteTable = (store: StorePort, s: Scope, db: string, name: string): void => {
  store.run(`DELETE FROM athena_partitions WHERE account_id = ? AND region = ? AND db = ? AND tbl = ?`, [s.accountId, s.region, db, name]);
  store.run(`DELETE FROM athena_tables WHERE account_id = ? AND region = ? AND db = ? AND name = ?`, [s.accountId, s.region, db, name]);
};

// Partitions

export const listPartitionRows = (store: StorePort, s: Scope, db: string, tbl: string): PartitionRow[] =>
  store.all<PartitionRow>(`SELECT spec, vals, location FROM athena_partitions WHERE account_id = ? AND region = ? AND db = ? AND tbl = ? ORDER BY spec`, [
    s.accountId, s.region, db, tbl,
  ]);

export const partitionExists = (store: StorePort, s: Scope, db: string, tbl: string, spec: string): boolean =>
  store.get(`SELECT 1 AS x FROM athena_partitions WHERE account_id = ? AND region = ? AND db = ? AND tbl = ? AND spec = ?`, [s.accountId, s.region, db, tbl, spec]) !==
  undefined;

export const upsertPartition = (store: StorePort, s: Scope, db: string, tbl: string, p: PartitionRow): void => {
  store.run(`INSERT OR REPLACE INTO athena_partitions (account_id, region, db, tbl, spec, vals, location) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    s.accountId, s.region, db, tbl, p.spec, p.vals, p.location,
  ]);
};

export const deletePartition = (store: StorePort, s: Scope, db: string, tbl: string, spec: string): number =>
  store.run(`DELETE FROM athena_partitions WHERE account_id = ? AND region = ? AND db = ? AND tbl = ? AND spec = ?`, [s.accountId, s.region, db, tbl, spec]).changes;

// Query executions

export const insertQuery = (store: StorePort, row: QueryRow): void => {
  store.run(
    `INSERT INTO athena_queries (id, account_id, region, query, statement_type, substatement_type, catalog, db, workgroup, output_prefix, output_location,
       client_token, state, reason, error, submitted_at, started_at, completed_at, scanned_bytes, columns, rows, header)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id, row.account_id, row.region, row.query, row.statement_type, row.substatement_type, row.catalog, row.db, row.workgroup, row.output_prefix,
      row.output_location, row.client_token, row.state, row.reason, row.error, row.submitted_at, row.started_at, row.completed_at, row.scanned_bytes,
      row.columns, row.rows, row.header,
    ],
  );
};

export const getQuery = (store: StorePort, id: string): QueryRow | undefined => store.get<QueryRow>(`SELECT * FROM athena_queries WHERE id = ?`, [id]);

export const findQueryByToken = (store: StorePort, s: Scope, token: string): QueryRow | undefined =>
  store.get<QueryRow>(`SELECT * FROM athena_queries WHERE account_id = ? AND region = ? AND client_token = ?`, [s.accountId, s.region, token]);

export const listQueryIds = (store: StorePort, s: Scope, workgroup: string, offset: number, limit: number): string[] =>
  store
    .all<{ id: string }>(
      `SELECT id FROM athena_queries WHERE account_id = ? AND region = ? AND workgroup = ? ORDER BY submitted_at DESC, rowid DESC LIMIT ? OFFSET ?`,
      [s.accountId, s.region, workgroup, limit, offset],
    )
    .map((r) => r.id);

export const unfinishedQueries = (store: StorePort): QueryRow[] =>
  store.all<QueryRow>(`SELECT * FROM athena_queries WHERE state IN ('QUEUED', 'RUNNING') ORDER BY submitted_at`);

export const updateQuery = (store: StorePort, id: string, fields: Partial<QueryRow>): void => {
  const keys = Object.keys(fields);
  if (!keys.length) return;
  store.run(`UPDATE athena_queries SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`, [
    ...keys.map((k) => (fields as Record<string, string | number | null>)[k] ?? null),
    id,
  ]);
};

/** Moves a query to a final state only if it is still running (a stopped query stays CANCELLED). */
export const finishQuery = (store: StorePort, id: string, fields: Partial<QueryRow>): boolean => {
  const row = getQuery(store, id);
  if (!row || (row.state !== "RUNNING" && row.state !== "QUEUED")) return false;
  updateQuery(store, id, fields);
  return true;
};
