/**
 * The store as services see it. state/ implements it (SQLite now; the interface is small so that
 * a PostgreSQL driver can be added behind it later). A service keeps its SQL in its own store.ts
 * and runs it through these calls; the gateway wraps each mutating request in one transaction.
 */
export type SqlValue = string | number | bigint | null | Buffer;
export type SqlParams = Record<string, SqlValue | boolean | undefined> | SqlValue[];

export interface SqlRunResult {
  changes: number;
}

export interface StorePort {
  /** Runs fn inside one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;
  run(sql: string, params?: SqlParams): SqlRunResult;
  get<Row = Record<string, unknown>>(sql: string, params?: SqlParams): Row | undefined;
  all<Row = Record<string, unknown>>(sql: string, params?: SqlParams): Row[];
  /** Runs DDL once per (owner, version): each service registers its migrations in order. */
  migrate(owner: string, migrations: readonly string[]): void;
}
