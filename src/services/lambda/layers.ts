/**
 * Lambda layers: PublishLayerVersion (Content as ZipFile or S3Bucket/S3Key), GetLayerVersion,
 * GetLayerVersionByArn, ListLayers, ListLayerVersions, DeleteLayerVersion, and the layer version
 * policy (AddLayerVersionPermission, GetLayerVersionPolicy, RemoveLayerVersionPermission); plus
 * what CreateFunction / UpdateFunctionConfiguration need: checking a function's `Layers` and
 * finding each layer version's zip for the execution environment (merged into one /opt directory
 * by code.ts, in the function's order, later layers overwriting earlier files, as Lambda does:
 * https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html).
 *
 * AWS behaviour reproduced (Lambda API Reference, each operation's page; messages as real Lambda
 * answers them, which LocalStack's snapshot tests record):
 * - version numbers start at 1 and are never reused; a deleted version can no longer be read or
 *   added to functions, but "a copy of the version remains in Lambda until no functions refer to
 *   it" (API_DeleteLayerVersion.html), so functions that use it keep running;
 * - DeleteLayerVersion of a missing version succeeds; VersionNumber < 1 is "Layer Version Cannot
 *   be less than 1";
 * - a function refers to at most 5 layers ("Cannot reference more than 5 layers."), of its own
 *   Region, one version per layer; another account's layer needs that account's layer version
 *   policy to allow the caller (lambda:GetLayerVersion), else AccessDeniedException.
 * DEVIATION: a policy statement with an OrganizationId condition is taken as allowing every
 * account (Cloudbox has no AWS Organizations).
 */
import type { GetLayerVersionResponse, LayerVersionsListItem } from "@aws-sdk/client-lambda";
import { AwsError, commonErrors, opDefiner, type OperationContext, type StorePort } from "../../core/index.js";
import { storeZip } from "./code.js";
import { fetchZip } from "./code-source.js";
import { lambdaErrors } from "./errors.js";
import { codeLocation, dataDirOf, lambdaTimestamp, newRevisionId, runtimeOf, scopeOf } from "./model.js";
import {
  getLayerVersionRow,
  listAllLayerVersionRows,
  listLayerVersionRows,
  markLayerVersionDeleted,
  nextLayerVersion,
  pruneCode,
  putLayerVersionRow,
  type LayerVersionRow,
  type Scope,
} from "./store.js";
import { rmSync } from "node:fs";

const defineOp = opDefiner<typeof import("@aws-sdk/client-lambda")>();

const NAME_PATTERN = "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
const LAYER_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)$/;
const LAYER_VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/;
const ARCHITECTURES = ["x86_64", "arm64"];
/** CreateFunction's Layers constraint as Lambda states it. */
const LAYERS_CONSTRAINT =
  "Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]";
/** Lambda quota: layers per function. */
export const MAX_LAYERS = 5;

export const layerArn = (s: Scope, name: string) => `arn:aws:lambda:${s.region}:${s.accountId}:layer:${name}`;
export const layerVersionArn = (s: Scope, name: string, version: number) => `${layerArn(s, name)}:${version}`;

const validation = (items: string[]) => commonErrors.validation(`${items.length} validation error${items.length > 1 ? "s" : ""} detected: ${items.join("; ")}`);

/** LayerName as the API takes it: a name or a layer ARN (which may name another account's layer). */
const layerRef = (value: string | undefined, ctx: OperationContext): { scope: Scope; name: string } => {
  const v = value ?? "";
  const arn = LAYER_ARN.exec(v);
  if (arn) return { scope: { region: arn[1], accountId: arn[2] }, name: arn[3] };
  if (v.length < 1 || v.length > 140 || !/^[a-zA-Z0-9-_]+$/.test(v)) {
    throw validation([`Value '${v}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${NAME_PATTERN}`]);
  }
  return { scope: scopeOf(ctx), name: v };
};

const checkVersionNumber = (n: number | undefined): number => {
  if (n === undefined || !Number.isInteger(n) || n < 1) throw lambdaErrors.invalidParameterValue("Layer Version Cannot be less than 1");
  return n;
};

interface LayerPolicy {
  RevisionId: string;
  Document: { Version: string; Id: string; Statement: Array<Record<string, unknown> & { Sid: string }> };
}

