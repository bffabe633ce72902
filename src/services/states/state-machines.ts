/**
 * Step Functions state machines, versions, aliases and tags:
 * Create/Describe/Update/Delete/ListStateMachines, ValidateStateMachineDefinition,
 * PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion,
 * Create/Describe/Update/Delete/ListStateMachineAliases, TagResource, UntagResource, ListTagsForResource.
 * Definitions are validated by the ASL engine (src/engines/asl) with AWS's InvalidDefinition format.
 * Does not do: encryption with KMS (the configuration is stored and echoed only).
 */
import { opDefiner, type OperationContext } from "../../core/index.js";
import { formatInvalidDefinition, validateDefinition } from "../../engines/asl/index.js";
import { checkName, decodeToken, encodeToken, machineArn, pageSize, parseSfnArn, putTags, revisionId, storeOf } from "./common.js";
import { sfnErrors } from "./errors.js";
import type { MachineRow } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sfn")>();

/** roleArn must be an IAM role ARN: arn:aws:iam::<12 digits>:role/<path/name>. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;
const checkRole = (roleArn: string | undefined) => {
  if (!roleArn || !ROLE_ARN.test(roleArn)) throw sfnErrors.invalidArn(roleArn ?? "", "Invalid Role Arn");
  return roleArn;
};

export const checkDefinition = (definition: string | undefined): string => {
  if (definition === undefined) throw sfnErrors.validation("1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null");
  const diags = validateDefinition(definition).filter((d) => d.severity === "ERROR");
  if (diags.length) throw sfnErrors.invalidDefinition(formatInvalidDefinition(diags));
  return definition;
};

const checkLogging = (cfg: { level?: string; destinations?: unknown[] } | undefined) => {
  if (!cfg) return undefined;
  // "Log level must be OFF when no destination is provided" is the InvalidLoggingConfiguration case
  // AWS documents (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
  if (cfg.level && cfg.level !== "OFF" && !(cfg.destinations ?? []).length)
    throw sfnErrors.invalidLoggingConfiguration("Invalid Logging Configuration: Must specify exactly one Log Destination if logging level is not OFF.");
  return JSON.stringify(cfg);
};

/** Resolves any state machine ARN form: plain, version (":<n>"), alias (":<name>"). */
export const resolveMachine = (ctx: OperationContext, arn: string | undefined) => {
  const p = parseSfnArn(arn);
  if (!p || p.kind !== "stateMachine" || p.rest.length < 1 || p.rest.length > 2) throw sfnErrors.invalidArn(arn ?? "");
  const s = storeOf(ctx);
  const base = `arn:aws:states:${p.region}:${p.account}:stateMachine:${p.rest[0]}`;
  const m = s.machine(base);
  if (!m || p.account !== ctx.accountId || p.region !== ctx.region) throw sfnErrors.stateMachineDoesNotExist(arn!);
  if (p.rest.length === 1) return { machine: m, definition: m.definition, roleArn: m.role_arn, versionArn: undefined, aliasArn: undefined };
  if (/^\d+$/.test(p.rest[1])) {
    const v = s.version(arn!);
    if (!v) throw sfnErrors.resourceNotFound(`State Machine Version Does Not Exist: '${arn}'`);
    return { machine: m, definition: v.definition, roleArn: v.role_arn, versionArn: v.arn, aliasArn: undefined };
  }
  const a = s.alias(arn!);
  if (!a) throw sfnErrors.resourceNotFound(`State Machine Alias Does Not Exist: '${arn}'`);
  const routing = JSON.parse(a.routing) as { stateMachineVersionArn: string; weight: number }[];
  // Weighted routing: pick a version by weight.
  let r = Math.random() * 100;
  const chosen = routing.find((x) => (r -= x.weight) < 0) ?? routing[0];
  const v = s.version(chosen.stateMachineVersionArn)!;
  return { machine: m, definition: v.definition, roleArn: v.role_arn, versionArn: v.arn, aliasArn: a.arn };
};

const publish = (ctx: OperationContext, m: MachineRow, description: string | undefined) => {
  const s = storeOf(ctx);
  const latest = s.versions(m.arn)[0];
  // Publishing an unchanged revision returns the existing version (API_PublishStateMachineVersion: idempotent).
  if (latest && latest.revision_id === m.revision_id) return latest;
  m.last_version += 1;
  s.updateMachine(m);
  const v = {
    arn: `${m.arn}:${m.last_version}`,
    machine_arn: m.arn,
    version: m.last_version,
    definition: m.definition,
    role_arn: m.role_arn,
    description: description ?? null,
    revision_id: m.revision_id,
    created_ms: ctx.clock.now(),
  };
  s.insertVersion(v);
  return v;
};

