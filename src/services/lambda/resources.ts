/**
 * The function's satellite resources: aliases (CreateAlias, GetAlias, ListAliases, UpdateAlias,
 * DeleteAlias, with RoutingConfig weights), reserved concurrency (Put/Get/DeleteFunctionConcurrency),
 * the resource policy (AddPermission, GetPolicy, RemovePermission) and function URL configs
 * (Create/Get/Update/Delete/ListFunctionUrlConfigs).
 *
 * Function URLs: Lambda gives https://<url-id>.lambda-url.<region>.on.aws/; Cloudbox gives
 * http://<url-id>.lambda-url.<region>.localhost:<port>/ on its own port (`*.localhost` resolves to
 * the loopback address), and the same function answers under
 * http://127.0.0.1:<port>/_cloudbox/lambda-url/<url-id>/ for clients that cannot resolve it.
 * Serving those requests is function-url.ts; the gateway routes them there.
 * Not done: policies per qualifier (one policy per function; each statement's Resource carries
 * its qualifier: DEVIATION), policy enforcement (no IAM yet), provisioned concurrency.
 */
import { randomBytes } from "node:crypto";
import type { AliasConfiguration } from "@aws-sdk/client-lambda";
import { opDefiner } from "../../core/index.js";
import { lambdaErrors } from "./errors.js";
import { functionArn, newRevisionId, parseFunctionName, readConfig, requireFunction, runtimeOf, scopeOf } from "./model.js";
import {
  deleteAliasRow,
  deleteEventInvokeConfigRow,
  deleteUrlRow,
  getAliasRow,
  getUrlRow,
  listAliasRows,
  listUrlRows,
  sumReservedConcurrency,
  putAliasRow,
  putUrlRow,
  setPolicy,
  setReservedConcurrency,
  type Scope,
} from "./store.js";
import type { StorePort } from "../../core/index.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-lambda")>();

// Aliases ------------------------------------------------------------------------------------

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

const checkVersionExists = (store: StorePort, s: Scope, fn: string, version: string): void => {
  if (version !== "$LATEST" && !readConfig(store, s, fn, version)) throw lambdaErrors.functionNotFound(functionArn(s, fn, version));
};

const checkRouting = (store: StorePort, s: Scope, fn: string, version: string, weights: Record<string, number> | undefined): void => {
  if (!weights) return;
  const entries = Object.entries(weights);
  if (entries.length > 1) throw lambdaErrors.invalidParameterValue("Number of items in AdditionalVersionWeights cannot be greater than 1");
  for (const [v, w] of entries) {
    if (!(w >= 0 && w <= 1)) throw lambdaErrors.invalidParameterValue(`Invalid weight ${w} for version ${v}: weights must be between 0.0 and 1.0.`);
    if (v === version) throw lambdaErrors.invalidParameterValue(`Invalid function version ${v}. Function version ${v} is already included in routing configuration.`);
    if (v === "$LATEST") throw lambdaErrors.invalidParameterValue("$LATEST is not supported for an alias pointing to more than 1 version");
    checkVersionExists(store, s, fn, v);
  }
};

const aliasArn = (s: Scope, fn: string, name: string) => functionArn(s, fn, name);

