/**
 * Generated protocol conformance (issue 2, part 8).
 *
 * For every operation of the EC2, STS, EventBridge, Step Functions, Lambda and S3 models
 * (implemented by Cloudbox or not), random valid inputs and outputs are generated from the model
 * with a seeded PRNG (test/protocol/shape-generator.ts) and round-tripped through the REAL SDK v3
 * client, whose request handler is ours:
 *   request:  SDK client builds the HttpRequest → codec.resolveOperation names the operation →
 *             codec.parseInput gives back the input the client was called with;
 *   response: codec.serializeOutput of a random output → the bytes go back to the client → the
 *             client's result equals that output;
 *   errors:   codec.serializeError of every modelled error shape (and a few unmodelled codes) →
 *             the client throws an error with that name, HTTP status, message and fields.
 *
 * One describe per service/protocol, one test per operation (all its cases), one per error shape.
 * Run one protocol:  node --import tsx --test --test-name-pattern=ec2 test/protocol/roundtrip.test.ts
 *   (the describe names are "ec2 (ec2)", "sts (query)", "events (json)", "states (json)",
 *   "lambda (rest-json)", "s3 (rest-xml)": a protocol name works as the pattern too).
 * Knobs (env): ROUNDTRIP_CASES (cases per direction per operation, default 4: every member,
 * every member with hostile strings, required members only, then random subsets),
 * ROUNDTRIP_SEED, ROUNDTRIP_OPS (a regular expression on operation names), ROUNDTRIP_VERBOSE=1.
 * A failure names its case seed; the same ROUNDTRIP_SEED reproduces it.
 */
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../src/core/errors.js";
import type { HttpRequest } from "../../src/core/http.js";
import { codecFor, type OperationModel, type ProtocolName, type Shape } from "../../src/protocol/index.js";
import { OMIT, Prng, seedOf, ShapeGenerator, type Fill, type GenOptions } from "./shape-generator.js";
import {
  Captured,
  diff,
  drainStreams,
  errorStatus,
  eventStreamMember,
  loadService,
  managedMembers,
  normalize,
  reconcile,
  SERVICES,
  without,
  type LoadedService,
} from "./roundtrip-support.js";
import { outputStatusOverrides } from "../../src/protocol/rest-overrides.js";

const CASES = Math.max(1, Number(process.env.ROUNDTRIP_CASES ?? 4));
const SEED = Number(process.env.ROUNDTRIP_SEED ?? 20261127);
const OPS = process.env.ROUNDTRIP_OPS ? new RegExp(process.env.ROUNDTRIP_OPS) : undefined;
const VERBOSE = process.env.ROUNDTRIP_VERBOSE === "1";

const CODEC_FILE: Record<ProtocolName, string> = {
  ec2: "ec2.ts",
  query: "query.ts",
  json: "json.ts",
  "rest-json": "rest-json.ts",
  "rest-xml": "rest-xml.ts",
};
/** A codec that is still the placeholder: its tests are skipped (not failed) until it lands. */
const codecPending = (p: ProtocolName): boolean =>
  readFileSync(new URL(`../../src/protocol/${CODEC_FILE[p]}`, import.meta.url), "utf8").includes("not written yet");

/** Case i: 0 every member, 1 every member with hostile strings, 2 required members only, 3+ a random subset. */
const CASE_KINDS = ["all", "edge", "required", "random"] as const;
const caseKind = (i: number) => CASE_KINDS[Math.min(i, CASE_KINDS.length - 1)];
const fillOf = (i: number): Fill => {
  const k = caseKind(i);
  return k === "edge" ? "all" : k;
};
const isXmlish = (p: ProtocolName) => p === "ec2" || p === "query" || p === "rest-xml";

/** What the generator does differently for a few members, and why (printed with the summary). */
const MEMBER_ADJUSTMENTS = [
  "S3 Checksum*/ContentMD5 request members are not generated and not compared (the SDK computes them)",
  "S3 SSE-C customer key MD5s are expected as the SDK derives them from the key",
  "S3 ExpiresString output is not generated (the SDK derives it from the Expires header)",
  "S3 CopyObject/UploadPartCopy outputs always carry their result (the SDK treats an empty 200 as an error)",
  "EC2 CopySnapshot PresignedUrl/DestinationRegion are always set (otherwise the SDK presigns a URL itself)",
  "EventBridge PutEvents EndpointId is not generated (global endpoints need SigV4a)",
  "a member bound to an HTTP header that another member already uses is not generated",
  "absent payloads equal empty ones, and SDK-filled Content-Type/Content-Length and response-code members are expected",
];

