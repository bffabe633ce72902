/**
 * Athena query executions: StartQueryExecution, GetQueryExecution, BatchGetQueryExecution,
 * GetQueryResults, ListQueryExecutions, StopQueryExecution
 * (https://docs.aws.amazon.com/athena/latest/APIReference/API_Operations.html).
 *
 * A query is QUEUED when submitted, RUNNING while the worker runs it (engine.ts), then
 * SUCCEEDED, FAILED (StateChangeReason and AthenaError) or CANCELLED. Only the "primary"
 * workgroup exists and it has no result location, so ResultConfiguration.OutputLocation is
 * required, as in a new account. GetQueryResults returns the header row first for queries
 * (https://docs.aws.amazon.com/athena/latest/ug/querying.html); DDL and utility statements
 * (SHOW TABLES, ...) return their rows without one.
 */
import { randomUUID } from "node:crypto";
import { opDefiner, type OperationContext } from "../../core/index.js";
import { parseStatement, statementType, type Statement } from "./ddl.js";
import { cancelQuery, submitQuery, type ResultColumn } from "./engine.js";
import { athenaErrors } from "./errors.js";
import { findQueryByToken, getQuery, insertQuery, listQueryIds, updateQuery, type QueryRow } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-athena")>();

export const DEFAULT_CATALOG = "AwsDataCatalog";
export const PRIMARY_WORKGROUP = "primary";

const substatementOf = (st: Statement, sql: string): string => {
  switch (st.kind) {
    case "dml": {
      const first = /^\s*(?:\(\s*)*(\w+)/.exec(sql.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)*/g, ""))?.[1]?.toUpperCase() ?? "SELECT";
      return first === "WITH" || first === "VALUES" ? "SELECT" : first;
    }
    case "createDatabase":
      return "CREATE_DATABASE";
    case "dropDatabase":
      return "DROP_DATABASE";
    case "createTable":
      return "CREATE_TABLE";
    case "dropTable":
      return "DROP_TABLE";
    case "addPartitions":
      return "ALTER_TABLE_ADD_PARTITION";
    case "dropPartitions":
      return "ALTER_TABLE_DROP_PARTITION";
    case "msck":
      return "MSCK_REPAIR_TABLE";
    case "showTables":
      return "SHOW_TABLES";
    case "showDatabases":
      return "SHOW_DATABASES";
    case "showPartitions":
      return "SHOW_PARTITIONS";
    case "showColumns":
      return "SHOW_COLUMNS";
    case "describe":
      return "DESCRIBE_TABLE";
  }
};

const queryOf = (ctx: OperationContext, id: string | undefined): QueryRow => {
  const row = id ? getQuery(ctx.store, id) : undefined;
  if (!row || row.account_id !== ctx.accountId || row.region !== ctx.region) throw athenaErrors.invalidRequest(`QueryExecution ${id ?? ""} was not found`);
  return row;
};

export const toQueryExecution = (row: QueryRow) => {
  const end = row.completed_at ?? undefined;
  const queue = (row.started_at ?? end ?? row.submitted_at) - row.submitted_at;
  const engine = end !== undefined && row.started_at !== null ? end - row.started_at : undefined;
  return {
    QueryExecutionId: row.id,
    Query: row.query,
    StatementType: row.statement_type as "DDL" | "DML" | "UTILITY",
    ...(row.substatement_type ? { SubstatementType: row.substatement_type } : {}),
    ResultConfiguration: { OutputLocation: row.output_location },
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    QueryExecutionContext: { Database: row.db, Catalog: row.catalog },
    Status: {
      State: row.state as "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED",
      ...(row.reason ? { StateChangeReason: row.reason } : {}),
      SubmissionDateTime: new Date(row.submitted_at),
      ...(end !== undefined ? { CompletionDateTime: new Date(end) } : {}),
      ...(row.error ? { AthenaError: JSON.parse(row.error) as { ErrorCategory: number; ErrorType: number; Retryable: boolean; ErrorMessage: string } } : {}),
    },
    Statistics: {
      ...(engine !== undefined ? { EngineExecutionTimeInMillis: engine, TotalExecutionTimeInMillis: (end ?? row.submitted_at) - row.submitted_at } : {}),
      DataScannedInBytes: row.scanned_bytes,
      QueryQueueTimeInMillis: queue,
      ServicePreProcessingTimeInMillis: 0,
      ...(engine !== undefined ? { QueryPlanningTimeInMillis: 0, ServiceProcessingTimeInMillis: 0 } : {}),
      ResultReuseInformation: { ReusedPreviousResult: false },
    },
    WorkGroup: row.workgroup,
    EngineVersion: { SelectedEngineVersion: "AUTO", EffectiveEngineVersion: "Athena engine version 3" },
  };
};

