/**
 * Support for the generated protocol round-trip suite (roundtrip.test.ts): the services under
 * test, an SDK v3 client whose request handler is a function of ours (capture the request, answer
 * with our bytes), conversion between the SDK's HttpRequest/HttpResponse and Cloudbox's, value
 * normalization and a readable path-by-path diff.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { buildQueryString, HttpResponse as SdkHttpResponse } from "@smithy/core/protocols";
import type { HttpRequest, HttpResponse } from "../../src/core/http.js";
import { loadServiceModel, type OperationModel, type ProtocolName, type ServiceModel, type Shape } from "../../src/protocol/index.js";
import type { Direction, MemberContext, Prng } from "./shape-generator.js";
import { isEventStream, OMIT } from "./shape-generator.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// ---------------------------------------------------------------------------------------------
// Services

export interface ServiceSpec {
  name: string;
  protocol: ProtocolName;
  pkg: string;
  clientClass: string;
  clientConfig?: Record<string, unknown>;
  /** Members the SDK computes or rewrites itself: not generated, and dropped before comparing. */
  sdkManagedInput?: (op: string, member: string) => boolean;
  /** Per-member value domains the SDK insists on (e.g. valid S3 bucket names). */
  custom?: (op: string, ctx: MemberContext, rng: Prng, direction: Direction) => unknown;
  /** Adjusts the expected input for what the SDK does to it on the way (e.g. SSE-C key MD5). */
  expectInput?: (op: string, input: Record<string, unknown>) => Record<string, unknown>;
  /** Adjusts the expected output for what the SDK adds on the way back (e.g. S3 ExpiresString). */
  expectOutput?: (op: string, output: Record<string, unknown>) => Record<string, unknown>;
  /** Operations skipped entirely in one direction, with the reason. */
  skip?: (op: OperationModel) => { request?: string; response?: string } | undefined;
  /** Wire codes that are not in the model, to check unmodelled errors. */
  genericErrors: { code: string; status: number }[];
}

/** S3 request checksums (x-amz-checksum-*, Content-MD5, the algorithm and mode) are the SDK's business. */
const S3_CHECKSUM_MEMBER = /^(Checksum|ContentMD5$)/;

const base64Md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("base64");