export const createStateMachine = defineOp("CreateStateMachine", (input, ctx) => {
  const name = checkName(input.name);
  const type = input.type ?? "STANDARD";
  if (type !== "STANDARD" && type !== "EXPRESS") throw sfnErrors.validation(`1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [EXPRESS, STANDARD]`);
  const roleArn = checkRole(input.roleArn);
  const definition = checkDefinition(input.definition);
  const logging = checkLogging(input.loggingConfiguration);
  const arn = machineArn(ctx, name);
  const s = storeOf(ctx);
  const existing = s.machine(arn);
  if (existing) {
    // Idempotent: the same definition, role and type return the existing machine; anything else
    // is StateMachineAlreadyExists (API_CreateStateMachine: "CreateStateMachine is an idempotent API").
    if (existing.definition === definition && existing.role_arn === roleArn && existing.type === type && (!logging || logging === existing.logging))
      return { stateMachineArn: arn, creationDate: new Date(existing.created_ms) };
    throw sfnErrors.stateMachineAlreadyExists(arn);
  }
  const row: MachineRow = {
    arn, account_id: ctx.accountId, region: ctx.region, name, type, definition, role_arn: roleArn,
    description: null, logging: logging ?? JSON.stringify({ level: "OFF", includeExecutionData: false }),
    tracing: JSON.stringify(input.tracingConfiguration ?? { enabled: false }),
    encryption: input.encryptionConfiguration ? JSON.stringify(input.encryptionConfiguration) : null,
    created_ms: ctx.clock.now(), revision_id: revisionId(), last_version: 0,
  };
  s.insertMachine(row);
  putTags(ctx, arn, input.tags);
  const v = input.publish ? publish(ctx, row, input.versionDescription) : undefined;
  return { stateMachineArn: arn, creationDate: new Date(row.created_ms), ...(v ? { stateMachineVersionArn: v.arn } : {}) };
});

export const describeStateMachine = defineOp("DescribeStateMachine", (input, ctx) => {
  const r = resolveMachine(ctx, input.stateMachineArn);
  const m = r.machine;
  const v = r.versionArn ? storeOf(ctx).version(r.versionArn) : undefined;
  return {
    stateMachineArn: input.stateMachineArn!,
    name: m.name,
    status: "ACTIVE" as const,
    definition: r.definition,
    roleArn: r.roleArn,
    type: m.type as "STANDARD" | "EXPRESS",
    creationDate: new Date(v ? v.created_ms : m.created_ms),
    loggingConfiguration: m.logging ? JSON.parse(m.logging) : undefined,
    tracingConfiguration: m.tracing ? JSON.parse(m.tracing) : undefined,
    ...(m.encryption ? { encryptionConfiguration: JSON.parse(m.encryption) } : {}),
    revisionId: v ? v.revision_id : m.revision_id,
    ...(v?.description ? { description: v.description } : {}),
  };
});

export const updateStateMachine = defineOp("UpdateStateMachine", (input, ctx) => {
  const p = parseSfnArn(input.stateMachineArn);
  if (p?.kind === "stateMachine" && p.rest.length > 1) throw sfnErrors.invalidArn(input.stateMachineArn!, "Version or alias ARNs cannot be updated");
  const { machine: m } = resolveMachine(ctx, input.stateMachineArn);
  if (input.definition === undefined && input.roleArn === undefined && !input.loggingConfiguration && !input.tracingConfiguration && !input.encryptionConfiguration)
    throw sfnErrors.validation("Either the definition, the role ARN, the LoggingConfiguration, the EncryptionConfiguration or the TracingConfiguration must be specified");
  const before = `${m.definition}|${m.role_arn}`;
  if (input.definition !== undefined) m.definition = checkDefinition(input.definition);
  if (input.roleArn !== undefined) m.role_arn = checkRole(input.roleArn);
  if (input.loggingConfiguration) m.logging = checkLogging(input.loggingConfiguration) ?? m.logging;
  if (input.tracingConfiguration) m.tracing = JSON.stringify(input.tracingConfiguration);
  if (input.encryptionConfiguration) m.encryption = JSON.stringify(input.encryptionConfiguration);
  if (`${m.definition}|${m.role_arn}` !== before) m.revision_id = revisionId();
  storeOf(ctx).updateMachine(m);
  const v = input.publish ? publish(ctx, m, input.versionDescription) : undefined;
  return { updateDate: new Date(ctx.clock.now()), revisionId: m.revision_id, ...(v ? { stateMachineVersionArn: v.arn } : {}) };
});

