/**
 * Fuzz test (issue 2, part 7): thousands of mutated raw HTTP requests across the five protocols.
 *
 * 1. Start Cloudbox; create state through the real SDK (STS AssumeRole temporary credentials for
 *    a second account) and read it back (GetCallerIdentity with those credentials, the AZ
 *    mapping of both accounts, the default event bus).
 * 2. Capture valid requests from the real SDK v3 clients (EC2, STS, EventBridge, Step Functions,
 *    Lambda, S3; implemented operations and a few that read bodies), check each is served, then
 *    send FUZZ_COUNT seeded mutations over node:net: changed/truncated bodies, content types,
 *    dropped/duplicated/garbled headers (X-Amz-Target, Authorization credential scope), query
 *    parameters, invalid UTF-8 and percent-encoding, deeply nested JSON/XML, huge numbers,
 *    oversized bodies, odd methods and paths.
 * 3. Each must get a complete HTTP response within a timeout, status 2xx/4xx/501 (a 500 is an
 *    unhandled crash path), and a 4xx body in an AWS error format (the seed protocol's when the
 *    routing parts were left alone).
 * 4. Afterwards /_cloudbox/health answers 200 and the state reads back identical.
 *
 * Knobs (env): FUZZ_COUNT (default 3000), FUZZ_SEED, FUZZ_TIMEOUT_MS (per request, default 5000),
 * FUZZ_CONCURRENCY (default 8), FUZZ_BUDGET_MS (stop sending after this, default 60000).
 */