export const SERVICES: ServiceSpec[] = [
  {
    name: "ec2",
    protocol: "ec2",
    pkg: "@aws-sdk/client-ec2",
    clientClass: "EC2Client",
    // CopySnapshot: the SDK presigns a URL unless PresignedUrl is given, so always give it.
    custom: (op, ctx, rng, direction) =>
      direction === "input" && op === "CopySnapshot" && ctx.depth === 1 && (ctx.memberName === "PresignedUrl" || ctx.memberName === "DestinationRegion")
        ? `https://ec2.example/${rng.int(1, 1e6)}`
        : undefined,
    genericErrors: [
      { code: "InvalidParameterValue", status: 400 },
      { code: "UnauthorizedOperation", status: 403 },
      { code: "InvalidVpcID.NotFound", status: 400 },
      { code: "RequestLimitExceeded", status: 503 },
    ],
  },
  {
    name: "sts",
    protocol: "query",
    pkg: "@aws-sdk/client-sts",
    clientClass: "STSClient",
    genericErrors: [
      { code: "InvalidParameterValue", status: 400 },
      { code: "Throttling", status: 400 },
    ],
  },
  {
    name: "events",
    protocol: "json",
    pkg: "@aws-sdk/client-eventbridge",
    clientClass: "EventBridgeClient",
    // PutEvents with EndpointId goes to a global endpoint and needs SigV4a.
    sdkManagedInput: (op, member) => op === "PutEvents" && member === "EndpointId",
    genericErrors: [
      { code: "ValidationException", status: 400 },
      { code: "ThrottlingException", status: 400 },
    ],
  },
  {
    name: "states",
    protocol: "json",
    pkg: "@aws-sdk/client-sfn",
    clientClass: "SFNClient",
    genericErrors: [
      { code: "ValidationException", status: 400 },
      { code: "ThrottlingException", status: 400 },
    ],
  },
  {
    name: "lambda",
    protocol: "rest-json",
    pkg: "@aws-sdk/client-lambda",
    clientClass: "LambdaClient",
    genericErrors: [
      { code: "ValidationException", status: 400 },
      { code: "AccessDeniedException", status: 403 },
    ],
  },
  {
    name: "s3",
    protocol: "rest-xml",
    pkg: "@aws-sdk/client-s3",
    clientClass: "S3Client",
    clientConfig: { forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" },
    sdkManagedInput: (op, member) => S3_CHECKSUM_MEMBER.test(member),
    custom: (op, ctx, rng, direction) => {
      if (direction === "output" && ctx.depth === 1) {
        // The SDK copies the Expires header into ExpiresString itself.
        if (ctx.memberName === "ExpiresString") return OMIT;
        // An empty 200 to CopyObject/UploadPartCopy is "S3 aborted request" to the SDK (real S3 always sends the result).
        if ((op === "CopyObject" && ctx.memberName === "CopyObjectResult") || (op === "UploadPartCopy" && ctx.memberName === "CopyPartResult")) {
          return { ETag: `"${rng.int(1, 1e9).toString(16)}"`, LastModified: new Date(rng.int(978_307_200, 2_000_000_000) * 1000) };
        }
        return undefined;
      }
      if (direction !== "input") return undefined;
      // Bucket names must be valid (the SDK's endpoint rules and bucket validation check them).
      if (ctx.depth === 1 && ctx.memberName === "Bucket" && ctx.shape.kind === "string") {
        return `cb-${rng.int(0, 36 ** 4).toString(36)}-${rng.int(100, 999)}`;
      }
      // S3 Express directory bucket sessions and SSE-C keys: valid base64 keys, so the SDK keeps them.
      if (ctx.depth === 1 && (ctx.memberName === "SSECustomerKey" || ctx.memberName === "CopySourceSSECustomerKey")) {
        return Buffer.from(rng.bytes(32)).toString("base64");
      }
      if (ctx.depth === 1 && (ctx.memberName === "SSECustomerKeyMD5" || ctx.memberName === "CopySourceSSECustomerKeyMD5")) return OMIT;
      return undefined;
    },
    expectInput: (op, input) => {
      const out = { ...input };
      for (const [key, md5] of [
        ["SSECustomerKey", "SSECustomerKeyMD5"],
        ["CopySourceSSECustomerKey", "CopySourceSSECustomerKeyMD5"],
      ]) {
        if (typeof out[key] === "string") out[md5] = base64Md5(Buffer.from(out[key] as string, "base64"));
      }
      return out;
    },
    expectOutput: (op, output) => {
      // The SDK copies the Expires header into ExpiresString.
      if (output.Expires instanceof Date && output.ExpiresString === undefined) {
        return { ...output, ExpiresString: output.Expires.toUTCString() };
      }
      return output;
    },
    genericErrors: [
      { code: "AccessDenied", status: 403 },
      { code: "InvalidArgument", status: 400 },
      { code: "SlowDown", status: 503 },
    ],
  },
];

export interface LoadedService {
  spec: ServiceSpec;
  sdk: Record<string, unknown>;
  model: ServiceModel;
  client: CaptureClient;
}

export const loadService = async (spec: ServiceSpec): Promise<LoadedService> => {
  const sdk = (await import(spec.pkg)) as Record<string, unknown>;
  const model = loadServiceModel({ name: spec.name, protocol: spec.protocol, sdk, clientClass: spec.clientClass });
  return { spec, sdk, model, client: new CaptureClient(sdk, spec) };
};

// ---------------------------------------------------------------------------------------------
// The capture client

type SdkRequest = {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
};
type Handler = (req: HttpRequest) => Promise<HttpResponse | "abort">;

/** Thrown by the handler to stop a request after capturing it. */
export class Captured extends Error {
  constructor() {
    super("captured");
  }
}

export class CaptureClient {
  private handler: Handler | undefined;
  readonly client: { send(cmd: unknown): Promise<Record<string, unknown>>; destroy(): void };

  constructor(
    private readonly sdk: Record<string, unknown>,
    spec: ServiceSpec,
  ) {
    const Client = sdk[spec.clientClass] as new (config: object) => CaptureClient["client"];
    this.client = new Client({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:1",
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      disableHostPrefix: true,
      maxAttempts: 1,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      requestHandler: {
        handle: async (request: SdkRequest) => {
          const req = await toCloudboxRequest(request);
          const h = this.handler;
          if (!h) throw new Error("no handler installed");
          const res = await h(req);
          if (res === "abort") throw new Captured();
          return { response: toSdkResponse(res) };
        },
      },
      ...spec.clientConfig,
    });
  }

  /** Sends `input` as operation `op`; `handler` sees our HttpRequest and answers with our HttpResponse. */
  async send(op: string, input: Record<string, unknown>, handler: Handler): Promise<Record<string, unknown>> {
    const Command = this.sdk[`${op}Command`] as (new (input: object) => unknown) | undefined;
    if (!Command) throw new Error(`the SDK has no ${op}Command`);
    this.handler = handler;
    try {
      return await this.client.send(new Command(input));
    } finally {
      this.handler = undefined;
    }
  }
}

const bodyToBuffer = async (body: unknown): Promise<Buffer> => {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<unknown>) chunks.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new Error(`unsupported request body type ${Object.prototype.toString.call(body)}`);
};

