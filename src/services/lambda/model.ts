/**
 * Shared pieces of the Lambda service: runtimes, ARNs, name and qualifier resolution, and the
 * stored FunctionConfiguration snapshots.
 */
import { randomUUID } from "node:crypto";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { commonErrors, type OperationContext, type ServiceRuntime, type StorePort } from "../../core/index.js";
import { lambdaErrors } from "./errors.js";
import { getAliasRow, getFunctionRow, getFunctionWithVersion, getVersionRow, type FunctionRow, type Scope } from "./store.js";

/**
 * The runtimes Cloudbox runs locally. DEVIATION: Lambda also accepts java*, dotnet*, ruby* and
 * nodejs24.x/python3.14; Cloudbox refuses them with Lambda's enum message (docs/deviations.md).
 */
export const SUPPORTED_RUNTIMES = [
  "nodejs18.x", "nodejs20.x", "nodejs22.x",
  "python3.9", "python3.10", "python3.11", "python3.12", "python3.13",
  "provided.al2", "provided.al2023",
] as const;

/**
 * Runtimes Lambda no longer lets anyone create or update functions with
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, "Deprecated runtimes"); real
 * Lambda answers with "The runtime parameter of <r> is no longer supported for creating or updating
 * AWS Lambda functions. We recommend you use the new runtime (<new>) while creating or updating functions."
 */
const DEPRECATED: Record<string, string> = {
  nodejs: "nodejs22.x", "nodejs4.3": "nodejs22.x", "nodejs6.10": "nodejs22.x", "nodejs8.10": "nodejs22.x",
  "nodejs10.x": "nodejs22.x", "nodejs12.x": "nodejs22.x", "nodejs14.x": "nodejs22.x", "nodejs16.x": "nodejs22.x",
  "python2.7": "python3.13", "python3.6": "python3.13", "python3.7": "python3.13", "python3.8": "python3.13",
  provided: "provided.al2023", "go1.x": "provided.al2023",
};

export const checkRuntime = (runtime: string | undefined): void => {
  if (runtime === undefined) return;
  if ((SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) return;
  const newer = DEPRECATED[runtime];
  if (newer) {
    throw lambdaErrors.invalidParameterValue(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${newer}) while creating or updating functions.`,
    );
  }
  // The text real Lambda answers for a value outside its enum (LocalStack reproduces it verbatim).
  throw lambdaErrors.invalidParameterValue(
    `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(", ")}] or be a valid ARN`,
  );
};

export const runtimeFamily = (runtime: string): "nodejs" | "python" | "provided" =>
  runtime.startsWith("nodejs") ? "nodejs" : runtime.startsWith("python") ? "python" : "provided";

export const functionArn = (s: Scope, name: string, qualifier?: string): string =>
  `arn:aws:lambda:${s.region}:${s.accountId}:function:${name}${qualifier ? `:${qualifier}` : ""}`;

/** Lambda's timestamp format: 2019-08-14T22:26:11.234+0000. */
export const lambdaTimestamp = (ms: number): string => new Date(ms).toISOString().replace("Z", "+0000");

export const newRevisionId = (): string => randomUUID();

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

/**
 * FunctionName as the API takes it: a name, `name:qualifier`, a partial ARN
 * (`123456789012:function:name[:qualifier]`) or a full ARN.
 */
export const parseFunctionName = (value: string | undefined, ctx: OperationContext): FunctionRef => {
  const v = value ?? "";
  const parts = v.split(":");
  let name: string | undefined;
  let qualifier: string | undefined;
  if (v.startsWith("arn:")) {
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    if (parts.length >= 7 && parts[2] === "lambda" && parts[5] === "function") {
      name = parts[6];
      qualifier = parts[7];
      if (parts[3] !== ctx.region || parts[4] !== ctx.accountId) {
        // DEVIATION: cross-account and cross-Region function ARNs are not followed; Lambda
        // would check the resource policy. Treated as not found here.
        throw lambdaErrors.functionNotFound(v);
      }
    }
  } else if (parts.length >= 3 && parts[1] === "function") {
    name = parts[2];
    qualifier = parts[3];
  } else if (parts.length <= 2) {
    name = parts[0];
    qualifier = parts[1];
  }
  if (!name || !NAME.test(name) || parts.length > 8) {
    throw commonErrors.validation(
      `1 validation error detected: Value '${v}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  return qualifier ? { name, qualifier } : { name };
};

export const scopeOf = (ctx: { accountId: string; region: string }): Scope => ({ accountId: ctx.accountId, region: ctx.region });

export const requireFunction = (store: StorePort, s: Scope, name: string): FunctionRow => {
  const row = getFunctionRow(store, s, name);
  if (!row) throw lambdaErrors.functionNotFound(functionArn(s, name));
  return row;
};