export const deleteStateMachine = defineOp("DeleteStateMachine", (input, ctx) => {
  const p = parseSfnArn(input.stateMachineArn);
  if (!p || p.kind !== "stateMachine") throw sfnErrors.invalidArn(input.stateMachineArn ?? "");
  const s = storeOf(ctx);
  if (p.rest.length === 2) {
    // A version ARN deletes the version; an alias ARN the alias (API_DeleteStateMachine).
    if (/^\d+$/.test(p.rest[1])) s.deleteVersion(input.stateMachineArn!);
    else s.deleteAlias(input.stateMachineArn!);
    return {};
  }
  // Deleting a machine that does not exist succeeds (AWS answers 200).
  s.deleteMachine(input.stateMachineArn!);
  return {};
});

export const listStateMachines = defineOp("ListStateMachines", (input, ctx) => {
  const limit = pageSize(input.maxResults);
  const after = decodeToken<string>(input.nextToken, "");
  const rows = storeOf(ctx).machines(ctx.accountId, ctx.region, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type as "STANDARD" | "EXPRESS", creationDate: new Date(m.created_ms) })),
    ...(rows.length > limit ? { nextToken: encodeToken(page[page.length - 1].arn) } : {}),
  };
});

export const validateStateMachineDefinition = defineOp("ValidateStateMachineDefinition", (input) => {
  const diags = validateDefinition(input.definition ?? "");
  const errors = diags.filter((d) => d.severity === "ERROR");
  const filtered = input.severity === "ERROR" ? errors : diags;
  const max = pageSize(input.maxResults);
  return {
    result: errors.length ? ("FAIL" as const) : ("OK" as const),
    diagnostics: filtered.slice(0, max).map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(d.location ? { location: d.location } : {}) })),
    truncated: filtered.length > max,
  };
});

// ------------------------------------------------------------------------------ versions and aliases

export const publishStateMachineVersion = defineOp("PublishStateMachineVersion", (input, ctx) => {
  const { machine: m } = resolveMachine(ctx, input.stateMachineArn);
  if (input.revisionId && input.revisionId !== m.revision_id)
    throw sfnErrors.conflict(`Failed to publish the State Machine version for revision ${input.revisionId}. The current State Machine revision is ${m.revision_id}.`);
  const v = publish(ctx, m, input.description);
  return { creationDate: new Date(v.created_ms), stateMachineVersionArn: v.arn };
});

export const listStateMachineVersions = defineOp("ListStateMachineVersions", (input, ctx) => {
  const { machine: m } = resolveMachine(ctx, input.stateMachineArn);
  const limit = pageSize(input.maxResults);
  const start = decodeToken<number>(input.nextToken, 0);
  const all = storeOf(ctx).versions(m.arn);
  const page = all.slice(start, start + limit);
  return {
    stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: new Date(v.created_ms) })),
    ...(start + limit < all.length ? { nextToken: encodeToken(start + limit) } : {}),
  };
});

export const deleteStateMachineVersion = defineOp("DeleteStateMachineVersion", (input, ctx) => {
  const p = parseSfnArn(input.stateMachineVersionArn);
  if (!p || p.kind !== "stateMachine" || p.rest.length !== 2 || !/^\d+$/.test(p.rest[1])) throw sfnErrors.invalidArn(input.stateMachineVersionArn ?? "");
  const s = storeOf(ctx);
  const base = `arn:aws:states:${p.region}:${p.account}:stateMachine:${p.rest[0]}`;
  const used = s.aliases(base).find((a) => a.routing.includes(`"${input.stateMachineVersionArn}"`));
  if (used) throw sfnErrors.conflict(`Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${used.arn}]`);
  s.deleteVersion(input.stateMachineVersionArn!);
  return {};
});

type Routing = { stateMachineVersionArn?: string; weight?: number }[] | undefined;
const checkRouting = (ctx: OperationContext, routing: Routing) => {
  if (!routing?.length || routing.length > 2) throw sfnErrors.validation("Routing configuration must contain one or two versions");
  const s = storeOf(ctx);
  let total = 0;
  for (const r of routing) {
    if (!r.stateMachineVersionArn || !s.version(r.stateMachineVersionArn)) throw sfnErrors.resourceNotFound(`State Machine Version Does Not Exist: '${r.stateMachineVersionArn}'`);
    total += r.weight ?? 0;
  }
  if (total !== 100) throw sfnErrors.validation("Sum of routing configuration weights must be equal to 100");
  const bases = new Set(routing.map((r) => r.stateMachineVersionArn!.split(":").slice(0, 7).join(":")));
  if (bases.size !== 1) throw sfnErrors.validation("Routing configuration versions must belong to the same state machine");
  return { base: [...bases][0], json: JSON.stringify(routing) };
};

