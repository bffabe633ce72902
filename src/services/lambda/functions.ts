/**
 * Lambda functions: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
 * DeleteFunction, UpdateFunctionCode, UpdateFunctionConfiguration, PublishVersion,
 * ListVersionsByFunction.
 *
 * Code comes as ZipFile bytes or from an object in Cloudbox's S3 (code-source.ts). Layers are
 * checked and recorded as {Arn, CodeSize} (layers.ts); VpcConfig is checked against EC2 and
 * answered with its VpcId (vpc.ts). CreateFunction and the updates read S3 and EC2 through the
 * API before writing anything, then write everything in one transaction: bad input leaves no
 * half-created function.
 * State: a new function answers State "Pending" in CreateFunction's response and is "Active" from
 * the next read (Lambda's documented Pending → Active transition,
 * https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html); updates answer
 * LastUpdateStatus "InProgress" and read back as "Successful".
 * Not done: container images (PackageType Image), code signing, SnapStart, tags, dead-letter
 * configs, file systems.
 */
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { commonErrors, opDefiner, type OperationContext } from "../../core/index.js";
import { sha256Base64, storeZip } from "./code.js";
import { fetchZip } from "./code-source.js";
import { lambdaErrors } from "./errors.js";
import { resolveFunctionLayers } from "./layers.js";
import {
  checkRuntime,
  codeLocation,
  dataDirOf,
  functionArn,
  lambdaTimestamp,
  newRevisionId,
  parseFunctionName,
  readConfig,
  requireFunction,
  resolveQualified,
  runtimeOf,
  scopeOf,
  type StoredConfig,
} from "./model.js";
import {
  deleteEventInvokeConfigRow,
  deleteFunctionRows,
  deleteVersionRow,
  getFunctionRow,
  insertFunctionRow,
  listAliasRows,
  listFunctionNames,
  listVersionRows,
  pruneCode,
  putVersionRow,
  setLastVersion,
  type Scope,
} from "./store.js";
import { stopFunctionEnvironments } from "./environments.js";
import { resolveVpcConfig } from "./vpc.js";
import { rmSync } from "node:fs";

const defineOp = opDefiner<typeof import("@aws-sdk/client-lambda")>();

/** IAM role ARN, the model's pattern for Role. */
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

/**
 * Keys Lambda sets itself and refuses in Environment.Variables
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html, "Defined runtime
 * environment variables": the reserved ones).
 */
const RESERVED_ENV = [
  "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
];

const validationMessage = (items: string[]) =>
  `${items.length} validation error${items.length === 1 ? "" : "s"} detected: ${items.join("; ")}`;

interface Settable {
  Role?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  Runtime?: string;
  Handler?: string;
}