/** The function's configuration of one version ($LATEST by default). */
export const readConfig = (store: StorePort, s: Scope, name: string, version = "$LATEST"): { config: StoredConfig; codeSha256: string } | undefined => {
  const row = getVersionRow(store, s, name, version);
  return row ? { config: JSON.parse(row.config) as StoredConfig, codeSha256: row.code_sha256 } : undefined;
};

/** A FunctionConfiguration as stored for one version. */
export type StoredConfig = FunctionConfiguration & { FunctionName: string; FunctionArn: string; Version: string; Runtime: string; Handler: string };

export interface ResolvedVersion {
  config: StoredConfig;
  codeSha256: string;
  /** The version that runs ($LATEST or a number). */
  version: string;
  /** The alias named by the qualifier, if any. */
  alias?: string;
  /** The function's row (reserved concurrency, policy). */
  fn: FunctionRow;
}

/** Resolves `name` + qualifier ($LATEST, a version number, an alias) to a version's configuration. */
export const resolveQualified = (
  store: StorePort,
  s: Scope,
  ref: FunctionRef,
  pickWeighted: (weights: Record<string, number>) => string | undefined = randomPick,
): ResolvedVersion => {
  const q = ref.qualifier ?? "$LATEST";
  if (q === "$LATEST" || /^\d+$/.test(q)) {
    // One query for the function and the version (this is every Invoke's path).
    const row = getFunctionWithVersion(store, s, ref.name, q);
    if (!row) throw lambdaErrors.functionNotFound(functionArn(s, ref.name));
    if (row.config === null || row.code_sha256 === null) throw lambdaErrors.functionNotFound(functionArn(s, ref.name, q));
    const { config, code_sha256, ...fn } = row;
    return { config: JSON.parse(config) as StoredConfig, codeSha256: code_sha256, version: q, fn };
  }
  const fn = requireFunction(store, s, ref.name);
  const alias = getAliasRow(store, s, ref.name, q);
  if (!alias) throw lambdaErrors.functionNotFound(functionArn(s, ref.name, q));
  const a = JSON.parse(alias.config) as { FunctionVersion: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } };
  let version = a.FunctionVersion;
  const extra = a.RoutingConfig?.AdditionalVersionWeights;
  if (extra && Object.keys(extra).length) version = pickWeighted(extra) ?? version;
  const found = readConfig(store, s, ref.name, version);
  if (!found) throw lambdaErrors.functionNotFound(functionArn(s, ref.name, version));
  return { ...found, version, alias: q, fn };
};

/** Routing weights: each additional version gets its weight's share; the alias's version the rest. */
const randomPick = (weights: Record<string, number>): string | undefined => {
  let r = Math.random();
  for (const [v, w] of Object.entries(weights)) {
    if (r < w) return v;
    r -= w;
  }
  return undefined;
};

/**
 * The ServiceRuntime of a request. Cloudbox's runtime passes it as ctx.runtime; until every
 * composition root does, a stand-in is built from the context (same store, clock, settings) and
 * kept per store, so per-instance state stays per instance.
 */
const standIns = new WeakMap<StorePort, ServiceRuntime>();
export const runtimeOf = (ctx: OperationContext): ServiceRuntime => {
  if (ctx.runtime) return ctx.runtime;
  let rt = standIns.get(ctx.store);
  if (!rt) {
    const clock = ctx.clock as ServiceRuntime["clock"];
    if (typeof clock.schedule !== "function") throw lambdaErrors.serviceException("Cloudbox was started without a scheduling clock.");
    const settings = ctx.settings;
    rt = {
      store: ctx.store,
      clock,
      log: ctx.log,
      settings,
      endpoint: () => String(settings.endpoint ?? "http://127.0.0.1:4566"),
      sdkConfig: ({ region }) => ({
        endpoint: String(settings.endpoint ?? "http://127.0.0.1:4566"),
        region,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        requestHandler: settings.inMemoryRequestHandler,
      }),
    };
    standIns.set(ctx.store, rt);
  }
  return rt;
};

/**
 * Where GetFunction's Code.Location and GetLayerVersion's Content.Location point.
 * DEVIATION: Lambda answers a presigned S3 URL; Cloudbox serves the zip itself (http-routes.ts).
 */
export const codeLocation = (ctx: OperationContext, s: Scope, name: string, sha: string) =>
  `${runtimeOf(ctx).endpoint()}/_cloudbox/lambda/code/${s.accountId}/${s.region}/${encodeURIComponent(name)}/${Buffer.from(sha, "base64").toString("hex")}.zip`;

export const dataDirOf = (settings: Readonly<Record<string, unknown>>): string | undefined =>
  typeof settings.dataDir === "string" && settings.dataDir ? settings.dataDir : undefined;

/** The stand-in runtime built for a store, if any (tests stop it when the host has no stop hooks). */
export const standInRuntimeFor = (store: StorePort): ServiceRuntime | undefined => standIns.get(store);