/** The SDK's HttpRequest as Cloudbox's gateway would see it after node:http. */
export const toCloudboxRequest = async (r: SdkRequest): Promise<HttpRequest> => {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    const key = k.toLowerCase();
    headers[key] = headers[key] === undefined ? String(v) : `${headers[key]}, ${v}`;
  }
  return {
    method: r.method.toUpperCase(),
    path: r.path || "/",
    query: r.query ? buildQueryString(r.query) : "",
    headers,
    body: await bodyToBuffer(r.body),
  };
};

/** Cloudbox's HttpResponse as the SDK would receive it over node:http (lower-case header names). */
export const toSdkResponse = (res: HttpResponse): SdkHttpResponse => {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const body = typeof res.body === "string" ? Buffer.from(res.body, "utf8") : Buffer.from(res.body ?? Buffer.alloc(0));
  return new SdkHttpResponse({ statusCode: res.status, headers, body: Readable.from(body.length ? [body] : []) });
};

// ---------------------------------------------------------------------------------------------
// Normalization and diff

/** Reads SDK streaming payloads (objects with transformToByteArray) into bytes. */
export const drainStreams = async (v: unknown): Promise<unknown> => {
  if (v && typeof v === "object" && typeof (v as { transformToByteArray?: unknown }).transformToByteArray === "function") {
    return (v as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
  }
  if (v instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const c of v) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  if (Array.isArray(v)) return Promise.all(v.map(drainStreams));
  if (v && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await drainStreams(x);
    return out;
  }
  return v;
};

export interface NormalizeOptions {
  /** XML and form encodings do not distinguish an empty list/map/structure from an absent one. */
  dropEmpty?: boolean;
}

/** Dates → ISO strings, blobs → base64 tagged strings, undefined dropped, keys sorted. */
export const normalize = (v: unknown, opts: NormalizeOptions = {}): unknown => {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "<Invalid Date>" : `<Date ${v.toISOString()}>`;
  if (v instanceof Uint8Array) return `<Blob ${Buffer.from(v).toString("base64")}>`;
  if (typeof v === "bigint") return `<BigInt ${v}>`;
  if (Array.isArray(v)) {
    const arr = v.map((x) => normalize(x, opts));
    return opts.dropEmpty && arr.length === 0 ? undefined : arr;
  }
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      if (k === "$metadata") continue;
      const x = normalize((v as Record<string, unknown>)[k], opts);
      if (x !== undefined) out[k] = x;
    }
    return opts.dropEmpty && Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
};