/** May `accountId` use this layer version: its own, or allowed by the layer version policy. */
const allows = (row: LayerVersionRow, accountId: string): boolean => {
  if (row.account_id === accountId) return true;
  if (!row.policy) return false;
  const policy = JSON.parse(row.policy) as LayerPolicy;
  return policy.Document.Statement.some((st) => {
    const p = st.Principal as string | { AWS?: string };
    return p === "*" || (typeof p === "object" && (p.AWS === accountId || p.AWS === `arn:aws:iam::${accountId}:root`));
  });
};

const accessDenied = (ctx: OperationContext, arn: string) =>
  new AwsError(
    "AccessDeniedException",
    `User: ${ctx.caller?.arn ?? `arn:aws:iam::${ctx.accountId}:root`} is not authorized to perform: lambda:GetLayerVersion on resource: ${arn} because no resource-based policy allows the lambda:GetLayerVersion action`,
    { status: 403, fields: { Type: "User" } },
  );

/** The stored answer plus its Content.Location (a download from Cloudbox, like function code). */
const present = (ctx: OperationContext, row: LayerVersionRow): GetLayerVersionResponse => {
  const c = JSON.parse(row.config) as GetLayerVersionResponse;
  return { ...c, Content: { Location: codeLocation(ctx, { accountId: row.account_id, region: row.region }, row.name, row.code_sha256), ...c.Content } };
};

const listItem = (row: LayerVersionRow): LayerVersionsListItem => {
  const { Content: _content, LayerArn: _arn, ...item } = JSON.parse(row.config) as GetLayerVersionResponse;
  return item;
};

/** Lambda's runtime enum, from the SDK the gateway has already loaded for the model. */
const runtimeEnum = async (): Promise<string[]> => Object.values((await import("@aws-sdk/client-lambda")).Runtime as Record<string, string>);

const checkCompatible = async (runtimes: string[] | undefined, architectures: string[] | undefined, single: boolean): Promise<void> => {
  const v: string[] = [];
  const where = (what: string) => (single ? what : `${what}s`);
  if (runtimes?.length) {
    const known = await runtimeEnum();
    const bad = runtimes.filter((r) => !known.includes(r));
    if (bad.length) {
      v.push(`Value '${single ? bad[0] : `[${runtimes.join(", ")}]`}' at '${where("compatibleRuntime")}' failed to satisfy constraint: Member must satisfy ${single ? "" : "constraint: [Member must satisfy "}enum value set: [${known.join(", ")}]${single ? "" : "]"}`);
    }
    if (!single && runtimes.length > 15) v.push(`Value '[${runtimes.join(", ")}]' at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15`);
  }
  if (architectures?.length) {
    const bad = architectures.filter((a) => !ARCHITECTURES.includes(a));
    if (bad.length) {
      v.push(`Value '${single ? bad[0] : `[${architectures.join(", ")}]`}' at '${where("compatibleArchitecture")}' failed to satisfy constraint: Member must satisfy ${single ? "" : "constraint: [Member must satisfy "}enum value set: [x86_64, arm64]${single ? "" : "]"}`);
    }
    if (!single && architectures.length > 2) v.push(`Value '[${architectures.join(", ")}]' at 'compatibleArchitectures' failed to satisfy constraint: Member must have length less than or equal to 2`);
  }
  if (v.length) throw validation(v);
};