export const createAlias = defineOp("CreateAlias", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name: fn } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, fn);
  const name = input.Name ?? "";
  if (!ALIAS_NAME.test(name) || name.length > 128) {
    throw lambdaErrors.invalidParameterValue(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`);
  }
  const version = input.FunctionVersion ?? "";
  checkVersionExists(ctx.store, s, fn, version);
  if (getAliasRow(ctx.store, s, fn, name)) throw lambdaErrors.resourceConflict(`Alias already exists: ${aliasArn(s, fn, name)}`);
  checkRouting(ctx.store, s, fn, version, input.RoutingConfig?.AdditionalVersionWeights);
  const config: AliasConfiguration = {
    AliasArn: aliasArn(s, fn, name),
    Name: name,
    FunctionVersion: version,
    Description: input.Description ?? "",
    ...(input.RoutingConfig?.AdditionalVersionWeights ? { RoutingConfig: { AdditionalVersionWeights: input.RoutingConfig.AdditionalVersionWeights } } : {}),
    RevisionId: newRevisionId(),
  };
  putAliasRow(ctx.store, s, fn, name, JSON.stringify(config));
  return config;
});

const requireAlias = (store: StorePort, s: Scope, fn: string, name: string): AliasConfiguration => {
  const row = getAliasRow(store, s, fn, name);
  if (!row) throw lambdaErrors.resourceNotFound(`Cannot find alias arn: ${aliasArn(s, fn, name)}`);
  return JSON.parse(row.config) as AliasConfiguration;
};

export const getAlias = defineOp("GetAlias", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name: fn } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, fn);
  return requireAlias(ctx.store, s, fn, input.Name ?? "");
});

export const listAliases = defineOp("ListAliases", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name: fn } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, fn);
  let all = listAliasRows(ctx.store, s, fn).map((r) => JSON.parse(r.config) as AliasConfiguration);
  if (input.FunctionVersion) all = all.filter((a) => a.FunctionVersion === input.FunctionVersion);
  const start = input.Marker ? Number(Buffer.from(input.Marker, "base64url").toString("utf8")) || 0 : 0;
  const max = input.MaxItems ?? 50;
  return {
    Aliases: all.slice(start, start + max),
    ...(start + max < all.length ? { NextMarker: Buffer.from(String(start + max)).toString("base64url") } : {}),
  };
});

export const updateAlias = defineOp("UpdateAlias", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name: fn } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, fn);
  const name = input.Name ?? "";
  const cur = requireAlias(ctx.store, s, fn, name);
  if (input.RevisionId && input.RevisionId !== cur.RevisionId) throw lambdaErrors.preconditionFailed();
  const version = input.FunctionVersion ?? cur.FunctionVersion ?? "$LATEST";
  checkVersionExists(ctx.store, s, fn, version);
  const next: AliasConfiguration = { ...cur, FunctionVersion: version, RevisionId: newRevisionId() };
  if (input.Description !== undefined) next.Description = input.Description;
  if (input.RoutingConfig !== undefined) {
    const w = input.RoutingConfig.AdditionalVersionWeights;
    checkRouting(ctx.store, s, fn, version, w);
    if (w && Object.keys(w).length) next.RoutingConfig = { AdditionalVersionWeights: w };
    else delete next.RoutingConfig;
  }
  putAliasRow(ctx.store, s, fn, name, JSON.stringify(next));
  return next;
});

export const deleteAlias = defineOp("DeleteAlias", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name: fn } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, fn);
  // DeleteAlias of a missing alias succeeds (204), as Lambda answers.
  deleteAliasRow(ctx.store, s, fn, input.Name ?? "");
  deleteUrlRow(ctx.store, s, fn, input.Name ?? "");
  deleteEventInvokeConfigRow(ctx.store, s, fn, input.Name ?? "");
  return {};
});

// Reserved concurrency -----------------------------------------------------------------------

/** Lambda's default account concurrency (1,000) and the unreserved minimum it keeps (100). */
const ACCOUNT_CONCURRENCY = 1000;
const MIN_UNRESERVED = 100;

export const putFunctionConcurrency = defineOp("PutFunctionConcurrency", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, name);
  const n = input.ReservedConcurrentExecutions ?? -1;
  if (!Number.isInteger(n) || n < 0) {
    throw lambdaErrors.invalidParameterValue(`1 validation error detected: Value '${n}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`);
  }
  const others = sumReservedConcurrency(ctx.store, s, name);
  if (others + n > ACCOUNT_CONCURRENCY - MIN_UNRESERVED) {
    // Lambda's text (PutFunctionConcurrency, "Errors"/InvalidParameterValueException).
    throw lambdaErrors.invalidParameterValue(
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
    );
  }
  setReservedConcurrency(ctx.store, s, name, n);
  return { ReservedConcurrentExecutions: n };
});