const stats = {
  services: new Set<string>(),
  operations: 0,
  requestCases: 0,
  responseCases: 0,
  errorCases: 0,
  failedCases: 0,
  skips: [] as string[],
  started: Date.now(),
};

interface CaseFailure {
  label: string;
  lines: string[];
}

const describeError = (e: unknown): string => {
  if (e instanceof AwsError) return `AwsError ${e.code} (${e.status}): ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack ? `\n      ${e.stack.split("\n").slice(1, 4).join("\n      ")}` : ""}`;
  return String(e);
};

const genOptions = (svc: LoadedService, op: OperationModel, direction: GenOptions["direction"], fill: Fill, edgeStrings = false): GenOptions => {
  const managed = direction === "input" ? managedMembers(svc.spec, op) : [];
  const custom = svc.spec.custom;
  return {
    protocol: svc.model.protocol,
    direction,
    fill,
    edgeStrings,
    emptyCollections: !isXmlish(svc.model.protocol),
    custom: (ctx, rng) => {
      if (ctx.depth === 1 && managed.includes(ctx.memberName)) return OMIT;
      return custom?.(op.name, ctx, rng, direction);
    },
  };
};

/** The operation used to carry error responses: a non-HEAD operation without an event stream. */
const errorCarrier = (svc: LoadedService): OperationModel => {
  const ops = [...svc.model.operations.values()];
  return (
    ops.find((o) => o.http?.method !== "HEAD" && !eventStreamMember(o.output) && !eventStreamMember(o.input) && o.input.required.size === 0) ??
    ops.find((o) => o.http?.method !== "HEAD" && !eventStreamMember(o.output))!
  );
};

const requestCase = async (svc: LoadedService, op: OperationModel, i: number): Promise<string[] | undefined> => {
  const { model, spec, client } = svc;
  const codec = codecFor(model.protocol);
  const seed = seedOf(SEED, model.name, op.name, "request", i);
  const input = new ShapeGenerator(new Prng(seed), genOptions(svc, op, "input", fillOf(i), caseKind(i) === "edge")).root(op.input, op.http?.uri);
  let captured: HttpRequest | undefined;
  try {
    await client.send(op.name, input, async (req) => {
      captured = req;
      return "abort";
    });
  } catch (e) {
    if (!(e instanceof Captured) && !captured) return [`the SDK refused the generated input (generator bug): ${describeError(e)}`, `input: ${JSON.stringify(normalize(input))}`];
  }
  if (!captured) return ["the SDK sent no request"];
  const req = captured;
  const wire = `${req.method} ${req.path}${req.query ? `?${req.query}` : ""} ${JSON.stringify(req.headers)} body=${JSON.stringify(req.body.toString("utf8").slice(0, 400))}`;
  let resolved: OperationModel;
  try {
    resolved = codec.resolveOperation(model, req);
  } catch (e) {
    return [`resolveOperation threw ${describeError(e)}`, `request: ${wire}`];
  }
  if (resolved?.name !== op.name) return [`resolveOperation named ${resolved?.name}, expected ${op.name}`, `request: ${wire}`];
  let parsed: Record<string, unknown>;
  try {
    parsed = codec.parseInput(model, op, req);
  } catch (e) {
    return [`parseInput threw ${describeError(e)}`, `request: ${wire}`, `input: ${JSON.stringify(normalize(input))}`];
  }
  const managed = managedMembers(spec, op);
  const r = reconcile(op.input, without(spec.expectInput ? spec.expectInput(op.name, input) : input, managed), without(parsed ?? {}, managed), {
    contentType: req.headers["content-type"],
    contentLength: req.headers["content-length"],
  });
  const expected = normalize(r.expected, { dropEmpty: isXmlish(model.protocol) });
  const actual = normalize(r.actual, { dropEmpty: isXmlish(model.protocol) });
  const d = diff(expected ?? {}, actual ?? {});
  if (d.length) return [`parseInput differs from the input sent (seed ${seed}):`, ...d.map((l) => `  ${l}`), `request: ${wire}`];
  return undefined;
};