export const publishLayerVersion = defineOp("PublishLayerVersion", async (input, ctx) => {
  const ref = layerRef(input.LayerName, ctx);
  const s = scopeOf(ctx);
  if (ref.scope.accountId !== s.accountId || ref.scope.region !== s.region) throw accessDenied(ctx, layerArn(ref.scope, ref.name));
  await checkCompatible(input.CompatibleRuntimes, input.CompatibleArchitectures, false);
  const zip = await fetchZip(runtimeOf(ctx), s, input.Content, "PublishLayerVersion", "Please provide a source for layer content.");
  // Every write in one transaction (an async handler is not wrapped in one by the gateway).
  return ctx.store.transaction(() => {
    const code = storeZip(ctx.store, s, zip, dataDirOf(ctx.settings));
    const version = nextLayerVersion(ctx.store, s, ref.name);
    const arn = layerVersionArn(s, ref.name, version);
    const config: GetLayerVersionResponse = {
      Content: { CodeSha256: code.sha256, CodeSize: code.size },
      LayerArn: layerArn(s, ref.name),
      LayerVersionArn: arn,
      Description: input.Description ?? "",
      CreatedDate: lambdaTimestamp(ctx.clock.now()),
      Version: version,
      ...(input.CompatibleRuntimes?.length ? { CompatibleRuntimes: input.CompatibleRuntimes } : {}),
      ...(input.LicenseInfo !== undefined ? { LicenseInfo: input.LicenseInfo } : {}),
      ...(input.CompatibleArchitectures?.length ? { CompatibleArchitectures: input.CompatibleArchitectures } : {}),
    };
    const row: LayerVersionRow = { account_id: s.accountId, region: s.region, name: ref.name, version, arn, config: JSON.stringify(config), code_sha256: code.sha256, policy: null, deleted: 0 };
    putLayerVersionRow(ctx.store, row);
    return present(ctx, row);
  });
});

/** A live layer version the caller may read; Lambda answers "The resource you requested does not exist." otherwise. */
const readable = (ctx: OperationContext, scope: Scope, name: string, version: number): LayerVersionRow => {
  const row = getLayerVersionRow(ctx.store, scope, name, version);
  if (!row) throw lambdaErrors.resourceNotFound("The resource you requested does not exist.");
  if (!allows(row, ctx.accountId)) throw accessDenied(ctx, row.arn);
  return row;
};

export const getLayerVersion = defineOp("GetLayerVersion", (input, ctx) => {
  const ref = layerRef(input.LayerName, ctx);
  return present(ctx, readable(ctx, ref.scope, ref.name, checkVersionNumber(input.VersionNumber)));
});

export const getLayerVersionByArn = defineOp("GetLayerVersionByArn", (input, ctx) => {
  const m = LAYER_VERSION_ARN.exec(input.Arn ?? "");
  if (!m) {
    throw validation([
      `Value '${input.Arn ?? ""}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`,
    ]);
  }
  return present(ctx, readable(ctx, { region: m[1], accountId: m[2] }, m[3], checkVersionNumber(Number(m[4]))));
});

const matches = (row: LayerVersionRow, runtime: string | undefined, arch: string | undefined): boolean => {
  if (!runtime && !arch) return true;
  const c = JSON.parse(row.config) as GetLayerVersionResponse;
  return (!runtime || (c.CompatibleRuntimes ?? []).includes(runtime as never)) && (!arch || (c.CompatibleArchitectures ?? []).includes(arch as never));
};

const pageSize = (max: number | undefined): number => {
  const n = max ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > 50) {
    throw validation([`Value '${n}' at 'maxItems' failed to satisfy constraint: Member must have value ${n < 1 ? "greater than or equal to 1" : "less than or equal to 50"}`]);
  }
  return n;
};

const decodeMarker = (marker: string | undefined): string | undefined => {
  if (!marker) return undefined;
  const v = Buffer.from(marker, "base64url").toString("utf8");
  if (!v) throw lambdaErrors.invalidParameterValue("Invalid marker.");
  return v;
};
const encodeMarker = (v: string) => Buffer.from(v, "utf8").toString("base64url");

export const listLayers = defineOp("ListLayers", async (input, ctx) => {
  await checkCompatible(input.CompatibleRuntime ? [input.CompatibleRuntime] : undefined, input.CompatibleArchitecture ? [input.CompatibleArchitecture] : undefined, true);
  const s = scopeOf(ctx);
  const max = pageSize(input.MaxItems);
  const after = decodeMarker(input.Marker);
  // Each layer with its newest version that matches the filters (LatestMatchingVersion).
  const latest = new Map<string, LayerVersionRow>();
  for (const row of listAllLayerVersionRows(ctx.store, s)) {
    if (!latest.has(row.name) && matches(row, input.CompatibleRuntime, input.CompatibleArchitecture)) latest.set(row.name, row);
  }
  const names = [...latest.keys()].filter((n) => after === undefined || n > after);
  const page = names.slice(0, max);
  return {
    Layers: page.map((n) => ({ LayerName: n, LayerArn: layerArn(s, n), LatestMatchingVersion: listItem(latest.get(n)!) })),
    ...(names.length > max ? { NextMarker: encodeMarker(page[page.length - 1]) } : {}),
  };
});

