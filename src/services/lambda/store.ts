/**
 * Lambda tables and their statements. Everything a function is survives a restart: its versions'
 * configurations (JSON snapshots, $LATEST included), its code zips (a BLOB here, or a file under
 * the data directory when Cloudbox has one), aliases, the resource policy, reserved concurrency,
 * function URL configs, event invoke configs, and layers (versions, their zips, their policies).
 * The asynchronous invocation queue is here too (lambda_async_events, async-invoke.ts): an Event
 * invocation is written before Invoke answers 202, and leaves the table when its last attempt
 * (and the delivery of its record to a destination) is done.
 * Function logs are not here: they go to CloudWatch Logs (function-logs.ts).
 * Execution environments (processes) are runtime state and live in environments.ts, not here.
 */
import type { StorePort } from "../../core/index.js";

export const lambdaMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS lambda_functions (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     name TEXT NOT NULL,
     created_ms INTEGER NOT NULL,
     last_version INTEGER NOT NULL DEFAULT 0,   -- the highest published version number
     reserved_concurrency INTEGER,              -- NULL: unreserved
     policy TEXT,                               -- resource policy document (JSON), NULL when empty
     PRIMARY KEY (account_id, region, name)
   )`,
  `CREATE TABLE IF NOT EXISTS lambda_versions (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     name TEXT NOT NULL,
     version TEXT NOT NULL,                     -- '$LATEST' or '1', '2', ...
     config TEXT NOT NULL,                      -- FunctionConfiguration (JSON)
     code_sha256 TEXT NOT NULL,
     PRIMARY KEY (account_id, region, name, version)
   )`,
  `CREATE TABLE IF NOT EXISTS lambda_code (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     sha256 TEXT NOT NULL,                      -- base64, as CodeSha256
     size INTEGER NOT NULL,
     zip BLOB,                                  -- the zip itself when there is no data directory
     path TEXT,                                 -- or the zip's file under <dataDir>/lambda/zips
     PRIMARY KEY (account_id, region, sha256)
   )`,
  `CREATE TABLE IF NOT EXISTS lambda_aliases (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     name TEXT NOT NULL,
     config TEXT NOT NULL,                      -- AliasConfiguration (JSON)
     PRIMARY KEY (account_id, region, function_name, name)
   )`,
  `CREATE TABLE IF NOT EXISTS lambda_url_configs (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     qualifier TEXT NOT NULL,                   -- '' for the unqualified function
     url_id TEXT NOT NULL UNIQUE,               -- the host label of the URL
     config TEXT NOT NULL,                      -- FunctionUrlConfig (JSON)
     PRIMARY KEY (account_id, region, function_name, qualifier)
   )`,
  // Function logs moved to CloudWatch Logs (function-logs.ts): the interim table goes.
  `DROP INDEX IF EXISTS lambda_logs_function`,
  `DROP TABLE IF EXISTS lambda_logs`,
  `CREATE TABLE IF NOT EXISTS lambda_layers (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     name TEXT NOT NULL,
     last_version INTEGER NOT NULL,             -- version numbers are never reused
     PRIMARY KEY (account_id, region, name)
   )`,
  `CREATE TABLE IF NOT EXISTS lambda_layer_versions (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     name TEXT NOT NULL,
     version INTEGER NOT NULL,
     arn TEXT NOT NULL,                         -- the layer version ARN
     config TEXT NOT NULL,                      -- GetLayerVersionResponse without Content.Location (JSON)
     code_sha256 TEXT NOT NULL,                 -- the zip, in lambda_code under the layer's scope
     policy TEXT,                               -- layer version policy (JSON), NULL when none
     deleted INTEGER NOT NULL DEFAULT 0,        -- 1: deleted, kept while functions still use it
     PRIMARY KEY (account_id, region, name, version)
   )`,
  `CREATE TABLE IF NOT EXISTS lambda_event_invoke_configs (
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     qualifier TEXT NOT NULL,                   -- '$LATEST', a version or an alias
     config TEXT NOT NULL,                      -- StoredEventInvokeConfig (JSON)
     PRIMARY KEY (account_id, region, function_name, qualifier)
   )`,
  // Lambda's internal queue of Event invocations (async-invoke.ts): one row per accepted event
  // until it is done with.
  `CREATE TABLE IF NOT EXISTS lambda_async_events (
     request_id TEXT NOT NULL PRIMARY KEY,      -- the Invoke call's request id (the event's id)
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     qualifier TEXT,                            -- as invoked; NULL: unqualified
     payload BLOB NOT NULL,
     invoked_arn TEXT NOT NULL,
     client_context TEXT,
     received_ms INTEGER NOT NULL,              -- when Lambda accepted the event (clock ms)
     attempts INTEGER NOT NULL DEFAULT 0,       -- attempts that ran the function
     next_attempt_ms INTEGER NOT NULL,          -- when the next attempt (or delivery) is due
     throttle_delay_ms INTEGER NOT NULL DEFAULT 1000, -- the next throttling backoff
     outcome TEXT,                              -- NULL: attempts remain; else 'Success', 'RetriesExhausted'
                                                -- or 'EventAgeExceeded': only the destination remains
     last_version TEXT,                         -- the last attempt: the version that ran,
     last_function_error TEXT,                  -- its function error ('Unhandled') or NULL,
     last_response BLOB                         -- its response payload
   )`,
];

export interface Scope {
  accountId: string;
  region: string;
}

export interface FunctionRow {
  account_id: string;
  region: string;
  name: string;
  created_ms: number;
  last_version: number;
  reserved_concurrency: number | null;
  policy: string | null;
}

export interface VersionRow {
  name: string;
  version: string;
  config: string;
  code_sha256: string;
}

export const getFunctionRow = (store: StorePort, s: Scope, name: string): FunctionRow | undefined =>
  store.get<FunctionRow>(`SELECT * FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?`, [s.accountId, s.region, name]);

/** The function's row and one version's row in one query (Invoke's path): undefined without the function. */
export const getFunctionWithVersion = (
  store: StorePort,
  s: Scope,
  name: string,
  version: string,
): (FunctionRow & { config: string | null; code_sha256: string | null }) | undefined =>
  store.get(
    `SELECT f.*, v.config AS config, v.code_sha256 AS code_sha256 FROM lambda_functions f
     LEFT JOIN lambda_versions v ON v.account_id = f.account_id AND v.region = f.region AND v.name = f.name AND v.version = ?
     WHERE f.account_id = ? AND f.region = ? AND f.name = ?`,
    [version, s.accountId, s.region, name],
  );

export const insertFunctionRow = (store: StorePort, s: Scope, name: string, createdMs: number): void => {
  store.run(`INSERT INTO lambda_functions (account_id, region, name, created_ms) VALUES (?, ?, ?, ?)`, [s.accountId, s.region, name, createdMs]);
};

export const listFunctionNames = (store: StorePort, s: Scope, after: string | undefined, limit: number): string[] =>
  store
    .all<{ name: string }>(
      `SELECT name FROM lambda_functions WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`,
      [s.accountId, s.region, after ?? "", limit],
    )
    .map((r) => r.name);

export const setLastVersion = (store: StorePort, s: Scope, name: string, v: number): void => {
  store.run(`UPDATE lambda_functions SET last_version = ? WHERE account_id = ? AND region = ? AND name = ?`, [v, s.accountId, s.region, name]);
};

export const setReservedConcurrency = (store: StorePort, s: Scope, name: string, v: number | null): void => {
  store.run(`UPDATE lambda_functions SET reserved_concurrency = ? WHERE account_id = ? AND region = ? AND name = ?`, [v, s.accountId, s.region, name]);
};

export const setPolicy = (store: StorePort, s: Scope, name: string, policy: string | null): void => {
  store.run(`UPDATE lambda_functions SET policy = ? WHERE account_id = ? AND region = ? AND name = ?`, [policy, s.accountId, s.region, name]);
};

export const deleteFunctionRows = (store: StorePort, s: Scope, name: string): void => {
  const p = [s.accountId, s.region, name];
  store.run(`DELETE FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?`, p);
  store.run(`DELETE FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ?`, p);
  store.run(`DELETE FROM lambda_aliases WHERE account_id = ? AND region = ? AND function_name = ?`, p);
  store.run(`DELETE FROM lambda_url_configs WHERE account_id = ? AND region = ? AND function_name = ?`, p);
  store.run(`DELETE FROM lambda_event_invoke_configs WHERE account_id = ? AND region = ? AND function_name = ?`, p);
};

export const getVersionRow = (store: StorePort, s: Scope, name: string, version: string): VersionRow | undefined =>
  store.get<VersionRow>(
    `SELECT name, version, config, code_sha256 FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?`,
    [s.accountId, s.region, name, version],
  );

export const listVersionRows = (store: StorePort, s: Scope, name: string): VersionRow[] =>
  store.all<VersionRow>(
    `SELECT name, version, config, code_sha256 FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ?
     ORDER BY CASE WHEN version = '$LATEST' THEN 0 ELSE 1 END, CAST(version AS INTEGER)`,
    [s.accountId, s.region, name],
  );

export const putVersionRow = (store: StorePort, s: Scope, row: VersionRow): void => {
  store.run(
    `INSERT INTO lambda_versions (account_id, region, name, version, config, code_sha256) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, region, name, version) DO UPDATE SET config = excluded.config, code_sha256 = excluded.code_sha256`,
    [s.accountId, s.region, row.name, row.version, row.config, row.code_sha256],
  );
};

export const deleteVersionRow = (store: StorePort, s: Scope, name: string, version: string): void => {
  store.run(`DELETE FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?`, [s.accountId, s.region, name, version]);
};

// Code -----------------------------------------------------------------------------------------

export interface CodeRow {
  sha256: string;
  size: number;
  zip: Buffer | null;
  path: string | null;
}

export const getCodeRow = (store: StorePort, s: Scope, sha: string): CodeRow | undefined =>
  store.get<CodeRow>(`SELECT sha256, size, zip, path FROM lambda_code WHERE account_id = ? AND region = ? AND sha256 = ?`, [s.accountId, s.region, sha]);

export const putCodeRow = (store: StorePort, s: Scope, row: CodeRow): void => {
  store.run(
    `INSERT OR IGNORE INTO lambda_code (account_id, region, sha256, size, zip, path) VALUES (?, ?, ?, ?, ?, ?)`,
    [s.accountId, s.region, row.sha256, row.size, row.zip, row.path],
  );
};

/**
 * Drops deleted layer versions that no function version uses any more, then code rows that
 * neither a function version nor a layer version references (in every scope: a function may use
 * another account's layer); returns the zip files to delete.
 */
export const pruneCode = (store: StorePort): string[] => {
  store.run(
    `DELETE FROM lambda_layer_versions WHERE deleted = 1 AND NOT EXISTS
       (SELECT 1 FROM lambda_versions v WHERE instr(v.config, '"' || lambda_layer_versions.arn || '"') > 0)`,
  );
  const orphans = store.all<{ account_id: string; region: string; sha256: string; path: string | null }>(
    `SELECT account_id, region, sha256, path FROM lambda_code c WHERE NOT EXISTS
       (SELECT 1 FROM lambda_versions v WHERE v.account_id = c.account_id AND v.region = c.region AND v.code_sha256 = c.sha256)
     AND NOT EXISTS
       (SELECT 1 FROM lambda_layer_versions l WHERE l.account_id = c.account_id AND l.region = c.region AND l.code_sha256 = c.sha256)`,
  );
  for (const o of orphans) store.run(`DELETE FROM lambda_code WHERE account_id = ? AND region = ? AND sha256 = ?`, [o.account_id, o.region, o.sha256]);
  return orphans.map((o) => o.path).filter((p): p is string => !!p);
};

// Aliases --------------------------------------------------------------------------------------

export const getAliasRow = (store: StorePort, s: Scope, fn: string, name: string): { config: string } | undefined =>
  store.get(`SELECT config FROM lambda_aliases WHERE account_id = ? AND region = ? AND function_name = ? AND name = ?`, [s.accountId, s.region, fn, name]);

export const listAliasRows = (store: StorePort, s: Scope, fn: string): { name: string; config: string }[] =>
  store.all(`SELECT name, config FROM lambda_aliases WHERE account_id = ? AND region = ? AND function_name = ? ORDER BY name`, [s.accountId, s.region, fn]);

export const putAliasRow = (store: StorePort, s: Scope, fn: string, name: string, config: string): void => {
  store.run(
    `INSERT INTO lambda_aliases (account_id, region, function_name, name, config) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account_id, region, function_name, name) DO UPDATE SET config = excluded.config`,
    [s.accountId, s.region, fn, name, config],
  );
};

export const deleteAliasRow = (store: StorePort, s: Scope, fn: string, name: string): void => {
  store.run(`DELETE FROM lambda_aliases WHERE account_id = ? AND region = ? AND function_name = ? AND name = ?`, [s.accountId, s.region, fn, name]);
};

// Function URLs --------------------------------------------------------------------------------

export interface UrlRow {
  account_id: string;
  region: string;
  function_name: string;
  qualifier: string;
  url_id: string;
  config: string;
}

export const getUrlRow = (store: StorePort, s: Scope, fn: string, qualifier: string): UrlRow | undefined =>
  store.get<UrlRow>(`SELECT * FROM lambda_url_configs WHERE account_id = ? AND region = ? AND function_name = ? AND qualifier = ?`, [s.accountId, s.region, fn, qualifier]);

export const getUrlRowById = (store: StorePort, urlId: string): UrlRow | undefined =>
  store.get<UrlRow>(`SELECT * FROM lambda_url_configs WHERE url_id = ?`, [urlId]);

export const putUrlRow = (store: StorePort, row: UrlRow): void => {
  store.run(
    `INSERT INTO lambda_url_configs (account_id, region, function_name, qualifier, url_id, config) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, region, function_name, qualifier) DO UPDATE SET config = excluded.config`,
    [row.account_id, row.region, row.function_name, row.qualifier, row.url_id, row.config],
  );
};

export const deleteUrlRow = (store: StorePort, s: Scope, fn: string, qualifier: string): number =>
  store.run(`DELETE FROM lambda_url_configs WHERE account_id = ? AND region = ? AND function_name = ? AND qualifier = ?`, [s.accountId, s.region, fn, qualifier]).changes;

export const sumReservedConcurrency = (store: StorePort, s: Scope, exceptName: string): number =>
  store.get<{ total: number | null }>(
    `SELECT SUM(reserved_concurrency) AS total FROM lambda_functions WHERE account_id = ? AND region = ? AND name <> ?`,
    [s.accountId, s.region, exceptName],
  )?.total ?? 0;

export const listUrlRows = (store: StorePort, s: Scope, fn: string): UrlRow[] =>
  store.all<UrlRow>(`SELECT * FROM lambda_url_configs WHERE account_id = ? AND region = ? AND function_name = ? ORDER BY qualifier`, [s.accountId, s.region, fn]);

// Layers ---------------------------------------------------------------------------------------

export interface LayerVersionRow {
  account_id: string;
  region: string;
  name: string;
  version: number;
  arn: string;
  config: string;
  code_sha256: string;
  policy: string | null;
  deleted: number;
}

/** The next version number of a layer (creating the layer's row on first use). */
export const nextLayerVersion = (store: StorePort, s: Scope, name: string): number => {
  store.run(
    `INSERT INTO lambda_layers (account_id, region, name, last_version) VALUES (?, ?, ?, 1)
     ON CONFLICT (account_id, region, name) DO UPDATE SET last_version = last_version + 1`,
    [s.accountId, s.region, name],
  );
  return store.get<{ last_version: number }>(`SELECT last_version FROM lambda_layers WHERE account_id = ? AND region = ? AND name = ?`, [
    s.accountId, s.region, name,
  ])!.last_version;
};

export const putLayerVersionRow = (store: StorePort, row: LayerVersionRow): void => {
  store.run(
    `INSERT INTO lambda_layer_versions (account_id, region, name, version, arn, config, code_sha256, policy, deleted)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, region, name, version) DO UPDATE SET config = excluded.config, policy = excluded.policy, deleted = excluded.deleted`,
    [row.account_id, row.region, row.name, row.version, row.arn, row.config, row.code_sha256, row.policy, row.deleted],
  );
};

/** A layer version, deleted ones included only when asked (functions that use them still run). */
export const getLayerVersionRow = (store: StorePort, s: Scope, name: string, version: number, includeDeleted = false): LayerVersionRow | undefined =>
  store.get<LayerVersionRow>(
    `SELECT * FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?${includeDeleted ? "" : " AND deleted = 0"}`,
    [s.accountId, s.region, name, version],
  );

/** Live versions of one layer, newest first. */
export const listLayerVersionRows = (store: StorePort, s: Scope, name: string): LayerVersionRow[] =>
  store.all<LayerVersionRow>(
    `SELECT * FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND name = ? AND deleted = 0 ORDER BY version DESC`,
    [s.accountId, s.region, name],
  );

/** Live versions of every layer of a scope, by name, newest first. */
export const listAllLayerVersionRows = (store: StorePort, s: Scope): LayerVersionRow[] =>
  store.all<LayerVersionRow>(
    `SELECT * FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND deleted = 0 ORDER BY name, version DESC`,
    [s.accountId, s.region],
  );

export const markLayerVersionDeleted = (store: StorePort, s: Scope, name: string, version: number): void => {
  store.run(`UPDATE lambda_layer_versions SET deleted = 1, policy = NULL WHERE account_id = ? AND region = ? AND name = ? AND version = ?`, [
    s.accountId, s.region, name, version,
  ]);
};

// Event invoke configs -------------------------------------------------------------------------

export const getEventInvokeConfigRow = (store: StorePort, s: Scope, fn: string, qualifier: string): { config: string } | undefined =>
  store.get(`SELECT config FROM lambda_event_invoke_configs WHERE account_id = ? AND region = ? AND function_name = ? AND qualifier = ?`, [
    s.accountId, s.region, fn, qualifier,
  ]);

export const listEventInvokeConfigRows = (store: StorePort, s: Scope, fn: string): { qualifier: string; config: string }[] =>
  store.all(`SELECT qualifier, config FROM lambda_event_invoke_configs WHERE account_id = ? AND region = ? AND function_name = ? ORDER BY qualifier`, [
    s.accountId, s.region, fn,
  ]);

export const putEventInvokeConfigRow = (store: StorePort, s: Scope, fn: string, qualifier: string, config: string): void => {
  store.run(
    `INSERT INTO lambda_event_invoke_configs (account_id, region, function_name, qualifier, config) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account_id, region, function_name, qualifier) DO UPDATE SET config = excluded.config`,
    [s.accountId, s.region, fn, qualifier, config],
  );
};

export const deleteEventInvokeConfigRow = (store: StorePort, s: Scope, fn: string, qualifier: string): number =>
  store.run(`DELETE FROM lambda_event_invoke_configs WHERE account_id = ? AND region = ? AND function_name = ? AND qualifier = ?`, [
    s.accountId, s.region, fn, qualifier,
  ]).changes;


// Asynchronous invocation queue ----------------------------------------------------------------

export interface AsyncEventRow {
  request_id: string;
  account_id: string;
  region: string;
  function_name: string;
  qualifier: string | null;
  payload: Buffer;
  invoked_arn: string;
  client_context: string | null;
  received_ms: number;
  attempts: number;
  next_attempt_ms: number;
  throttle_delay_ms: number;
  outcome: string | null;
  last_version: string | null;
  last_function_error: string | null;
  last_response: Buffer | null;
}

export const insertAsyncEvent = (
  store: StorePort,
  row: Pick<AsyncEventRow, "request_id" | "account_id" | "region" | "function_name" | "qualifier" | "payload" | "invoked_arn" | "client_context" | "received_ms" | "next_attempt_ms">,
): void => {
  store.run(
    `INSERT INTO lambda_async_events (request_id, account_id, region, function_name, qualifier, payload, invoked_arn, client_context, received_ms, next_attempt_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.request_id, row.account_id, row.region, row.function_name, row.qualifier, row.payload, row.invoked_arn, row.client_context, row.received_ms, row.next_attempt_ms],
  );
};