const responseCase = async (svc: LoadedService, op: OperationModel, i: number): Promise<string[] | undefined> => {
  const { model, spec, client } = svc;
  const codec = codecFor(model.protocol);
  const seed = seedOf(SEED, model.name, op.name, "response", i);
  const rng = new Prng(seed);
  const input = new ShapeGenerator(rng, genOptions(svc, op, "input", "required")).root(op.input, op.http?.uri);
  const output = new ShapeGenerator(rng, genOptions(svc, op, "output", fillOf(i), caseKind(i) === "edge")).root(op.output, op.http?.uri);
  const requestId = `rt-${seed.toString(16)}-${i}`;
  let wire = "";
  let result: Record<string, unknown>;
  try {
    result = await client.send(op.name, input, async () => {
      const res = codec.serializeOutput(model, op, output, { requestId });
      wire = `${res.status} ${JSON.stringify(res.headers)} body=${JSON.stringify(Buffer.from(res.body ?? "").toString("utf8").slice(0, 400))}`;
      return res;
    });
  } catch (e) {
    return [`the client failed on the serialized output: ${describeError(e)}`, `response: ${wire}`, `output: ${JSON.stringify(normalize(output))}`];
  }
  const meta = result.$metadata as { requestId?: string; httpStatusCode?: number } | undefined;
  const drained = (await drainStreams(without(result, ["$metadata"]))) as Record<string, unknown>;
  const dropEmpty = isXmlish(model.protocol);
  const r = reconcile(op.output, spec.expectOutput ? spec.expectOutput(op.name, output) : output, drained, { defaultStatus: op.http?.code ?? 200 });
  const expected = normalize(r.expected, { dropEmpty });
  const actual = normalize(r.actual, { dropEmpty });
  const d = diff(expected ?? {}, actual ?? {});
  const codeMember = [...op.output.members.values()].some((m) => m.traits.httpResponseCode);
  // The override table's documented status (S3 GetObject with a range answers 206), else the model's.
  const status = outputStatusOverrides.get(`${model.name}:${op.name}`)?.(output) ?? op.http?.code ?? 200;
  if (!codeMember && meta?.httpStatusCode !== status) d.push(`$metadata.httpStatusCode: expected ${status}, got ${meta?.httpStatusCode}`);
  if (meta?.requestId !== requestId) d.push(`$metadata.requestId: expected ${JSON.stringify(requestId)}, got ${JSON.stringify(meta?.requestId)}`);
  if (d.length) return [`the client's result differs from the output serialized (seed ${seed}):`, ...d.map((l) => `  ${l}`), `response: ${wire}`];
  return undefined;
};

const messageMembers = (shape: Shape) => [...shape.members.keys()].filter((k) => k.toLowerCase() === "message" || k === "errorMessage");

const errorCase = async (svc: LoadedService, code: string, shape: Shape | undefined, status: number, i: number): Promise<string[] | undefined> => {
  const { model, client } = svc;
  const codec = codecFor(model.protocol);
  const op = errorCarrier(svc);
  const seed = seedOf(SEED, model.name, code, "error", i);
  const rng = new Prng(seed);
  const input = new ShapeGenerator(rng, genOptions(svc, op, "input", "required")).root(op.input, op.http?.uri);
  const fields = shape ? without(new ShapeGenerator(rng, { protocol: model.protocol, direction: "error", fill: "all", edgeStrings: i === 1 }).root(shape), messageMembers(shape)) : {};
  const message = `Cloudbox round-trip ${code} <&> "${i}" é`;
  const requestId = `err-${seed.toString(16)}`;
  let wire = "";
  try {
    await client.send(op.name, input, async () => {
      const res = codec.serializeError(model, op, new AwsError(code, message, { status, fields }), { requestId });
      wire = `${res.status} ${JSON.stringify(res.headers)} body=${JSON.stringify(Buffer.from(res.body ?? "").toString("utf8").slice(0, 400))}`;
      return res;
    });
  } catch (e) {
    const err = e as Record<string, unknown> & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    const lines: string[] = [];
    if (err.name !== code) lines.push(`name: expected ${code}, got ${String(err.name)}`);
    if (err.$metadata?.httpStatusCode !== status) lines.push(`$metadata.httpStatusCode: expected ${status}, got ${err.$metadata?.httpStatusCode}`);
    if (err.message !== message) lines.push(`message: expected ${JSON.stringify(message)}, got ${JSON.stringify(err.message)}`);
    if (err.$metadata?.requestId !== requestId) lines.push(`$metadata.requestId: expected ${requestId}, got ${String(err.$metadata?.requestId)}`);
    if (shape?.traits.error && err.$fault !== shape.traits.error) lines.push(`$fault: expected ${shape.traits.error}, got ${String(err.$fault)}`);
    const got: Record<string, unknown> = {};
    for (const k of Object.keys(fields)) got[k] = err[k];
    lines.push(...diff(normalize(fields) ?? {}, normalize(got) ?? {}).map((l) => `field ${l}`));
    return lines.length ? [`error ${code} via ${op.name} (seed ${seed}):`, ...lines, `response: ${wire}`] : undefined;
  }
  return [`error ${code}: the client did not throw`, `response: ${wire}`];
};