export const listLayerVersions = defineOp("ListLayerVersions", async (input, ctx) => {
  await checkCompatible(input.CompatibleRuntime ? [input.CompatibleRuntime] : undefined, input.CompatibleArchitecture ? [input.CompatibleArchitecture] : undefined, true);
  const ref = layerRef(input.LayerName, ctx);
  const max = pageSize(input.MaxItems);
  const after = decodeMarker(input.Marker);
  // A layer that does not exist lists no versions (no error), as Lambda answers.
  const rows = listLayerVersionRows(ctx.store, ref.scope, ref.name).filter(
    (r) => allows(r, ctx.accountId) && matches(r, input.CompatibleRuntime, input.CompatibleArchitecture) && (after === undefined || r.version < Number(after)),
  );
  const page = rows.slice(0, max);
  return {
    LayerVersions: page.map(listItem),
    ...(rows.length > max ? { NextMarker: encodeMarker(String(page[page.length - 1].version)) } : {}),
  };
});

export const deleteLayerVersion = defineOp("DeleteLayerVersion", (input, ctx) => {
  const ref = layerRef(input.LayerName, ctx);
  const version = checkVersionNumber(input.VersionNumber);
  const s = scopeOf(ctx);
  if (ref.scope.accountId !== s.accountId || ref.scope.region !== s.region) throw accessDenied(ctx, layerVersionArn(ref.scope, ref.name, version));
  markLayerVersionDeleted(ctx.store, s, ref.name, version);
  for (const path of pruneCode(ctx.store)) rmSync(path, { force: true });
  return {};
});

// Layer version policy -------------------------------------------------------------------------

const ownVersion = (ctx: OperationContext, layerName: string | undefined, versionNumber: number | undefined): LayerVersionRow => {
  const ref = layerRef(layerName, ctx);
  const version = checkVersionNumber(versionNumber);
  const row = getLayerVersionRow(ctx.store, ref.scope, ref.name, version);
  const arn = layerVersionArn(ref.scope, ref.name, version);
  if (!row) throw lambdaErrors.resourceNotFound(`Layer version ${arn} does not exist.`);
  if (row.account_id !== ctx.accountId) throw accessDenied(ctx, arn);
  return row;
};

const checkRevision = (policy: LayerPolicy | undefined, revisionId: string | undefined): void => {
  if (revisionId && policy?.RevisionId !== revisionId) {
    throw lambdaErrors.preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id");
  }
};

export const addLayerVersionPermission = defineOp("AddLayerVersionPermission", (input, ctx) => {
  const v: string[] = [];
  if (input.Action !== "lambda:GetLayerVersion") {
    v.push(`Value '${input.Action ?? ""}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion`);
  }
  const principal = input.Principal ?? "";
  if (!/^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$/.test(principal)) {
    v.push(`Value '${principal}' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root`);
  }
  if (!/^([a-zA-Z0-9-_]+)$/.test(input.StatementId ?? "")) {
    v.push(`Value '${input.StatementId ?? ""}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)`);
  }
  if (v.length) throw validation(v);
  const row = ownVersion(ctx, input.LayerName, input.VersionNumber);
  const policy: LayerPolicy | undefined = row.policy ? (JSON.parse(row.policy) as LayerPolicy) : undefined;
  const sid = input.StatementId!;
  if (policy?.Document.Statement.some((st) => st.Sid === sid)) {
    throw lambdaErrors.resourceConflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
  }
  checkRevision(policy, input.RevisionId);
  // The statement as Lambda writes it (API_AddLayerVersionPermission.html, example response).
  const statement = {
    Sid: sid,
    Effect: "Allow",
    Principal: principal === "*" ? "*" : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
    Action: input.Action,
    Resource: row.arn,
    ...(input.OrganizationId ? { Condition: { StringEquals: { "aws:PrincipalOrgID": input.OrganizationId } } } : {}),
  };
  const next: LayerPolicy = {
    RevisionId: newRevisionId(),
    Document: { Version: "2012-10-17", Id: "default", Statement: [...(policy?.Document.Statement ?? []), statement] },
  };
  putLayerVersionRow(ctx.store, { ...row, policy: JSON.stringify(next) });
  return { Statement: JSON.stringify(statement), RevisionId: next.RevisionId };
});