import "../helpers/env.js";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildQueryString } from "@smithy/core/protocols";
import { EC2Client, DescribeAvailabilityZonesCommand, DescribeRegionsCommand } from "@aws-sdk/client-ec2";
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";
import { EventBridgeClient, ListEventBusesCommand, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { SFNClient, ListStateMachinesCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { LambdaClient, ListFunctionsCommand, CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { S3Client, ListBucketsCommand, PutBucketTaggingCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { Prng } from "../protocol/shape-generator.js";
import { mutate, type Mutant, type Protocol, type Seed } from "./mutations.js";
import { sendRaw, type RawRequest, type RawResponse } from "./raw-http.js";

const COUNT = Number(process.env.FUZZ_COUNT ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 7);
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 5000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 60000);

const ACCOUNT_A = "111111111111";
const ACCOUNT_B = "222222222222";

type AnyClient = { send(cmd: unknown): Promise<Record<string, unknown>>; destroy(): void };
type SdkRequest = { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string>; body?: unknown };

class CapturedRequest extends Error {}

/** Captures the HttpRequest an SDK client builds for a command (nothing is sent). */
const capture = async (make: (handler: object) => AnyClient, command: unknown): Promise<RawRequest> => {
  let raw: RawRequest | undefined;
  const client = make({
    handle: async (r: SdkRequest) => {
      const query = r.query ? buildQueryString(r.query) : "";
      const body = r.body === undefined || r.body === null ? Buffer.alloc(0) : typeof r.body === "string" ? Buffer.from(r.body) : Buffer.from(r.body as Uint8Array);
      raw = { method: r.method, target: query ? `${r.path}?${query}` : r.path, headers: Object.entries(r.headers).map(([k, v]) => [k, String(v)]), body };
      throw new CapturedRequest();
    },
  });
  try {
    await client.send(command);
  } catch (e) {
    if (!(e instanceof CapturedRequest) && !raw) throw e;
  } finally {
    client.destroy();
  }
  return raw!;
};

const stripMeta = (o: object): Record<string, unknown> => {
  const { $metadata: _m, ...rest } = o as Record<string, unknown>;
  return rest;
};

// ---------------------------------------------------------------------------------------------
// Error formats

const ERROR_FORMATS: Record<Protocol, (res: RawResponse) => boolean> = {
  json: (res) => {
    try {
      const b = JSON.parse(res.body.toString("utf8")) as Record<string, unknown>;
      return typeof b.__type === "string" && b.__type.length > 0;
    } catch {
      return false;
    }
  },
  "rest-json": (res) => {
    if (res.headers["x-amzn-errortype"]) return true;
    try {
      const b = JSON.parse(res.body.toString("utf8")) as Record<string, unknown>;
      return typeof b.__type === "string" || typeof b.code === "string";
    } catch {
      return false;
    }
  },
  query: (res) => /^\s*(<\?xml[^>]*>\s*)?<ErrorResponse[\s>][\s\S]*<Error>[\s\S]*<Code>[^<]+<\/Code>[\s\S]*<\/ErrorResponse>\s*$/.test(res.body.toString("utf8")),
  ec2: (res) => /^\s*(<\?xml[^>]*>\s*)?<Response>[\s\S]*<Errors>\s*<Error>\s*<Code>[^<]+<\/Code>[\s\S]*<RequestI[Dd]>[^<]*<\/RequestI[Dd]>\s*<\/Response>\s*$/.test(res.body.toString("utf8")),
  "rest-xml": (res) => /^\s*(<\?xml[^>]*>\s*)?<Error>[\s\S]*<Code>[^<]+<\/Code>[\s\S]*<\/Error>\s*$/.test(res.body.toString("utf8")),
};

const formatOf = (res: RawResponse): Protocol | undefined => {
  for (const p of ["ec2", "query", "json", "rest-json", "rest-xml"] as Protocol[]) if (ERROR_FORMATS[p](res)) return p;
  return undefined;
};

// ---------------------------------------------------------------------------------------------

interface Problem {
  mutant: Mutant;
  index: number;
  problem: string;
  res: RawResponse;
}

const showRequest = (m: Mutant): string => {
  const t = Buffer.isBuffer(m.req.target) ? m.req.target.toString("latin1") : m.req.target;
  const headers = m.req.headers
    .filter(([k]) => !/^(user-agent|x-amz-user-agent|amz-sdk-invocation-id|amz-sdk-request)$/i.test(k))
    .map(([k, v]) => `${k}: ${v.toString("latin1").slice(0, 200)}`)
    .join(" | ");
  const body = m.req.body.subarray(0, 300).toString("latin1");
  return `${m.req.method} ${t.slice(0, 300)} [${headers}] body(${m.req.body.length})=${JSON.stringify(body)}`;
};

describe("fuzz: mutated requests across the five protocols", () => {
  let cb: Cloudbox;
  let seeds: Seed[] = [];
  const before_: Record<string, unknown> = {};
  let tempCreds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

  const client = <T>(C: new (c: object) => T, account: string, extra: object = {}): T =>
    new C({ ...cb.clientConfig, credentials: { accessKeyId: account, secretAccessKey: "test" }, maxAttempts: 1, ...extra });

  /** The state this test creates and must find unchanged after the fuzzing. */
  const readState = async (): Promise<Record<string, unknown>> => {
    const stsTemp = new STSClient({ ...cb.clientConfig, credentials: tempCreds, maxAttempts: 1 });
    const out: Record<string, unknown> = {
      tempIdentity: stripMeta(await stsTemp.send(new GetCallerIdentityCommand({}))),
      identityA: stripMeta(await client(STSClient, ACCOUNT_A).send(new GetCallerIdentityCommand({}))),
      azA: stripMeta(await client(EC2Client, ACCOUNT_A).send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }))),
      azB: stripMeta(await client(EC2Client, ACCOUNT_B).send(new DescribeAvailabilityZonesCommand({}))),
      busesA: stripMeta(await client(EventBridgeClient, ACCOUNT_A).send(new ListEventBusesCommand({}))),
    };
    stsTemp.destroy();
    return out;
  };

  before(async () => {
    cb = await startCloudbox({ maxBodyBytes: 2 * 1024 * 1024 });
    const assumed = await client(STSClient, ACCOUNT_A).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_B}:role/fuzz-role`, RoleSessionName: "fuzz-session", DurationSeconds: 3600 }),
    );
    const c = assumed.Credentials!;
    tempCreds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    Object.assign(before_, await readState());

    const cfg = (account: string, handler: object, extra: object = {}) => ({
      ...cb.clientConfig,
      credentials: { accessKeyId: account, secretAccessKey: "test" },
      requestHandler: handler,
      maxAttempts: 1,
      ...extra,
    });
    const grab = async (name: string, protocol: Protocol, make: (h: object) => AnyClient, cmd: unknown) =>
      seeds.push({ name, protocol, req: await capture(make, cmd) });
    const ec2 = (h: object) => new EC2Client(cfg(ACCOUNT_A, h)) as unknown as AnyClient;
    const sts = (h: object) => new STSClient(cfg(ACCOUNT_A, h)) as unknown as AnyClient;
    const stsTemp = (h: object) => new STSClient({ ...cfg(ACCOUNT_A, h), credentials: tempCreds }) as unknown as AnyClient;
    const events = (h: object) => new EventBridgeClient(cfg(ACCOUNT_B, h)) as unknown as AnyClient;
    const sfn = (h: object) => new SFNClient(cfg(ACCOUNT_A, h)) as unknown as AnyClient;
    const lambda = (h: object) => new LambdaClient(cfg(ACCOUNT_A, h)) as unknown as AnyClient;
    const s3 = (h: object) => new S3Client(cfg(ACCOUNT_A, h, { forcePathStyle: true })) as unknown as AnyClient;
    await grab("ec2:DescribeAvailabilityZones", "ec2", ec2, new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1a"], Filters: [{ Name: "state", Values: ["available"] }] }));
    await grab("ec2:DescribeAvailabilityZones(all)", "ec2", ec2, new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }));
    await grab("ec2:DescribeRegions", "ec2", ec2, new DescribeRegionsCommand({ AllRegions: true, RegionNames: ["eu-west-1"] }));
    await grab("sts:GetCallerIdentity", "query", sts, new GetCallerIdentityCommand({}));
    await grab("sts:GetCallerIdentity(temp)", "query", stsTemp, new GetCallerIdentityCommand({}));
    await grab("sts:AssumeRole", "query", sts, new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_B}:role/r`, RoleSessionName: "s", DurationSeconds: 900 }));
    await grab("sts:GetSessionToken", "query", sts, new GetSessionTokenCommand({ DurationSeconds: 900 }));
    await grab("events:ListEventBuses", "json", events, new ListEventBusesCommand({ Limit: 10, NamePrefix: "def" }));
    await grab("events:PutEvents", "json", events, new PutEventsCommand({ Entries: [{ Source: "fuzz", DetailType: "t", Detail: '{"a":1}', Time: new Date(0) }] }));
    await grab("states:ListStateMachines", "json", sfn, new ListStateMachinesCommand({ maxResults: 10 }));
    await grab("states:StartExecution", "json", sfn, new StartExecutionCommand({ stateMachineArn: "arn:aws:states:us-east-1:111111111111:stateMachine:x", input: "{}" }));
    await grab("lambda:ListFunctions", "rest-json", lambda, new ListFunctionsCommand({ MaxItems: 10, FunctionVersion: "ALL" }));
    await grab("lambda:CreateFunction", "rest-json", lambda, new CreateFunctionCommand({ FunctionName: "f", Role: "arn:aws:iam::111111111111:role/r", Code: { ZipFile: new Uint8Array([1, 2, 3]) } }));
    await grab("lambda:Invoke", "rest-json", lambda, new InvokeCommand({ FunctionName: "f", Payload: Buffer.from('{"x":1}') }));
    await grab("s3:ListBuckets", "rest-xml", s3, new ListBucketsCommand({ MaxBuckets: 10 }));
    await grab("s3:PutBucketTagging", "rest-xml", s3, new PutBucketTaggingCommand({ Bucket: "fuzz-bucket", Tagging: { TagSet: [{ Key: "k", Value: "v" }] } }));
    await grab("s3:PutObject", "rest-xml", s3, new PutObjectCommand({ Bucket: "fuzz-bucket", Key: "a/b.txt", Body: "hello" }));
  });

  after(async () => {
    await cb?.stop();
  });

  it("serves the unmutated seed requests", async () => {
    const bad: string[] = [];
    for (const s of seeds) {
      const res = await sendRaw(cb.port, s.req, TIMEOUT_MS);
      const implemented = res.status >= 200 && res.status < 300;
      // Seeds of unimplemented operations answer 501 (or a 4xx for a missing resource).
      if (!res.complete || !(implemented || res.status === 501 || (res.status >= 400 && res.status < 500))) bad.push(`${s.name}: ${res.status} ${res.body.toString("utf8").slice(0, 200)}`);
      if (res.status >= 400 && !ERROR_FORMATS[s.protocol](res)) bad.push(`${s.name}: ${res.status} not in ${s.protocol} error format: ${res.body.toString("utf8").slice(0, 200)}`);
    }
    assert.deepEqual(bad, []);
  });

  it(`answers ${COUNT} mutated requests with complete 2xx/4xx/501 responses in AWS error formats`, { timeout: BUDGET_MS + 60_000 }, async (t) => {
    const rng = new Prng(SEED);
    const mutants: Mutant[] = pinnedMutants(seeds);
    for (let i = 0; i < COUNT; i++) mutants.push(mutate(rng, seeds[rng.int(0, seeds.length - 1)]!));
    const problems: Problem[] = [];
    const byKind = new Map<string, number>();
    const byStatus = new Map<number, number>();
    let next = 0;
    let sent = 0;
    let parserRejections = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < mutants.length && Date.now() - started < BUDGET_MS) {
        const index = next++;
        const m = mutants[index]!;
        const res = await sendRaw(cb.port, m.req, TIMEOUT_MS);
        sent++;
        byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
        byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
        const problem = judge(m, res);
        if (problem === "parser") parserRejections++;
        else if (problem) problems.push({ mutant: m, index, problem, res });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    t.diagnostic(`fuzz: ${sent} requests in ${secs}s (${[...byKind].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    t.diagnostic(`fuzz: statuses ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(", ")}; ${parserRejections} answered by Node's HTTP parser itself (not HTTP/1.1, or a request head over its size limit)`);
    console.log(`# fuzz summary: ${sent} mutated requests, ${seeds.length} seeds, 5 protocols, ${problems.length} problems, ${secs}s`);
    if (problems.length) {
      const groups = new Map<string, number>();
      for (const p of problems) {
        const key = `${p.mutant.kind}: ${p.problem.replace(/\d+ ms/, "N ms").slice(0, 90)}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      t.diagnostic(`fuzz problems by kind: ${[...groups].map(([k, n]) => `${n}× ${k}`).join(" | ")}`);
      // Crashes (500) first, then hangs, then the rest.
      const rank = (p: Problem) => (p.res.status === 500 ? 0 : p.res.status === 0 ? 1 : 2);
      problems.sort((a, b) => rank(a) - rank(b) || a.index - b.index);
      const lines = problems.slice(0, 25).map((p) => `#${p.index} [${p.mutant.seed.name} / ${p.mutant.kind}: ${p.mutant.detail}]\n    ${p.problem}\n    request: ${showRequest(p.mutant)}\n    response: ${p.res.status} ${p.res.body.toString("utf8").slice(0, 300)}`);
      assert.fail(`${problems.length} of ${sent} mutated requests got a bad answer:\n${lines.join("\n")}${problems.length > 25 ? `\n(+${problems.length - 25} more)` : ""}`);
    }
    assert.ok(sent >= Math.min(COUNT, 500), `only ${sent} requests were sent within the time budget`);
  });

  it("still answers /_cloudbox/health, and the state reads back identical", async () => {
    const res = await sendRaw(cb.port, { method: "GET", target: "/_cloudbox/health", headers: [["host", `127.0.0.1:${cb.port}`]], body: Buffer.alloc(0) }, TIMEOUT_MS);
    assert.equal(res.status, 200, res.body.toString("utf8"));
    const health = JSON.parse(res.body.toString("utf8")) as { services?: unknown[] };
    assert.ok(Array.isArray(health.services) && health.services.length >= 6);
    const now = await readState();
    assert.deepEqual(now, before_);
    assert.equal((now.tempIdentity as { Account?: string }).Account, ACCOUNT_B);
  });
});