export const getFunctionConcurrency = defineOp("GetFunctionConcurrency", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  const fn = requireFunction(ctx.store, s, name);
  return fn.reserved_concurrency === null ? {} : { ReservedConcurrentExecutions: fn.reserved_concurrency };
});

export const deleteFunctionConcurrency = defineOp("DeleteFunctionConcurrency", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, name);
  setReservedConcurrency(ctx.store, s, name, null);
  return {};
});

// Resource policy ----------------------------------------------------------------------------

interface PolicyDoc {
  Version: string;
  Id: string;
  Statement: Array<Record<string, unknown> & { Sid: string }>;
}

const principalOf = (p: string): unknown => {
  if (p === "*") return "*";
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith("arn:")) return { AWS: p };
  return { Service: p };
};

export const addPermission = defineOp("AddPermission", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const fn = requireFunction(ctx.store, s, ref.name);
  const qualifier = input.Qualifier ?? ref.qualifier;
  if (qualifier && qualifier !== "$LATEST" && !/^\d+$/.test(qualifier)) requireAlias(ctx.store, s, ref.name, qualifier);
  if (qualifier && /^\d+$/.test(qualifier)) checkVersionExists(ctx.store, s, ref.name, qualifier);
  const doc: PolicyDoc = fn.policy ? (JSON.parse(fn.policy) as PolicyDoc) : { Version: "2012-10-17", Id: "default", Statement: [] };
  const sid = input.StatementId ?? "";
  if (doc.Statement.some((st) => st.Sid === sid)) {
    throw lambdaErrors.resourceConflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
  }
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceAccount) condition.StringEquals = { "AWS:SourceAccount": input.SourceAccount };
  if (input.SourceArn) condition.ArnLike = { "AWS:SourceArn": input.SourceArn };
  if (input.PrincipalOrgID) condition.StringEquals = { ...(condition.StringEquals ?? {}), "aws:PrincipalOrgID": input.PrincipalOrgID };
  if (input.FunctionUrlAuthType) condition.StringEquals = { ...(condition.StringEquals ?? {}), "lambda:FunctionUrlAuthType": input.FunctionUrlAuthType };
  if (input.EventSourceToken) condition.StringEquals = { ...(condition.StringEquals ?? {}), "lambda:EventSourceToken": input.EventSourceToken };
  const statement = {
    Sid: sid,
    Effect: "Allow",
    Principal: principalOf(input.Principal ?? ""),
    Action: input.Action ?? "",
    Resource: functionArn(s, ref.name, qualifier),
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
  doc.Statement.push(statement);
  setPolicy(ctx.store, s, ref.name, JSON.stringify(doc));
  return { Statement: JSON.stringify(statement) };
});

export const getPolicy = defineOp("GetPolicy", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const fn = requireFunction(ctx.store, s, ref.name);
  if (!fn.policy) throw lambdaErrors.resourceNotFound("The resource you requested does not exist.");
  const revision = readConfig(ctx.store, s, ref.name)?.config.RevisionId;
  return { Policy: fn.policy, ...(revision ? { RevisionId: revision } : {}) };
});

export const removePermission = defineOp("RemovePermission", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const fn = requireFunction(ctx.store, s, ref.name);
  const doc: PolicyDoc | undefined = fn.policy ? (JSON.parse(fn.policy) as PolicyDoc) : undefined;
  const sid = input.StatementId ?? "";
  if (!doc || !doc.Statement.some((st) => st.Sid === sid)) {
    throw lambdaErrors.resourceNotFound(`Statement ${sid} is not found in resource policy.`);
  }
  doc.Statement = doc.Statement.filter((st) => st.Sid !== sid);
  setPolicy(ctx.store, s, ref.name, doc.Statement.length ? JSON.stringify(doc) : null);
  return {};
});

// Function URLs ------------------------------------------------------------------------------

const urlFor = (endpoint: string, urlId: string, region: string): string => {
  const u = new URL(endpoint);
  return `${u.protocol}//${urlId}.lambda-url.${region}.localhost${u.port ? `:${u.port}` : ""}/`;
};