/** Constraint checks shared by CreateFunction and UpdateFunctionConfiguration. */
const checkSettable = (input: Settable): void => {
  const v: string[] = [];
  if (input.Role !== undefined && !ROLE.test(input.Role)) {
    v.push(`Value '${input.Role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
  }
  if (input.Timeout !== undefined) {
    if (input.Timeout < 1) v.push(`Value '${input.Timeout}' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    else if (input.Timeout > 900) v.push(`Value '${input.Timeout}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900`);
  }
  if (input.MemorySize !== undefined) {
    if (input.MemorySize < 128) v.push(`Value '${input.MemorySize}' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128`);
    else if (input.MemorySize > 10240) v.push(`Value '${input.MemorySize}' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240`);
  }
  if (v.length) throw commonErrors.validation(validationMessage(v));
  checkRuntime(input.Runtime);
  const vars = input.Environment?.Variables ?? {};
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV.includes(k));
  if (reserved.length) {
    // The text real Lambda answers (quoted in many deployment tool issues).
    throw lambdaErrors.invalidParameterValue(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(", ")}`,
    );
  }
  // 4 KB total for all environment variables (Lambda quotas).
  const size = Object.entries(vars).reduce((n, [k, val]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(val)), 0);
  if (size > 4096) {
    throw lambdaErrors.invalidParameterValue("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.");
  }
};

const NO_CODE = "Please provide a source for function code.";

/** Deletes code files that nothing references any more (after the transaction that let them go). */
const pruneFiles = (ctx: OperationContext): void => {
  for (const path of pruneCode(ctx.store)) rmSync(path, { force: true });
};

/** What reads answer: the stored snapshot, with the states a finished transition leaves. */
const present = (c: StoredConfig): FunctionConfiguration => c;

export const createFunction = defineOp("CreateFunction", async (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  if ((input.PackageType ?? "Zip") !== "Zip") {
    throw lambdaErrors.invalidParameterValue("Cloudbox runs Zip functions only (PackageType Image is not supported yet).");
  }
  if (!input.Runtime || !input.Handler) {
    throw lambdaErrors.invalidParameterValue("Runtime and Handler are mandatory parameters for functions created with deployment packages.");
  }
  checkSettable(input);
  if (getFunctionRow(ctx.store, s, name)) throw lambdaErrors.resourceConflict(`Function already exist: ${name}`);
  if (input.Layers?.length) resolveFunctionLayers(ctx, input.Layers);
  // Reads through other services first (S3 for the code, EC2 for the VPC), writes after.
  const zip = await fetchZip(runtimeOf(ctx), s, input.Code, "CreateFunction", NO_CODE);
  const vpc = await resolveVpcConfig(runtimeOf(ctx), s, input.VpcConfig);
  // An async handler is not wrapped in a transaction by the gateway: this is the one.
  return ctx.store.transaction(() => {
    if (getFunctionRow(ctx.store, s, name)) throw lambdaErrors.resourceConflict(`Function already exist: ${name}`);
    const layers = input.Layers?.length ? resolveFunctionLayers(ctx, input.Layers) : undefined;
    const code = storeZip(ctx.store, s, zip, dataDirOf(ctx.settings));
    const now = ctx.clock.now();
    const config: StoredConfig = {
      FunctionName: name,
      FunctionArn: functionArn(s, name),
      Runtime: input.Runtime!,
      Role: input.Role,
      Handler: input.Handler!,
      CodeSize: code.size,
      Description: input.Description ?? "",
      Timeout: input.Timeout ?? 3,
      MemorySize: input.MemorySize ?? 128,
      LastModified: lambdaTimestamp(now),
      CodeSha256: code.sha256,
      Version: "$LATEST",
      ...(vpc ? { VpcConfig: vpc } : {}),
      ...(input.Environment?.Variables ? { Environment: { Variables: { ...input.Environment.Variables } } } : {}),
      TracingConfig: { Mode: input.TracingConfig?.Mode ?? "PassThrough" },
      RevisionId: newRevisionId(),
      ...(layers ? { Layers: layers } : {}),
      State: "Active",
      LastUpdateStatus: "Successful",
      PackageType: "Zip",
      Architectures: input.Architectures?.length ? input.Architectures : ["x86_64"],
      EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
      SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
      // A custom LogGroup is where the logs go (function-logs.ts); DEVIATION: LogFormat JSON and
      // the log levels are not applied, lines stay text.
      LoggingConfig: { LogFormat: "Text", LogGroup: input.LoggingConfig?.LogGroup || `/aws/lambda/${name}` },
    };
    insertFunctionRow(ctx.store, s, name, now);
    putVersionRow(ctx.store, s, { name, version: "$LATEST", config: JSON.stringify(config), code_sha256: code.sha256 });
    let published: StoredConfig | undefined;
    if (input.Publish) published = publish(ctx, s, name, undefined);
    const shown = published ?? config;
    // CreateFunction's own answer shows the transition's start.
    return { ...present(shown), State: "Pending" as const, StateReason: "The function is being created.", StateReasonCode: "Creating" as const, LastUpdateStatus: undefined };
  });
});

export const getFunction = defineOp("GetFunction", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const ref2 = input.Qualifier ? { ...ref, qualifier: input.Qualifier } : ref;
  const fn = requireFunction(ctx.store, s, ref.name);
  const r = resolveQualified(ctx.store, s, ref2, () => undefined);
  return {
    Configuration: present(r.config),
    Code: { RepositoryType: "S3", Location: codeLocation(ctx, s, ref.name, r.codeSha256) },
    ...(fn.reserved_concurrency !== null ? { Concurrency: { ReservedConcurrentExecutions: fn.reserved_concurrency } } : {}),
  };
});

export const getFunctionConfiguration = defineOp("GetFunctionConfiguration", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const r = resolveQualified(ctx.store, s, input.Qualifier ? { ...ref, qualifier: input.Qualifier } : ref, () => undefined);
  return present(r.config);
});

export const listFunctions = defineOp("ListFunctions", (input, ctx) => {
  const s = scopeOf(ctx);
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 10000) {
    throw commonErrors.validation(validationMessage([`Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value ${max < 1 ? "greater than or equal to 1" : "less than or equal to 10000"}`]));
  }
  let after: string | undefined;
  if (input.Marker) {
    try {
      after = Buffer.from(input.Marker, "base64url").toString("utf8");
    } catch {
      throw lambdaErrors.invalidParameterValue("Invalid marker.");
    }
  }
  const names = listFunctionNames(ctx.store, s, after, max + 1);
  const page = names.slice(0, max);
  const Functions: FunctionConfiguration[] = [];
  for (const n of page) {
    const c = readConfig(ctx.store, s, n);
    if (c) Functions.push(present(c.config));
  }
  return { Functions, ...(names.length > max ? { NextMarker: Buffer.from(page[page.length - 1], "utf8").toString("base64url") } : {}) };
});

export const deleteFunction = defineOp("DeleteFunction", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const q = input.Qualifier ?? ref.qualifier;
  requireFunction(ctx.store, s, ref.name);
  if (q && q !== "$LATEST") {
    // Deleting one version (the function stays).
    if (!/^\d+$/.test(q)) throw lambdaErrors.invalidParameterValue("Deletion of aliases is not supported.");
    if (!readConfig(ctx.store, s, ref.name, q)) throw lambdaErrors.functionNotFound(functionArn(s, ref.name, q));
    const usedBy = listAliasRows(ctx.store, s, ref.name).filter((a) => {
      const c = JSON.parse(a.config) as { FunctionVersion: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } };
      return c.FunctionVersion === q || Object.keys(c.RoutingConfig?.AdditionalVersionWeights ?? {}).includes(q);
    });
    if (usedBy.length) {
      throw lambdaErrors.resourceConflict(`Unable to delete version because the following aliases reference it: [${usedBy.map((a) => a.name).join(", ")}]`);
    }
    deleteVersionRow(ctx.store, s, ref.name, q);
    deleteEventInvokeConfigRow(ctx.store, s, ref.name, q);
  } else {
    if (q === "$LATEST") throw lambdaErrors.invalidParameterValue("$LATEST version cannot be deleted without deleting the function.");
    deleteFunctionRows(ctx.store, s, ref.name);
  }
  pruneFiles(ctx);
  stopFunctionEnvironments(runtimeOf(ctx), s, ref.name, q);
  return {};
});

/**
 * $LATEST as stored, checked against the caller's RevisionId (412 when it differs). The updates
 * call it before their reads of S3 and EC2 (to fail early) and again in their transaction: the
 * function may have been deleted or updated while they awaited those reads.
 */
const latestAtRevision = (ctx: OperationContext, s: Scope, name: string, revisionId: string | undefined) => {
  const cur = readConfig(ctx.store, s, name);
  if (!cur) throw lambdaErrors.functionNotFound(functionArn(s, name));
  if (revisionId && revisionId !== cur.config.RevisionId) throw lambdaErrors.preconditionFailed();
  return cur;
};

export const updateFunctionCode = defineOp("UpdateFunctionCode", async (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, name);
  latestAtRevision(ctx, s, name, input.RevisionId);
  const zip = await fetchZip(runtimeOf(ctx), s, input, "UpdateFunctionCode", NO_CODE);
  const shown = ctx.store.transaction(() => {
    const cur = latestAtRevision(ctx, s, name, input.RevisionId);
    const config: StoredConfig = {
      ...cur.config,
      LastModified: lambdaTimestamp(ctx.clock.now()),
      RevisionId: newRevisionId(),
      ...(input.Architectures?.length ? { Architectures: input.Architectures } : {}),
      State: "Active",
      LastUpdateStatus: "Successful",
    };
    if (input.DryRun) {
      // Validation only: nothing is stored (the answer shows what the code would be).
      return { ...config, CodeSha256: sha256Base64(zip), CodeSize: zip.length, RevisionId: cur.config.RevisionId };
    }
    const code = storeZip(ctx.store, s, zip, dataDirOf(ctx.settings));
    config.CodeSha256 = code.sha256;
    config.CodeSize = code.size;
    putVersionRow(ctx.store, s, { name, version: "$LATEST", config: JSON.stringify(config), code_sha256: code.sha256 });
    return input.Publish ? publish(ctx, s, name, undefined) : config;
  });
  if (input.DryRun) return shown;
  pruneFiles(ctx);
  // Environments of $LATEST run the old code: let them go.
  stopFunctionEnvironments(runtimeOf(ctx), s, name, "$LATEST");
  return { ...shown, LastUpdateStatus: "InProgress" as const };
});

export const updateFunctionConfiguration = defineOp("UpdateFunctionConfiguration", async (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, name);
  latestAtRevision(ctx, s, name, input.RevisionId);
  checkSettable(input);
  if (input.Layers?.length) resolveFunctionLayers(ctx, input.Layers);
  const vpc = await resolveVpcConfig(runtimeOf(ctx), s, input.VpcConfig);
  const c = ctx.store.transaction(() => {
    const cur = latestAtRevision(ctx, s, name, input.RevisionId);
    const c: StoredConfig = { ...cur.config };
    if (input.Role !== undefined) c.Role = input.Role;
    if (input.Handler !== undefined) c.Handler = input.Handler;
    if (input.Description !== undefined) c.Description = input.Description;
    if (input.Timeout !== undefined) c.Timeout = input.Timeout;
    if (input.MemorySize !== undefined) c.MemorySize = input.MemorySize;
    if (input.Runtime !== undefined) c.Runtime = input.Runtime;
    if (input.Environment !== undefined) {
      if (input.Environment.Variables && Object.keys(input.Environment.Variables).length) c.Environment = { Variables: { ...input.Environment.Variables } };
      else delete c.Environment;
    }
    if (input.TracingConfig?.Mode) c.TracingConfig = { Mode: input.TracingConfig.Mode };
    if (input.Layers !== undefined) {
      if (input.Layers.length) c.Layers = resolveFunctionLayers(ctx, input.Layers);
      else delete c.Layers;
    }
    if (vpc) c.VpcConfig = vpc;
    if (input.EphemeralStorage?.Size) c.EphemeralStorage = { Size: input.EphemeralStorage.Size };
    if (input.LoggingConfig?.LogGroup) c.LoggingConfig = { LogFormat: "Text", LogGroup: input.LoggingConfig.LogGroup };
    c.LastModified = lambdaTimestamp(ctx.clock.now());
    c.RevisionId = newRevisionId();
    c.State = "Active";
    c.LastUpdateStatus = "Successful";
    putVersionRow(ctx.store, s, { name, version: "$LATEST", config: JSON.stringify(c), code_sha256: cur.codeSha256 });
    return c;
  });
  // A layer version deleted earlier may have been kept only for this function.
  if (input.Layers !== undefined) pruneFiles(ctx);
  // Environments of $LATEST run the old configuration: let them go.
  stopFunctionEnvironments(runtimeOf(ctx), s, name, "$LATEST");
  return { ...c, LastUpdateStatus: "InProgress" as const };
});

/**
 * Publishes $LATEST as the next version, unless the latest published version already has the same
 * code and configuration (Lambda then answers that version, PublishVersion's documented behaviour).
 */
const publish = (ctx: OperationContext, s: Scope, name: string, description: string | undefined, codeSha?: string, revisionId?: string): StoredConfig => {
  const fn = requireFunction(ctx.store, s, name);
  const latest = readConfig(ctx.store, s, name)!;
  if (codeSha && codeSha !== latest.codeSha256) {
    throw lambdaErrors.invalidParameterValue(`CodeSHA256 (${codeSha}) is different from current CodeSHA256 in $LATEST (${latest.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
  }
  if (revisionId && revisionId !== latest.config.RevisionId) throw lambdaErrors.preconditionFailed();
  if (fn.last_version > 0) {
    const last = readConfig(ctx.store, s, name, String(fn.last_version));
    if (last && sameBody(last.config, latest.config) && last.codeSha256 === latest.codeSha256) return last.config;
  }
  const v = String(fn.last_version + 1);
  const config: StoredConfig = {
    ...latest.config,
    FunctionArn: functionArn(s, name, v),
    Version: v,
    Description: description ?? latest.config.Description ?? "",
    LastModified: lambdaTimestamp(ctx.clock.now()),
    RevisionId: newRevisionId(),
    State: "Active",
    LastUpdateStatus: "Successful",
  };
  putVersionRow(ctx.store, s, { name, version: v, config: JSON.stringify(config), code_sha256: latest.codeSha256 });
  setLastVersion(ctx.store, s, name, fn.last_version + 1);
  return config;
};

const BODY_KEYS = ["Runtime", "Role", "Handler", "Timeout", "MemorySize", "Environment", "Layers", "VpcConfig", "Architectures", "TracingConfig", "EphemeralStorage"] as const;
const sameBody = (a: StoredConfig, b: StoredConfig) => BODY_KEYS.every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));

export const publishVersion = defineOp("PublishVersion", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  return publish(ctx, s, name, input.Description, input.CodeSha256, input.RevisionId);
});

export const listVersionsByFunction = defineOp("ListVersionsByFunction", (input, ctx) => {
  const s = scopeOf(ctx);
  const { name } = parseFunctionName(input.FunctionName, ctx);
  requireFunction(ctx.store, s, name);
  const all = listVersionRows(ctx.store, s, name).map((r) => JSON.parse(r.config) as StoredConfig);
  const max = input.MaxItems ?? 50;
  const start = input.Marker ? Number(Buffer.from(input.Marker, "base64url").toString("utf8")) || 0 : 0;
  const page = all.slice(start, start + max);
  return { Versions: page, ...(start + max < all.length ? { NextMarker: Buffer.from(String(start + max)).toString("base64url") } : {}) };
});