const show = (v: unknown): string => {
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

/** Path-by-path differences between two normalized values (at most `limit`). */
export const diff = (expected: unknown, actual: unknown, limit = 12): string[] => {
  const out: string[] = [];
  const walk = (e: unknown, a: unknown, path: string) => {
    if (out.length >= limit) return;
    if (e === a) return;
    const eo = e !== null && typeof e === "object";
    const ao = a !== null && typeof a === "object";
    if (eo && ao && Array.isArray(e) === Array.isArray(a)) {
      if (Array.isArray(e)) {
        const ea = e as unknown[];
        const aa = a as unknown[];
        if (ea.length !== aa.length) out.push(`${path || "."}: expected ${ea.length} items, got ${aa.length}: expected ${show(ea)}, got ${show(aa)}`);
        for (let i = 0; i < Math.min(ea.length, aa.length); i++) walk(ea[i], aa[i], `${path}[${i}]`);
        return;
      }
      const keys = new Set([...Object.keys(e as object), ...Object.keys(a as object)]);
      for (const k of keys) walk((e as Record<string, unknown>)[k], (a as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    out.push(`${path || "."}: expected ${show(e)}, got ${show(a)}`);
  };
  walk(expected, actual, "");
  return out;
};

// ---------------------------------------------------------------------------------------------
// Model helpers

/** Why an operation cannot round-trip in a direction, or undefined. */
export const eventStreamMember = (shape: Shape): string | undefined => {
  for (const [name, m] of shape.members) if (isEventStream(m)) return name;
  return undefined;
};

/** The HTTP status an error shape is served with, by the model. */
export const errorStatus = (shape: Shape, protocol: ProtocolName): number => {
  if ((protocol === "query" || protocol === "ec2") && shape.traits.awsQueryError) return shape.traits.awsQueryError[1];
  if (shape.traits.httpError) return shape.traits.httpError;
  return shape.traits.error === "server" ? 500 : 400;
};

/** The top-level input members that the SDK manages itself for this operation. */
export const managedMembers = (spec: ServiceSpec, op: OperationModel): string[] =>
  spec.sdkManagedInput ? [...op.input.members.keys()].filter((m) => spec.sdkManagedInput!(op.name, m)) : [];

/** Drops named top-level members (SDK-managed ones) from an object. */
export const without = (o: Record<string, unknown>, names: readonly string[]): Record<string, unknown> => {
  if (!names.length) return o;
  const out = { ...o };
  for (const n of names) delete out[n];
  return out;
};

/**
 * What the wire cannot tell apart, decided by the model, applied to the top level of `actual`:
 * - an absent blob/string payload and an empty body (the SDK gives null, "" or empty bytes);
 * - an absent structure payload and "{}"/empty element (the SDK sends "{}" for an absent one);
 * - the response code member, which the SDK always fills from the HTTP status (`defaultStatus`);
 * - a Content-Type or Content-Length header member the caller left out but the SDK filled in.
 */
export const reconcile = (
  shape: Shape,
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
  opts: { defaultStatus?: number; contentType?: string; contentLength?: string },
): { expected: Record<string, unknown>; actual: Record<string, unknown> } => {
  const e = { ...expected };
  const a = { ...actual };
  for (const [name, m] of shape.members) {
    if (e[name] !== undefined) continue;
    const v = a[name];
    if (m.traits.httpPayload) {
      const empty =
        v === null ||
        v === "" ||
        (v instanceof Uint8Array && v.length === 0) ||
        (v !== null && typeof v === "object" && !(v instanceof Uint8Array) && !(v instanceof Date) && Object.keys(v).length === 0);
      if (empty) delete a[name];
    }
    if (m.traits.httpResponseCode && opts.defaultStatus !== undefined) e[name] = opts.defaultStatus;
    if (m.traits.httpHeader?.toLowerCase() === "content-type" && v !== undefined && v === opts.contentType) delete a[name];
    if (m.traits.httpHeader?.toLowerCase() === "content-length" && v !== undefined && opts.contentLength !== undefined && String(v) === opts.contentLength) delete a[name];
  }
  return { expected: e, actual: a };
};