const report = (failures: CaseFailure[], total: number) => {
  if (!failures.length) return;
  stats.failedCases += failures.length;
  const shown = failures.slice(0, 3).map((f) => `- ${f.label}\n    ${f.lines.join("\n    ")}`);
  assert.fail(`${failures.length}/${total} cases failed\n${shown.join("\n")}${failures.length > 3 ? `\n(+${failures.length - 3} more)` : ""}`);
};

const services = await Promise.all(SERVICES.map(loadService));

for (const svc of services) {
  const { model, spec } = svc;
  const pending = codecPending(model.protocol);
  describe(`${spec.name} (${model.protocol})`, { skip: pending ? `the ${model.protocol} codec is not written yet` : false }, () => {
    for (const op of model.operations.values()) {
      if (OPS && !OPS.test(op.name)) continue;
      it(op.name, async () => {
        stats.services.add(spec.name);
        stats.operations++;
        const failures: CaseFailure[] = [];
        let total = 0;
        const skip = spec.skip?.(op);
        if (skip?.request) stats.skips.push(`${spec.name}:${op.name} request: ${skip.request}`);
        else {
          for (let i = 0; i < CASES; i++) {
            total++;
            stats.requestCases++;
            const f = await requestCase(svc, op, i);
            if (f) failures.push({ label: `request case ${i} (${caseKind(i)})`, lines: f });
          }
        }
        const es = eventStreamMember(op.output);
        const responseSkip = skip?.response ?? (es ? `output member ${es} is an event stream (not a plain HTTP response)` : undefined);
        if (responseSkip) stats.skips.push(`${spec.name}:${op.name} response: ${responseSkip}`);
        else {
          for (let i = 0; i < CASES; i++) {
            total++;
            stats.responseCases++;
            const f = await responseCase(svc, op, i);
            if (f) failures.push({ label: `response case ${i} (${caseKind(i)})`, lines: f });
          }
        }
        report(failures, total);
      });
    }
    const errorCodes: [string, Shape | undefined, number][] = [
      ...[...model.errors].map(([code, shape]) => [code, shape, errorStatus(shape, model.protocol)] as [string, Shape, number]),
      ...spec.genericErrors.map((g) => [g.code, undefined, g.status] as [string, undefined, number]),
    ];
    for (const [code, shape, status] of errorCodes) {
      if (OPS && !OPS.test(code)) continue;
      it(`error ${code}${shape ? "" : " (unmodelled)"}`, async () => {
        const failures: CaseFailure[] = [];
        const n = Math.min(CASES, 2);
        for (let i = 0; i < n; i++) {
          stats.errorCases++;
          const f = await errorCase(svc, code, shape, status, i);
          if (f) failures.push({ label: `error case ${i}`, lines: f });
        }
        report(failures, n);
      });
    }
  });
}

after(() => {
  const secs = ((Date.now() - stats.started) / 1000).toFixed(1);
  const cases = stats.requestCases + stats.responseCases + stats.errorCases;
  const uniqueSkips = [...new Set(stats.skips)];
  console.log(`# skipped (${uniqueSkips.length}):`);
  for (const s of VERBOSE ? uniqueSkips : uniqueSkips.slice(0, 40)) console.log(`#   ${s}`);
  if (!VERBOSE && uniqueSkips.length > 40) console.log(`#   ... (${uniqueSkips.length - 40} more, ROUNDTRIP_VERBOSE=1 lists all)`);
  for (const line of MEMBER_ADJUSTMENTS) console.log(`# member-level: ${line}`);
  console.log(
    `# round-trip summary: ${stats.services.size} services, ${stats.operations} operations, ${cases} cases ` +
      `(${stats.requestCases} request, ${stats.responseCases} response, ${stats.errorCases} error), ${stats.failedCases} failed, ${secs}s`,
  );
});