/** Hand-picked requests that once found a crash or hang: they run every time, before the random ones. */
const pinnedMutants = (seeds: Seed[]): Mutant[] => {
  const seed = (name: string) => seeds.find((s) => s.name === name)!;
  const withBody = (s: Seed, body: string): RawRequest => ({
    ...s.req,
    headers: s.req.headers.filter(([k]) => k.toLowerCase() !== "content-length"),
    body: Buffer.from(body),
  });
  const azs = seed("ec2:DescribeAvailabilityZones");
  const sts = seed("sts:AssumeRole");
  const events = seed("events:ListEventBuses");
  const pin = (s: Seed, kind: string, detail: string, req: RawRequest, routing = true): Mutant => ({ seed: s, kind, detail, req, routing });
  return [
    pin(azs, "pinned", "EC2 filter value of 70,000 characters", withBody(azs, `Action=DescribeAvailabilityZones&Version=2016-11-15&Filter.1.Name=state&Filter.1.Value.1=${"a".repeat(70000)}`)),
    pin(azs, "pinned", "EC2 filter value of 20,000 wildcards", withBody(azs, `Action=DescribeAvailabilityZones&Version=2016-11-15&Filter.1.Name=zone-name&Filter.1.Value.1=${"*a".repeat(20000)}`)),
    pin(azs, "pinned", "EC2 filter value with regex metacharacters", withBody(azs, `Action=DescribeAvailabilityZones&Version=2016-11-15&Filter.1.Name=zone-name&Filter.1.Value.1=${encodeURIComponent("(a+)+$[\\{")}`)),
    pin(azs, "pinned", "EC2 1,000 filters", withBody(azs, `Action=DescribeAvailabilityZones&Version=2016-11-15&${Array.from({ length: 1000 }, (_, i) => `Filter.${i + 1}.Name=zone-name&Filter.${i + 1}.Value.1=x${i}`).join("&")}`)),
    pin(sts, "pinned", "STS RoleSessionName of 70,000 characters", withBody(sts, `Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fr&RoleSessionName=${"s".repeat(70000)}`)),
    pin(events, "pinned", "EventBridge NamePrefix of 70,000 characters", withBody(events, JSON.stringify({ NamePrefix: "d".repeat(70000) }))),
    pin(sts, "pinned", "CONNECT method", { ...sts.req, method: "CONNECT" }, false),
  ];
};

