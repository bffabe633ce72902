/**
 * The SQLite store: the one implementation of StorePort today (better-sqlite3, synchronous).
 *
 * What it does: opens `<dataDir>/cloudbox.db` (or an in-memory database when ephemeral), applies
 * each owner's migrations once, caches prepared statements by SQL text, runs transactions that
 * nest by joining the outer one, and empties every service table on reset().
 * What it does not do: hold any SQL of a service (each service keeps its SQL in its store.ts),
 * or coordinate several processes on one data directory (one Cloudbox per data dir).
 *
 * Durability: the database runs in WAL mode with synchronous=NORMAL. A COMMIT returns only after
 * the transaction's pages are written to the WAL file (in the OS page cache), so an acknowledged
 * write survives a crash or `kill -9` of the process: the OS still writes the page cache out, and
 * the next open replays the WAL. What NORMAL gives up (versus FULL) is durability across a power
 * loss or OS crash, where the last transactions before the failure may roll back; the database
 * stays consistent either way (https://www.sqlite.org/wal.html, "synchronous=NORMAL").
 *
 * A PostgreSQL driver later (several Cloudbox nodes on one state) would have to change:
 *   - StorePort is synchronous because better-sqlite3 is; node-postgres is async only. Either
 *     StorePort becomes async (run/get/all/transaction return Promises, handlers await them, and
 *     the gateway's "a synchronous handler runs inside one transaction" rule becomes "every
 *     handler gets a transaction-scoped store"), or the driver runs in a worker thread behind a
 *     synchronous bridge (Atomics.wait on a SharedArrayBuffer), which keeps services unchanged.
 *   - SQL dialect: `?`/`@name` placeholders become `$1`, INTEGER PRIMARY KEY rowids, INSERT OR
 *     REPLACE becomes ON CONFLICT, PRAGMA table_list becomes information_schema queries.
 *   - migrate() must take an advisory lock so that two nodes do not apply one migration twice,
 *     and reset() would TRUNCATE ... CASCADE.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { SqlParams, SqlRunResult, StorePort } from "../core/index.js";

export interface StoreOptions {
  /** Directory of the database file `cloudbox.db`; created if missing. Default `./.cloudbox`. */
  dataDir?: string;
  /** In-memory database: nothing is written to disk. */
  ephemeral?: boolean;
  /** How long a statement waits for a lock held by another connection (ms). Default 5000. */
  busyTimeoutMs?: number;
}

/** The store as runtime sees it: StorePort plus lifecycle. */
export interface Store extends StorePort {
  /** Absolute path of the database file, or undefined when ephemeral. */
  readonly file: string | undefined;
  readonly ephemeral: boolean;
  /** Empties every table except the migrations ledger; the schema stays. */
  reset(): void;
  /** Whether an owner's migrations ever ran here, i.e. whether it may hold state. */
  hasMigrated(owner: string): boolean;
  /** Closes the database; later calls throw. Idempotent. */
  close(): void;
  readonly closed: boolean;
}

export const DEFAULT_DATA_DIR = ".cloudbox";
export const DB_FILE_NAME = "cloudbox.db";

type Statement = Database.Statement<unknown[], unknown>;

const MIGRATIONS_TABLE = "_migrations";

/** better-sqlite3 takes neither booleans nor undefined: booleans become 1/0, undefined NULL. */
const normalizeParams = (params: SqlParams | undefined): unknown[] => {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params;
  let copy: Record<string, unknown> | undefined;
  for (const key in params) {
    const v = params[key];
    if (v === undefined || typeof v === "boolean") {
      copy ??= { ...params };
      copy[key] = v === undefined ? null : v ? 1 : 0;
    }
  }
  return [copy ?? params];
};

export const openStore = (options: StoreOptions = {}): Store => {
  const ephemeral = options.ephemeral === true;
  let file: string | undefined;
  let db: Database.Database;
  if (ephemeral) {
    db = new Database(":memory:");
  } else {
    const dir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    mkdirSync(dir, { recursive: true });
    file = join(dir, DB_FILE_NAME);
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    // See the module comment: NORMAL in WAL mode survives process kills, not power loss.
    db.pragma("synchronous = NORMAL");
  }
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.pragma("foreign_keys = ON");
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
       owner TEXT NOT NULL,
       version INTEGER NOT NULL,
       checksum TEXT NOT NULL,
       applied_at TEXT NOT NULL,
       PRIMARY KEY (owner, version)
     )`,
  );

  const cache = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  let closed = false;

  const transaction = <T>(fn: () => T): T => {
    // Nested calls join the outer transaction: one request, one commit.
    if (db.inTransaction) return fn();
    begin.run();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      if (db.inTransaction) rollback.run();
      throw e;
    }
    // A function that returns a Promise has done its synchronous part by now: that part commits
    // here; whatever it does after its first await runs outside this transaction.
    if (db.inTransaction) commit.run();
    return result;
  };

  const store: Store = {
    file,
    ephemeral,
    get closed() {
      return closed;
    },
    transaction,
    run(sql: string, params?: SqlParams): SqlRunResult {
      const info = prepare(sql).run(...normalizeParams(params));
      return { changes: info.changes };
    },
    get<Row>(sql: string, params?: SqlParams): Row | undefined {
      return prepare(sql).get(...normalizeParams(params)) as Row | undefined;
    },
    all<Row>(sql: string, params?: SqlParams): Row[] {
      return prepare(sql).all(...normalizeParams(params)) as Row[];
    },
    migrate(owner: string, migrations: readonly string[]): void {
      // A migration is known by its checksum, not its position: services assemble their lists from
      // several modules (EC2's resource families), so a statement added in the middle must not
      // shift the others. Statements are idempotent DDL (IF NOT EXISTS), so this is safe.
      const applied = new Set(
        (db.prepare(`SELECT checksum FROM ${MIGRATIONS_TABLE} WHERE owner = ?`).all(owner) as { checksum: string }[]).map((r) => r.checksum),
      );
      const next = (db.prepare(`SELECT COALESCE(MAX(version), 0) AS v FROM ${MIGRATIONS_TABLE} WHERE owner = ?`).get(owner) as { v: number }).v;
      const record = db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (owner, version, checksum, applied_at) VALUES (?, ?, ?, ?)`);
      let version = next;
      for (const sql of migrations) {
        const checksum = createHash("sha256").update(sql).digest("hex");
        if (applied.has(checksum)) continue;
        applied.add(checksum);
        version += 1;
        const v = version;
        transaction(() => {
          db.exec(sql);
          record.run(owner, v, checksum, new Date().toISOString());
        });
      }
      // DDL may have changed tables that cached statements refer to.
      cache.clear();
    },
    hasMigrated(owner: string): boolean {
      return db.prepare(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE owner = ? LIMIT 1`).get(owner) !== undefined;
    },
    reset(): void {
      const tables = (db.pragma("table_list") as { schema: string; name: string; type: string }[])
        .filter((t) => t.schema === "main" && (t.type === "table" || t.type === "virtual"))
        .map((t) => t.name)
        .filter((name) => name !== MIGRATIONS_TABLE && !name.startsWith("sqlite_"));
      const hasSequence = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
      // Foreign keys cannot be switched inside a transaction; turn them off so order does not matter.
      db.pragma("foreign_keys = OFF");
      try {
        transaction(() => {
          for (const name of tables) db.exec(`DELETE FROM "${name.replaceAll('"', '""')}"`);
          if (hasSequence) db.exec("DELETE FROM sqlite_sequence");
        });
      } finally {
        db.pragma("foreign_keys = ON");
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      cache.clear();
      db.close();
    },
  };
  return store;
};
