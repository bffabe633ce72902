/**
 * Step Functions tables and their statements (the only SQL of this service).
 * - sfn_machines: state machines ($LATEST), sfn_versions: published versions, sfn_aliases.
 * - sfn_tags: tags of state machines and activities.
 * - sfn_executions: one row per STANDARD execution: status, the engine's ExecutionState as JSON
 *   (committed after every transition), the definition it runs (a snapshot), the mock test case.
 * - sfn_history_batches: the history events, one row per transition (a JSON array of the events
 *   it recorded, ids first_id..last_id): a 1,000-state Pass chain is one insert, not 2,002.
 * - sfn_tasks: InvokeTask effects not yet answered (acked = the integration was called), so that a
 *   restarted Cloudbox re-issues the ones that were never performed.
 * - sfn_activities and sfn_activity_tasks: activities and their queued tasks (GetActivityTask).
 * - sfn_map_runs and sfn_map_run_children: distributed Map runs and one row per child input (an
 *   item or a batch) with its status, child execution and result; STANDARD children are also
 *   executions (sfn_executions.map_run_arn).
 * EXPRESS executions are never written here (AWS does not persist them either).
 */
import type { StorePort } from "../../core/index.js";

export const statesMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS sfn_machines (
     arn TEXT PRIMARY KEY, account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
     type TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL, description TEXT,
     logging TEXT, tracing TEXT, encryption TEXT, created_ms INTEGER NOT NULL, revision_id TEXT NOT NULL,
     last_version INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE IF NOT EXISTS sfn_versions (
     arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL,
     role_arn TEXT NOT NULL, description TEXT, revision_id TEXT NOT NULL, created_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sfn_aliases (
     arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
     routing TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sfn_tags (resource_arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
     PRIMARY KEY (resource_arn, key))`,
  `CREATE TABLE IF NOT EXISTS sfn_executions (
     arn TEXT PRIMARY KEY, account_id TEXT NOT NULL, region TEXT NOT NULL, machine_arn TEXT NOT NULL,
     version_arn TEXT, alias_arn TEXT, name TEXT NOT NULL, status TEXT NOT NULL, input TEXT NOT NULL,
     output TEXT, error TEXT, cause TEXT, start_ms INTEGER NOT NULL, stop_ms INTEGER,
     definition TEXT NOT NULL, state TEXT NOT NULL, test_case TEXT, parent TEXT, trace_header TEXT,
     seq INTEGER NOT NULL DEFAULT 0)`,
  `CREATE INDEX IF NOT EXISTS sfn_executions_machine ON sfn_executions (machine_arn, start_ms)`,
  `CREATE INDEX IF NOT EXISTS sfn_executions_status ON sfn_executions (status)`,
  `CREATE TABLE IF NOT EXISTS sfn_history_batches (execution_arn TEXT NOT NULL, first_id INTEGER NOT NULL,
     last_id INTEGER NOT NULL, events TEXT NOT NULL, PRIMARY KEY (execution_arn, first_id))`,
  `CREATE TABLE IF NOT EXISTS sfn_tasks (execution_arn TEXT NOT NULL, task_id TEXT NOT NULL, effect TEXT NOT NULL,
     acked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (execution_arn, task_id))`,
  `CREATE TABLE IF NOT EXISTS sfn_activities (arn TEXT PRIMARY KEY, account_id TEXT NOT NULL, region TEXT NOT NULL,
     name TEXT NOT NULL, created_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sfn_activity_tasks (token TEXT PRIMARY KEY, activity_arn TEXT NOT NULL,
     execution_arn TEXT NOT NULL, task_id TEXT NOT NULL, input TEXT NOT NULL, created_ms INTEGER NOT NULL,
     claimed INTEGER NOT NULL DEFAULT 0)`,
  // Redrive and Map Run children (migrations are applied once each, by checksum).
  `ALTER TABLE sfn_executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE sfn_executions ADD COLUMN redrive_ms INTEGER`,
  `ALTER TABLE sfn_executions ADD COLUMN redrive_token TEXT`,
  `ALTER TABLE sfn_executions ADD COLUMN map_run_arn TEXT`,
  `ALTER TABLE sfn_executions ADD COLUMN item_count INTEGER`,
  `CREATE INDEX IF NOT EXISTS sfn_executions_map_run ON sfn_executions (map_run_arn, start_ms)`,
  `CREATE TABLE IF NOT EXISTS sfn_map_runs (
     arn TEXT PRIMARY KEY, account_id TEXT NOT NULL, region TEXT NOT NULL, execution_arn TEXT NOT NULL,
     task_id TEXT NOT NULL, machine_arn TEXT NOT NULL, label TEXT NOT NULL, role_arn TEXT NOT NULL,
     status TEXT NOT NULL, phase TEXT NOT NULL, spec TEXT NOT NULL, start_ms INTEGER NOT NULL, stop_ms INTEGER,
     max_concurrency INTEGER NOT NULL, tolerated_count REAL, tolerated_pct REAL, total_items INTEGER NOT NULL DEFAULT 0,
     error TEXT, cause TEXT, redrive_count INTEGER NOT NULL DEFAULT 0, redrive_ms INTEGER)`,
  `CREATE INDEX IF NOT EXISTS sfn_map_runs_execution ON sfn_map_runs (execution_arn, start_ms)`,
  `CREATE TABLE IF NOT EXISTS sfn_map_run_children (map_run_arn TEXT NOT NULL, idx INTEGER NOT NULL, input TEXT NOT NULL,
     items INTEGER NOT NULL, status TEXT NOT NULL, execution_arn TEXT, output TEXT, error TEXT, cause TEXT,
     start_ms INTEGER, stop_ms INTEGER, PRIMARY KEY (map_run_arn, idx))`,
];

export interface MachineRow {
  arn: string; account_id: string; region: string; name: string; type: string; definition: string; role_arn: string;
  description: string | null; logging: string | null; tracing: string | null; encryption: string | null;
  created_ms: number; revision_id: string; last_version: number;
}
export interface VersionRow {
  arn: string; machine_arn: string; version: number; definition: string; role_arn: string; description: string | null;
  revision_id: string; created_ms: number;
}
export interface AliasRow { arn: string; machine_arn: string; name: string; description: string | null; routing: string; created_ms: number; updated_ms: number }
export interface ExecutionRow {
  arn: string; account_id: string; region: string; machine_arn: string; version_arn: string | null; alias_arn: string | null;
  name: string; status: string; input: string; output: string | null; error: string | null; cause: string | null;
  start_ms: number; stop_ms: number | null; definition: string; state: string; test_case: string | null; parent: string | null;
  trace_header: string | null; seq: number;
  /** Read back only (defaults on insert). */
  redrive_count?: number; redrive_ms?: number | null; redrive_token?: string | null; map_run_arn?: string | null; item_count?: number | null;
}
export interface MapRunRow {
  arn: string; account_id: string; region: string; execution_arn: string; task_id: string; machine_arn: string; label: string;
  role_arn: string; status: string; phase: string; spec: string; start_ms: number; stop_ms: number | null; max_concurrency: number;
  tolerated_count: number | null; tolerated_pct: number | null; total_items: number; error: string | null; cause: string | null;
  redrive_count: number; redrive_ms: number | null;
}
export interface MapRunChildRow {
  map_run_arn: string; idx: number; input: string; items: number; status: string; execution_arn: string | null;
  output: string | null; error: string | null; cause: string | null; start_ms: number | null; stop_ms: number | null;
}
export interface ActivityRow { arn: string; account_id: string; region: string; name: string; created_ms: number }
export interface ActivityTaskRow { token: string; activity_arn: string; execution_arn: string; task_id: string; input: string; created_ms: number; claimed: number }

export const sfnStore = (db: StorePort) => ({
  // ---- machines
  machine: (arn: string) => db.get<MachineRow>(`SELECT * FROM sfn_machines WHERE arn = ?`, [arn]),
  insertMachine: (r: MachineRow) =>
    db.run(
      `INSERT INTO sfn_machines (arn, account_id, region, name, type, definition, role_arn, description, logging, tracing, encryption, created_ms, revision_id, last_version)
       VALUES (@arn, @account_id, @region, @name, @type, @definition, @role_arn, @description, @logging, @tracing, @encryption, @created_ms, @revision_id, @last_version)`,
      r as unknown as Record<string, string | number | null>,
    ),
  updateMachine: (r: MachineRow) =>
    db.run(
      `UPDATE sfn_machines SET definition=@definition, role_arn=@role_arn, description=@description, logging=@logging, tracing=@tracing,
       encryption=@encryption, revision_id=@revision_id, last_version=@last_version WHERE arn=@arn`,
      r as unknown as Record<string, string | number | null>,
    ),
  deleteMachine: (arn: string) => {
    db.run(`DELETE FROM sfn_machines WHERE arn = ?`, [arn]);
    db.run(`DELETE FROM sfn_versions WHERE machine_arn = ?`, [arn]);
    db.run(`DELETE FROM sfn_aliases WHERE machine_arn = ?`, [arn]);
    db.run(`DELETE FROM sfn_tags WHERE resource_arn = ?`, [arn]);
  },
  machines: (account: string, region: string, after: string, limit: number) =>
    db.all<MachineRow>(
      `SELECT * FROM sfn_machines WHERE account_id = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?`,
      [account, region, after, limit],
    ),
  // ---- versions and aliases
  version: (arn: string) => db.get<VersionRow>(`SELECT * FROM sfn_versions WHERE arn = ?`, [arn]),
  versions: (machine: string) => db.all<VersionRow>(`SELECT * FROM sfn_versions WHERE machine_arn = ? ORDER BY version DESC`, [machine]),
  insertVersion: (r: VersionRow) =>
    db.run(
      `INSERT INTO sfn_versions (arn, machine_arn, version, definition, role_arn, description, revision_id, created_ms)
       VALUES (@arn, @machine_arn, @version, @definition, @role_arn, @description, @revision_id, @created_ms)`,
      r as unknown as Record<string, string | number | null>,
    ),
  deleteVersion: (arn: string) => db.run(`DELETE FROM sfn_versions WHERE arn = ?`, [arn]),
  alias: (arn: string) => db.get<AliasRow>(`SELECT * FROM sfn_aliases WHERE arn = ?`, [arn]),
  aliases: (machine: string) => db.all<AliasRow>(`SELECT * FROM sfn_aliases WHERE machine_arn = ? ORDER BY name`, [machine]),
  putAlias: (r: AliasRow) =>
    db.run(
      `INSERT INTO sfn_aliases (arn, machine_arn, name, description, routing, created_ms, updated_ms)
       VALUES (@arn, @machine_arn, @name, @description, @routing, @created_ms, @updated_ms)
       ON CONFLICT(arn) DO UPDATE SET description=excluded.description, routing=excluded.routing, updated_ms=excluded.updated_ms`,
      r as unknown as Record<string, string | number | null>,
    ),
  deleteAlias: (arn: string) => db.run(`DELETE FROM sfn_aliases WHERE arn = ?`, [arn]),
  // ---- tags
  tags: (arn: string) => db.all<{ key: string; value: string }>(`SELECT key, value FROM sfn_tags WHERE resource_arn = ? ORDER BY key`, [arn]),
  putTag: (arn: string, key: string, value: string) =>
    db.run(`INSERT INTO sfn_tags (resource_arn, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value`, [arn, key, value]),
  deleteTag: (arn: string, key: string) => db.run(`DELETE FROM sfn_tags WHERE resource_arn = ? AND key = ?`, [arn, key]),
  // ---- executions
  execution: (arn: string) => db.get<ExecutionRow>(`SELECT * FROM sfn_executions WHERE arn = ?`, [arn]),
  executionSummary: (arn: string) =>
    db.get<Omit<ExecutionRow, "state" | "definition">>(
      `SELECT arn, account_id, region, machine_arn, version_arn, alias_arn, name, status, input, output, error, cause, start_ms, stop_ms, test_case, parent, trace_header, seq,
         redrive_count, redrive_ms, redrive_token, map_run_arn, item_count FROM sfn_executions WHERE arn = ?`,
      [arn],
    ),
  /** A child execution of a Map Run (set in the transaction that inserts it). */
  markMapRunChild: (arn: string, mapRunArn: string, items: number) =>
    db.run(`UPDATE sfn_executions SET map_run_arn = ?, item_count = ? WHERE arn = ?`, [mapRunArn, items, arn]),
  /** RedriveExecution: the execution runs again from `state` (status RUNNING unless the first step ended it). */
  redriveExecution: (arn: string, status: string, state: string, output: string | null, error: string | null, cause: string | null, stopMs: number | null, redriveMs: number, token: string | null) =>
    db.run(
      `UPDATE sfn_executions SET status = ?, state = ?, output = ?, error = ?, cause = ?, stop_ms = ?, seq = seq + 1,
         redrive_count = redrive_count + 1, redrive_ms = ?, redrive_token = ? WHERE arn = ?`,
      [status, state, output, error, cause, stopMs, redriveMs, token, arn],
    ),
  insertExecution: (r: ExecutionRow) =>
    db.run(
      `INSERT INTO sfn_executions (arn, account_id, region, machine_arn, version_arn, alias_arn, name, status, input, output, error, cause, start_ms, stop_ms, definition, state, test_case, parent, trace_header, seq)
       VALUES (@arn, @account_id, @region, @machine_arn, @version_arn, @alias_arn, @name, @status, @input, @output, @error, @cause, @start_ms, @stop_ms, @definition, @state, @test_case, @parent, @trace_header, @seq)`,
      r as unknown as Record<string, string | number | null>,
    ),
  commitState: (arn: string, status: string, state: string, output: string | null, error: string | null, cause: string | null, stopMs: number | null) =>
    db.run(
      `UPDATE sfn_executions SET status = ?, state = ?, output = ?, error = ?, cause = ?, stop_ms = ?, seq = seq + 1 WHERE arn = ?`,
      [status, state, output, error, cause, stopMs, arn],
    ),
  /** ListExecutions of a state machine (any ARN form) or, with byMapRun, the children of a Map Run. redriven: 1 / 0 / null. */
  executions: (target: string, status: string | null, afterStart: number, afterArn: string, limit: number, opts: { byMapRun?: boolean; redriven?: number | null } = {}) =>
    db.all<ExecutionRow>(
      `SELECT arn, machine_arn, version_arn, alias_arn, name, status, start_ms, stop_ms, redrive_count, redrive_ms, map_run_arn, item_count FROM sfn_executions
       WHERE ${opts.byMapRun ? "map_run_arn = @m" : "(machine_arn = @m OR version_arn = @m OR alias_arn = @m)"} AND (@s IS NULL OR status = @s)
         AND (@r IS NULL OR (redrive_count > 0) = @r)
         AND (start_ms < @t OR (start_ms = @t AND arn > @a))
       ORDER BY start_ms DESC, arn LIMIT @l`,
      { m: target, s: status, r: opts.redriven ?? null, t: afterStart, a: afterArn, l: limit },
    ),
  running: () => db.all<{ arn: string }>(`SELECT arn FROM sfn_executions WHERE status = 'RUNNING'`),
  runningOf: (machine: string) => db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM sfn_executions WHERE machine_arn = ? AND status = 'RUNNING'`, [machine])?.n ?? 0,
  appendHistory: (arn: string, events: { id: number }[]) => {
    if (!events.length) return;
    db.run(`INSERT OR REPLACE INTO sfn_history_batches (execution_arn, first_id, last_id, events) VALUES (?, ?, ?, ?)`, [
      arn, events[0].id, events[events.length - 1].id, JSON.stringify(events),
    ]);
  },
  /** Up to `limit` events after (or, reversed, before) the id `from`. */
  history: (arn: string, reverse: boolean, from: number, limit: number): ({ id: number } & Record<string, unknown>)[] => {
    const out: ({ id: number } & Record<string, unknown>)[] = [];
    const batches = db.all<{ events: string }>(
      reverse
        ? `SELECT events FROM sfn_history_batches WHERE execution_arn = ? AND first_id < ? ORDER BY first_id DESC`
        : `SELECT events FROM sfn_history_batches WHERE execution_arn = ? AND last_id > ? ORDER BY first_id`,
      [arn, from],
    );
    for (const b of batches) {
      const evs = JSON.parse(b.events) as ({ id: number } & Record<string, unknown>)[];
      if (reverse) evs.reverse();
      for (const e of evs) {
        if (reverse ? e.id >= from : e.id <= from) continue;
        out.push(e);
        if (out.length >= limit) return out;
      }
    }
    return out;
  },
  // ---- outstanding tasks
  putTask: (exec: string, taskId: string, effect: string) =>
    db.run(`INSERT OR REPLACE INTO sfn_tasks (execution_arn, task_id, effect, acked) VALUES (?, ?, ?, 0)`, [exec, taskId, effect]),
  ackTask: (exec: string, taskId: string) => db.run(`UPDATE sfn_tasks SET acked = 1 WHERE execution_arn = ? AND task_id = ?`, [exec, taskId]),
  deleteTask: (exec: string, taskId: string) => db.run(`DELETE FROM sfn_tasks WHERE execution_arn = ? AND task_id = ?`, [exec, taskId]),
  deleteTasksOf: (exec: string) => db.run(`DELETE FROM sfn_tasks WHERE execution_arn = ?`, [exec]),
  tasksOf: (exec: string) => db.all<{ task_id: string; effect: string; acked: number }>(`SELECT task_id, effect, acked FROM sfn_tasks WHERE execution_arn = ?`, [exec]),
  // ---- activities
  activity: (arn: string) => db.get<ActivityRow>(`SELECT * FROM sfn_activities WHERE arn = ?`, [arn]),
  insertActivity: (r: ActivityRow) =>
    db.run(`INSERT INTO sfn_activities (arn, account_id, region, name, created_ms) VALUES (@arn, @account_id, @region, @name, @created_ms)`, r as unknown as Record<string, string | number>),
  deleteActivity: (arn: string) => {
    db.run(`DELETE FROM sfn_activities WHERE arn = ?`, [arn]);
    db.run(`DELETE FROM sfn_tags WHERE resource_arn = ?`, [arn]);
  },
  activities: (account: string, region: string, after: string, limit: number) =>
    db.all<ActivityRow>(`SELECT * FROM sfn_activities WHERE account_id = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?`, [account, region, after, limit]),
  queueActivityTask: (r: ActivityTaskRow) =>
    db.run(
      `INSERT OR IGNORE INTO sfn_activity_tasks (token, activity_arn, execution_arn, task_id, input, created_ms, claimed) VALUES (@token, @activity_arn, @execution_arn, @task_id, @input, @created_ms, @claimed)`,
      r as unknown as Record<string, string | number>,
    ),
  claimActivityTask: (activity: string) => {
    const row = db.get<ActivityTaskRow>(`SELECT * FROM sfn_activity_tasks WHERE activity_arn = ? AND claimed = 0 ORDER BY created_ms, token LIMIT 1`, [activity]);
    if (row) db.run(`UPDATE sfn_activity_tasks SET claimed = 1 WHERE token = ?`, [row.token]);
    return row;
  },
  deleteActivityTask: (token: string) => db.run(`DELETE FROM sfn_activity_tasks WHERE token = ?`, [token]),
  // ---- map runs
  mapRun: (arn: string) => db.get<MapRunRow>(`SELECT * FROM sfn_map_runs WHERE arn = ?`, [arn]),
  mapRunOfTask: (execution: string, taskId: string) =>
    db.get<MapRunRow>(`SELECT * FROM sfn_map_runs WHERE execution_arn = ? AND task_id = ?`, [execution, taskId]),
  mapRunsOf: (execution: string, after: string, limit: number) =>
    db.all<MapRunRow>(`SELECT * FROM sfn_map_runs WHERE execution_arn = ? AND arn > ? ORDER BY arn LIMIT ?`, [execution, after, limit]),
  runningMapRuns: () => db.all<MapRunRow>(`SELECT * FROM sfn_map_runs WHERE status = 'RUNNING'`),
  insertMapRun: (r: MapRunRow) =>
    db.run(
      `INSERT INTO sfn_map_runs (arn, account_id, region, execution_arn, task_id, machine_arn, label, role_arn, status, phase, spec, start_ms, stop_ms,
         max_concurrency, tolerated_count, tolerated_pct, total_items, error, cause, redrive_count, redrive_ms)
       VALUES (@arn, @account_id, @region, @execution_arn, @task_id, @machine_arn, @label, @role_arn, @status, @phase, @spec, @start_ms, @stop_ms,
         @max_concurrency, @tolerated_count, @tolerated_pct, @total_items, @error, @cause, @redrive_count, @redrive_ms)`,
      r as unknown as Record<string, string | number | null>,
    ),
  setMapRun: (arn: string, fields: Partial<MapRunRow>) => {
    const keys = Object.keys(fields);
    if (!keys.length) return;
    db.run(`UPDATE sfn_map_runs SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE arn = @arn`, { ...(fields as Record<string, string | number | null>), arn });
  },
  insertChild: (r: MapRunChildRow) =>
    db.run(
      `INSERT OR REPLACE INTO sfn_map_run_children (map_run_arn, idx, input, items, status, execution_arn, output, error, cause, start_ms, stop_ms)
       VALUES (@map_run_arn, @idx, @input, @items, @status, @execution_arn, @output, @error, @cause, @start_ms, @stop_ms)`,
      r as unknown as Record<string, string | number | null>,
    ),
  child: (mapRun: string, idx: number) => db.get<MapRunChildRow>(`SELECT * FROM sfn_map_run_children WHERE map_run_arn = ? AND idx = ?`, [mapRun, idx]),
  children: (mapRun: string) => db.all<MapRunChildRow>(`SELECT * FROM sfn_map_run_children WHERE map_run_arn = ? ORDER BY idx`, [mapRun]),
  childrenIn: (mapRun: string, status: string, limit = -1) =>
    db.all<MapRunChildRow>(`SELECT * FROM sfn_map_run_children WHERE map_run_arn = ? AND status = ? ORDER BY idx LIMIT ?`, [mapRun, status, limit]),
  setChild: (mapRun: string, idx: number, fields: Partial<MapRunChildRow>) => {
    const keys = Object.keys(fields);
    db.run(
      `UPDATE sfn_map_run_children SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE map_run_arn = @m AND idx = @i`,
      { ...(fields as Record<string, string | number | null>), m: mapRun, i: idx },
    );
  },
  deleteChildren: (mapRun: string) => db.run(`DELETE FROM sfn_map_run_children WHERE map_run_arn = ?`, [mapRun]),
  /** Children and items per status (DescribeMapRun, the tolerance check). */
  childCounts: (mapRun: string) =>
    db.all<{ status: string; n: number; items: number }>(
      `SELECT status, COUNT(*) AS n, COALESCE(SUM(items), 0) AS items FROM sfn_map_run_children WHERE map_run_arn = ? GROUP BY status`,
      [mapRun],
    ),
});

export type SfnStore = ReturnType<typeof sfnStore>;

export const tokenMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS sfn_tokens (token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, task_id TEXT NOT NULL,
     engine INTEGER NOT NULL)`,
];
export const tokenStore = (db: StorePort) => ({
  put: (token: string, exec: string, taskId: string, engine: boolean) =>
    db.run(`INSERT OR REPLACE INTO sfn_tokens (token, execution_arn, task_id, engine) VALUES (?, ?, ?, ?)`, [token, exec, taskId, engine ? 1 : 0]),
  get: (token: string) => db.get<{ token: string; execution_arn: string; task_id: string; engine: number }>(`SELECT * FROM sfn_tokens WHERE token = ?`, [token]),
});