export const getLayerVersionPolicy = defineOp("GetLayerVersionPolicy", (input, ctx) => {
  const row = ownVersion(ctx, input.LayerName, input.VersionNumber);
  if (!row.policy) throw lambdaErrors.resourceNotFound("No policy is associated with the given resource.");
  const policy = JSON.parse(row.policy) as LayerPolicy;
  return { Policy: JSON.stringify(policy.Document), RevisionId: policy.RevisionId };
});

export const removeLayerVersionPermission = defineOp("RemoveLayerVersionPermission", (input, ctx) => {
  const row = ownVersion(ctx, input.LayerName, input.VersionNumber);
  const policy: LayerPolicy | undefined = row.policy ? (JSON.parse(row.policy) as LayerPolicy) : undefined;
  const sid = input.StatementId ?? "";
  checkRevision(policy, input.RevisionId);
  if (!policy || !policy.Document.Statement.some((st) => st.Sid === sid)) throw lambdaErrors.resourceNotFound(`Statement ${sid} is not found in resource policy.`);
  const rest = policy.Document.Statement.filter((st) => st.Sid !== sid);
  const next = rest.length ? JSON.stringify({ RevisionId: newRevisionId(), Document: { ...policy.Document, Statement: rest } }) : null;
  putLayerVersionRow(ctx.store, { ...row, policy: next });
  return {};
});

// Layers of a function -------------------------------------------------------------------------

/**
 * Checks CreateFunction's / UpdateFunctionConfiguration's `Layers` and answers the function's
 * Layers as Lambda shows them ({Arn, CodeSize}).
 */
export const resolveFunctionLayers = (ctx: OperationContext, arns: string[]): Array<{ Arn: string; CodeSize: number }> => {
  if (arns.length > MAX_LAYERS) throw lambdaErrors.invalidParameterValue("Cannot reference more than 5 layers.");
  const out: Array<{ Arn: string; CodeSize: number }> = [];
  const seen = new Map<string, string>();
  for (const arn of arns) {
    const m = LAYER_VERSION_ARN.exec(arn);
    if (!m || arn.length > 140) throw validation([`Value '[${arns.join(", ")}]' at 'layers' failed to satisfy constraint: ${LAYERS_CONSTRAINT}`]);
    const scope: Scope = { region: m[1], accountId: m[2] };
    if (scope.region !== ctx.region) {
      throw lambdaErrors.invalidParameterValue(`Layers are not in the same region as the function. Layers are expected to be in region ${ctx.region}.`);
    }
    const row = getLayerVersionRow(ctx.store, scope, m[3], Number(m[4]));
    if (scope.accountId === ctx.accountId) {
      if (!row) throw lambdaErrors.invalidParameterValue(`Layer version ${arn} does not exist.`);
    } else if (!row || !allows(row, ctx.accountId)) {
      // Another account's layer: missing and forbidden look the same from outside.
      throw accessDenied(ctx, arn);
    }
    const layer = arn.slice(0, arn.lastIndexOf(":"));
    const other = seen.get(layer);
    if (other) {
      throw lambdaErrors.invalidParameterValue(
        `Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${arn} are versions of the same layer.`,
      );
    }
    seen.set(layer, arn);
    out.push({ Arn: arn, CodeSize: (JSON.parse(row!.config) as GetLayerVersionResponse).Content?.CodeSize ?? 0 });
  }
  return out;
};

/** The zips of a function's layers, in order, for its execution environment (deleted versions included). */
export const layerCodeOf = (store: StorePort, layers: ReadonlyArray<{ Arn?: string }> | undefined): Array<{ scope: Scope; sha256: string }> => {
  const out: Array<{ scope: Scope; sha256: string }> = [];
  for (const l of layers ?? []) {
    const m = LAYER_VERSION_ARN.exec(l.Arn ?? "");
    if (!m) continue;
    const scope: Scope = { region: m[1], accountId: m[2] };
    const row = getLayerVersionRow(store, scope, m[3], Number(m[4]), true);
    if (row) out.push({ scope, sha256: row.code_sha256 });
  }
  return out;
};