/** undefined when the answer is acceptable; "parser" for an HTTP-level rejection of a broken message. */
const judge = (m: Mutant, res: RawResponse): string | "parser" | undefined => {
  if (!res.complete) {
    if (res.status === 0) return res.timedOut ? `no response within ${TIMEOUT_MS} ms` : `connection closed after ${res.ms} ms without an HTTP response`;
    return `incomplete response (status ${res.status}, ${res.body.length} body bytes${res.timedOut ? `, timed out after ${TIMEOUT_MS} ms` : ""})`;
  }
  const aws = res.headers["x-amzn-requestid"] !== undefined || res.headers["x-amz-request-id"] !== undefined || res.headers["x-amzn-errortype"] !== undefined;
  // Node's HTTP parser answers what is not HTTP/1.1 (bad framing, unknown or lower-case methods,
  // control characters in headers, a missing Host) with a bare 400, and oversized request heads
  // with 431, before Cloudbox sees the request: no body and none of Cloudbox's request-id headers.
  if ((res.status === 400 || res.status === 431) && !aws && res.body.length === 0) return "parser";
  const s = res.status;
  if (s === 500) return `500 (an unhandled crash path): ${res.body.toString("utf8").slice(0, 300)}`;
  if (!((s >= 200 && s < 300) || (s >= 400 && s < 500) || s === 501)) return `status ${s} is not 2xx/4xx/501`;
  if (s >= 400) {
    if (m.req.method.toUpperCase() === "HEAD" && res.body.length === 0) return undefined;
    const fmt = formatOf(res);
    if (!fmt) return `${s} body is in no AWS error format: ${res.body.toString("utf8").slice(0, 300)}`;
    if (m.routing && !ERROR_FORMATS[m.seed.protocol](res)) return `${s} body is not in the ${m.seed.protocol} error format (looks like ${fmt})`;
  }
  return undefined;
};