interface StoredUrlConfig {
  FunctionUrl: string;
  FunctionArn: string;
  AuthType: "NONE" | "AWS_IAM";
  Cors?: Record<string, unknown>;
  CreationTime: string;
  LastModifiedTime: string;
  InvokeMode: "BUFFERED" | "RESPONSE_STREAM";
}

const urlQualifier = (q: string | undefined): string => (q && q !== "$LATEST" ? q : "");

export const createFunctionUrlConfig = defineOp("CreateFunctionUrlConfig", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, ref.name);
  const q = urlQualifier(input.Qualifier ?? ref.qualifier);
  if (q && /^\d+$/.test(q)) throw lambdaErrors.invalidParameterValue("Function URL is not supported on a function version; use an alias or $LATEST.");
  if (q) requireAlias(ctx.store, s, ref.name, q);
  const arn = functionArn(s, ref.name, q || undefined);
  if (getUrlRow(ctx.store, s, ref.name, q)) {
    throw lambdaErrors.resourceConflict(`Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
  }
  const urlId = randomBytes(16).toString("hex");
  const now = new Date(ctx.clock.now()).toISOString();
  const config: StoredUrlConfig = {
    FunctionUrl: urlFor(runtimeOf(ctx).endpoint(), urlId, s.region),
    FunctionArn: arn,
    AuthType: input.AuthType ?? "NONE",
    ...(input.Cors ? { Cors: input.Cors as Record<string, unknown> } : {}),
    CreationTime: now,
    LastModifiedTime: now,
    InvokeMode: input.InvokeMode ?? "BUFFERED",
  };
  putUrlRow(ctx.store, { account_id: s.accountId, region: s.region, function_name: ref.name, qualifier: q, url_id: urlId, config: JSON.stringify(config) });
  const { LastModifiedTime: _ignored, ...created } = config;
  return created;
});

const requireUrl = (store: StorePort, s: Scope, fn: string, q: string): StoredUrlConfig => {
  const row = getUrlRow(store, s, fn, q);
  if (!row) throw lambdaErrors.resourceNotFound("The resource you requested does not exist.");
  return JSON.parse(row.config) as StoredUrlConfig;
};

export const getFunctionUrlConfig = defineOp("GetFunctionUrlConfig", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, ref.name);
  return requireUrl(ctx.store, s, ref.name, urlQualifier(input.Qualifier ?? ref.qualifier));
});

export const updateFunctionUrlConfig = defineOp("UpdateFunctionUrlConfig", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, ref.name);
  const q = urlQualifier(input.Qualifier ?? ref.qualifier);
  const row = getUrlRow(ctx.store, s, ref.name, q);
  const cur = requireUrl(ctx.store, s, ref.name, q);
  const next: StoredUrlConfig = {
    ...cur,
    ...(input.AuthType ? { AuthType: input.AuthType } : {}),
    ...(input.Cors ? { Cors: input.Cors as Record<string, unknown> } : {}),
    ...(input.InvokeMode ? { InvokeMode: input.InvokeMode } : {}),
    LastModifiedTime: new Date(ctx.clock.now()).toISOString(),
  };
  putUrlRow(ctx.store, { ...row!, config: JSON.stringify(next) });
  return next;
});

export const deleteFunctionUrlConfig = defineOp("DeleteFunctionUrlConfig", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, ref.name);
  if (deleteUrlRow(ctx.store, s, ref.name, urlQualifier(input.Qualifier ?? ref.qualifier)) === 0) {
    throw lambdaErrors.resourceNotFound("The resource you requested does not exist.");
  }
  return {};
});

export const listFunctionUrlConfigs = defineOp("ListFunctionUrlConfigs", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, ref.name);
  const rows = listUrlRows(ctx.store, s, ref.name);
  return { FunctionUrlConfigs: rows.map((r) => JSON.parse(r.config) as StoredUrlConfig) };
});