export const getAsyncEvent = (store: StorePort, requestId: string): AsyncEventRow | undefined =>
  store.get<AsyncEventRow>(`SELECT * FROM lambda_async_events WHERE request_id = ?`, [requestId]);

/** Every queued event's id and due time (to re-arm them after a restart), the earliest first. */
export const listAsyncEventsDue = (store: StorePort): { request_id: string; next_attempt_ms: number }[] =>
  store.all(`SELECT request_id, next_attempt_ms FROM lambda_async_events ORDER BY next_attempt_ms, received_ms`);

/** After a throttled attempt: the event waits in the queue, its attempt count unchanged. */
export const setAsyncEventThrottled = (store: StorePort, requestId: string, nextAttemptMs: number, throttleDelayMs: number): void => {
  store.run(`UPDATE lambda_async_events SET next_attempt_ms = ?, throttle_delay_ms = ? WHERE request_id = ?`, [nextAttemptMs, throttleDelayMs, requestId]);
};

/** After an attempt that ran the function: its result, when the next step is due, and the outcome once there is one. */
export const setAsyncEventAttempted = (
  store: StorePort,
  requestId: string,
  a: { attempts: number; nextAttemptMs: number; outcome: string | null; version: string; functionError: string | null; response: Buffer },
): number =>
  store.run(
    `UPDATE lambda_async_events SET attempts = ?, next_attempt_ms = ?, throttle_delay_ms = 1000, outcome = ?, last_version = ?, last_function_error = ?, last_response = ?
     WHERE request_id = ?`,
    [a.attempts, a.nextAttemptMs, a.outcome, a.version, a.functionError, a.response, requestId],
  ).changes;

export const setAsyncEventOutcome = (store: StorePort, requestId: string, outcome: string): void => {
  store.run(`UPDATE lambda_async_events SET outcome = ? WHERE request_id = ?`, [outcome, requestId]);
};

export const deleteAsyncEvent = (store: StorePort, requestId: string): void => {
  store.run(`DELETE FROM lambda_async_events WHERE request_id = ?`, [requestId]);
};