export const startQueryExecution = defineOp("StartQueryExecution", (input, ctx) => {
  const sql = input.QueryString ?? "";
  if (sql.length < 1 || sql.length > 262144) {
    throw athenaErrors.invalidRequest(`1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length between 1 and 262144`);
  }
  const workgroup = input.WorkGroup ?? PRIMARY_WORKGROUP;
  if (workgroup !== PRIMARY_WORKGROUP) throw athenaErrors.invalidRequest(`WorkGroup ${workgroup} is not found.`);
  const catalog = input.QueryExecutionContext?.Catalog ?? DEFAULT_CATALOG;
  if (catalog.toLowerCase() !== DEFAULT_CATALOG.toLowerCase()) throw athenaErrors.invalidRequest(`Catalog ${catalog} was not found.`);
  const outputPrefix = input.ResultConfiguration?.OutputLocation;
  if (!outputPrefix) {
    throw athenaErrors.invalidRequest(
      "No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.",
    );
  }
  if (!/^s3:\/\/[^/]+/.test(outputPrefix)) throw athenaErrors.invalidRequest(`outputLocation ${outputPrefix} is not a valid S3 path.`);
  const scope = { accountId: ctx.accountId, region: ctx.region };
  if (input.ClientRequestToken) {
    const prior = findQueryByToken(ctx.store, scope, input.ClientRequestToken);
    if (prior) {
      if (prior.query !== sql) throw athenaErrors.invalidRequest("Idempotent parameters do not match", "INVALID_INPUT");
      return { QueryExecutionId: prior.id };
    }
  }
  let st: Statement;
  try {
    st = parseStatement(sql);
  } catch {
    st = { kind: "dml" };
  }
  const kind = statementType(st);
  const id = randomUUID();
  const prefix = outputPrefix.endsWith("/") ? outputPrefix : `${outputPrefix}/`;
  insertQuery(ctx.store, {
    id,
    account_id: ctx.accountId,
    region: ctx.region,
    query: sql,
    statement_type: kind,
    substatement_type: substatementOf(st, sql),
    catalog,
    db: (input.QueryExecutionContext?.Database ?? "default").toLowerCase(),
    workgroup,
    output_prefix: prefix,
    output_location: `${prefix}${id}.${kind === "DML" ? "csv" : "txt"}`,
    client_token: input.ClientRequestToken ?? null,
    state: "QUEUED",
    reason: null,
    error: null,
    submitted_at: ctx.clock.now(),
    started_at: null,
    completed_at: null,
    scanned_bytes: 0,
    columns: null,
    rows: null,
    header: kind === "DML" ? 1 : 0,
  });
  if (!ctx.runtime) throw athenaErrors.internal("Cloudbox runtime unavailable");
  submitQuery(ctx.runtime, id);
  return { QueryExecutionId: id };
});

export const getQueryExecution = defineOp("GetQueryExecution", (input, ctx) => ({ QueryExecution: toQueryExecution(queryOf(ctx, input.QueryExecutionId)) }));