export const createStateMachineAlias = defineOp("CreateStateMachineAlias", (input, ctx) => {
  const name = checkName(input.name);
  if (/^\d+$/.test(name)) throw sfnErrors.invalidName(name);
  const { base, json } = checkRouting(ctx, input.routingConfiguration);
  const s = storeOf(ctx);
  if (!s.machine(base)) throw sfnErrors.stateMachineDoesNotExist(base);
  const arn = `${base}:${name}`;
  const existing = s.alias(arn);
  if (existing) {
    if (existing.routing === json && (existing.description ?? undefined) === input.description) return { stateMachineAliasArn: arn, creationDate: new Date(existing.created_ms) };
    throw sfnErrors.conflict(`Failed to create alias because an alias with the same name and a different routing configuration already exists.`);
  }
  const now = ctx.clock.now();
  s.putAlias({ arn, machine_arn: base, name, description: input.description ?? null, routing: json, created_ms: now, updated_ms: now });
  return { stateMachineAliasArn: arn, creationDate: new Date(now) };
});

const aliasOf = (ctx: OperationContext, arn: string | undefined) => {
  const p = parseSfnArn(arn);
  if (!p || p.kind !== "stateMachine" || p.rest.length !== 2 || /^\d+$/.test(p.rest[1])) throw sfnErrors.invalidArn(arn ?? "");
  const a = storeOf(ctx).alias(arn!);
  if (!a) throw sfnErrors.resourceNotFound(`State Machine Alias Does Not Exist: '${arn}'`);
  return a;
};

export const describeStateMachineAlias = defineOp("DescribeStateMachineAlias", (input, ctx) => {
  const a = aliasOf(ctx, input.stateMachineAliasArn);
  return {
    stateMachineAliasArn: a.arn, name: a.name, ...(a.description ? { description: a.description } : {}),
    routingConfiguration: JSON.parse(a.routing), creationDate: new Date(a.created_ms), updateDate: new Date(a.updated_ms),
  };
});

export const updateStateMachineAlias = defineOp("UpdateStateMachineAlias", (input, ctx) => {
  const a = aliasOf(ctx, input.stateMachineAliasArn);
  if (input.routingConfiguration) a.routing = checkRouting(ctx, input.routingConfiguration).json;
  if (input.description !== undefined) a.description = input.description;
  a.updated_ms = ctx.clock.now();
  storeOf(ctx).putAlias(a);
  return { updateDate: new Date(a.updated_ms) };
});

export const deleteStateMachineAlias = defineOp("DeleteStateMachineAlias", (input, ctx) => {
  aliasOf(ctx, input.stateMachineAliasArn);
  storeOf(ctx).deleteAlias(input.stateMachineAliasArn!);
  return {};
});

export const listStateMachineAliases = defineOp("ListStateMachineAliases", (input, ctx) => {
  const { machine: m } = resolveMachine(ctx, input.stateMachineArn);
  const limit = pageSize(input.maxResults);
  const start = decodeToken<number>(input.nextToken, 0);
  const all = storeOf(ctx).aliases(m.arn);
  const page = all.slice(start, start + limit);
  return {
    stateMachineAliases: page.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: new Date(a.created_ms) })),
    ...(start + limit < all.length ? { nextToken: encodeToken(start + limit) } : {}),
  };
});

// ------------------------------------------------------------------------------ tags

const taggable = (ctx: OperationContext, arn: string | undefined) => {
  const p = parseSfnArn(arn);
  const s = storeOf(ctx);
  if (!p || (p.kind !== "stateMachine" && p.kind !== "activity")) throw sfnErrors.invalidArn(arn ?? "");
  const exists = p.kind === "activity" ? s.activity(arn!) : s.machine(arn!);
  if (!exists) throw sfnErrors.resourceNotFound(`Resource not found: '${arn}'`);
  return arn!;
};

export const tagResource = defineOp("TagResource", (input, ctx) => {
  const arn = taggable(ctx, input.resourceArn);
  putTags(ctx, arn, input.tags);
  // 50 tags per resource (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
  if (storeOf(ctx).tags(arn).length > 50) throw sfnErrors.tooManyTags("Too many tags: a resource can have at most 50 tags");
  return {};
});

export const untagResource = defineOp("UntagResource", (input, ctx) => {
  const arn = taggable(ctx, input.resourceArn);
  for (const k of input.tagKeys ?? []) storeOf(ctx).deleteTag(arn, k);
  return {};
});

export const listTagsForResource = defineOp("ListTagsForResource", (input, ctx) => {
  const arn = taggable(ctx, input.resourceArn);
  return { tags: storeOf(ctx).tags(arn) };
});