export const batchGetQueryExecution = defineOp("BatchGetQueryExecution", (input, ctx) => {
  const ids = input.QueryExecutionIds ?? [];
  if (ids.length < 1 || ids.length > 50) throw athenaErrors.invalidRequest("1 validation error detected: Value at 'queryExecutionIds' failed to satisfy constraint: Member must have length between 1 and 50");
  const found = [];
  const missing = [];
  for (const id of ids) {
    const row = getQuery(ctx.store, id);
    if (row && row.account_id === ctx.accountId && row.region === ctx.region) found.push(toQueryExecution(row));
    else missing.push({ QueryExecutionId: id, ErrorCode: "INVALID_INPUT", ErrorMessage: `QueryExecution ${id} was not found` });
  }
  return { QueryExecutions: found, UnprocessedQueryExecutionIds: missing };
});

const decodeToken = (token: string | undefined, what: string): number => {
  if (!token) return 0;
  const m = /^cbx:(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"));
  if (!m) throw athenaErrors.invalidRequest(`The ${what} token provided is not valid.`);
  return Number(m[1]);
};
const encodeToken = (n: number) => Buffer.from(`cbx:${n}`, "utf8").toString("base64");

export const getQueryResults = defineOp("GetQueryResults", (input, ctx) => {
  const row = queryOf(ctx, input.QueryExecutionId);
  const max = input.MaxResults ?? 1000;
  if (max < 1 || max > 1000) {
    throw athenaErrors.invalidRequest(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  if (row.state === "QUEUED" || row.state === "RUNNING") throw athenaErrors.invalidRequest(`Query has not yet finished. Current state: ${row.state}`);
  if (row.state !== "SUCCEEDED") throw athenaErrors.invalidRequest(`Query did not finish successfully. Final query state: ${row.state}`);
  const columns = JSON.parse(row.columns ?? "[]") as ResultColumn[];
  const data = JSON.parse(row.rows ?? "[]") as (string | null)[][];
  const all: (string | null)[][] = row.header && columns.length ? [columns.map((c) => c.Name), ...data] : data;
  const offset = decodeToken(input.NextToken, "next");
  const page = all.slice(offset, offset + max);
  const next = offset + max < all.length ? encodeToken(offset + max) : undefined;
  return {
    UpdateCount: 0,
    ResultSet: {
      Rows: page.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
      ResultSetMetadata: {
        ColumnInfo: columns.map((c) => ({
          CatalogName: "hive",
          SchemaName: "",
          TableName: "",
          Name: c.Name,
          Label: c.Name,
          Type: c.Type,
          Precision: c.Precision,
          Scale: c.Scale,
          Nullable: "UNKNOWN" as const,
          CaseSensitive: c.Type === "varchar",
        })),
      },
    },
    ...(next ? { NextToken: next } : {}),
  };
});

export const listQueryExecutions = defineOp("ListQueryExecutions", (input, ctx) => {
  const workgroup = input.WorkGroup ?? PRIMARY_WORKGROUP;
  if (workgroup !== PRIMARY_WORKGROUP) throw athenaErrors.invalidRequest(`WorkGroup ${workgroup} is not found.`);
  const max = input.MaxResults ?? 50;
  if (max < 0 || max > 50) {
    throw athenaErrors.invalidRequest(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50`);
  }
  const offset = decodeToken(input.NextToken, "next");
  const ids = listQueryIds(ctx.store, { accountId: ctx.accountId, region: ctx.region }, workgroup, offset, max + 1);
  return { QueryExecutionIds: ids.slice(0, max), ...(ids.length > max ? { NextToken: encodeToken(offset + max) } : {}) };
});

export const stopQueryExecution = defineOp("StopQueryExecution", (input, ctx) => {
  const row = queryOf(ctx, input.QueryExecutionId);
  if (row.state === "QUEUED" || row.state === "RUNNING") {
    updateQuery(ctx.store, row.id, { state: "CANCELLED", completed_at: ctx.clock.now() });
    if (ctx.runtime) cancelQuery(ctx.runtime, row.id);
  }
  return {};
});
