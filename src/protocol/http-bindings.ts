/**
 * HTTP bindings shared by the two rest codecs (rest-json, rest-xml): routing a request to an
 * operation by method and the `http.uri` template, and reading/writing the members bound to the
 * path (httpLabel), the query string (httpQuery, httpQueryParams), headers (httpHeader,
 * httpPrefixHeaders) and the status code (httpResponseCode).
 *
 * It mirrors, in reverse, the client side in @smithy/core/protocols (HttpBindingProtocol.js,
 * serde/ToStringShapeSerializer.js, serde/FromStringShapeDeserializer.js): labels are encoded
 * with extendedEncodeURIComponent (greedy labels keep their slashes), query lists repeat the
 * key, header lists are comma-separated with quoting, timestamps default to http-date in headers
 * and date-time in labels and query strings, blobs and `mediaType` strings in headers are base64.
 *
 * It does not parse bodies: each codec reads its own payload format.
 */
import { AwsError, type HttpRequest } from "../core/index.js";
import type { OperationModel, ServiceModel, Shape, TimestampFormat } from "./model.js";

// ---------------------------------------------------------------------------------------------
// Small shared helpers

export const lowerFirst = (s: string): string => (s ? s[0]!.toLowerCase() + s.slice(1) : s);

/** Coral-style required-member message: "1 validation error detected: Value null at 'x' ...". */
export const requiredMessage = (paths: string[]): string => {
  const n = paths.length;
  const items = paths.map((p) => `Value null at '${p}' failed to satisfy constraint: Member must not be null`);
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${items.join("; ")}`;
};

export const toBytes = (v: unknown): Uint8Array | undefined => {
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return undefined;
};

export const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** A view of the bytes typed as a plain Uint8Array (what the SDK hands users for blobs). */
export const plainBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;
export const fromBase64 = (s: string): Buffer | undefined => {
  const t = s.replace(/\s+/g, "");
  if (!BASE64_RE.test(t)) return undefined;
  return Buffer.from(t, t.includes("-") || t.includes("_") ? "base64url" : "base64");
};

export const toDate = (v: unknown): Date | undefined => {
  if (v instanceof Date) return v;
  if (typeof v === "number") return new Date(v * 1000);
  if (typeof v === "string") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
};

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** IMF-fixdate, as the SDK's dateToUtcString writes it. */
export const httpDate = (d: Date): string =>
  `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`;

/** RFC 3339 as the SDK writes it: milliseconds dropped when zero. */
export const isoDate = (d: Date): string => d.toISOString().replace(".000Z", "Z");

export const formatTimestamp = (d: Date, format: TimestampFormat): string | number => {
  switch (format) {
    case "date-time":
      return isoDate(d);
    case "http-date":
      return httpDate(d);
    default:
      return d.getTime() / 1000;
  }
};

/** Parses a timestamp in the given wire format; undefined when it is not one. */
export const parseTimestamp = (raw: unknown, format: TimestampFormat): Date | undefined => {
  if (format === "epoch-seconds") {
    const n = typeof raw === "number" ? raw : typeof raw === "string" && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isFinite(n)) return undefined;
    return new Date(Math.round(n * 1000));
  }
  if (typeof raw !== "string") return undefined;
  const s = raw.trim();
  if (format === "date-time" && !/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:?\d\d)$/.test(s)) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

// ---------------------------------------------------------------------------------------------
// Query strings

const decodeQueryPart = (s: string): string => {
  const plus = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
};

/** Parses a raw query string into key → values (in order). Keys without '=' get "". */
export const parseQuery = (query: string): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  if (!query) return out;
  for (const part of query.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const k = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? "" : decodeQueryPart(part.slice(eq + 1));
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Routing by URI template

interface CompiledRoute {
  op: OperationModel;
  method: string;
  regex: RegExp;
  labels: { name: string; greedy: boolean }[];
  /** Literal query parts of the template: key → value ("" when the key has no value). */
  queryLiterals: [string, string][];
  literalSegments: number;
  literalChars: number;
  /** S3: the operation takes the bucket from the host or the first path segment. */
  bucketLabel: boolean;
  /** Headers and query keys of required members (tell CopyObject/UploadPart from PutObject without x-id). */
  requiredHeaders: string[];
  requiredQuery: string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Query keys that the SDK adds for its own purposes but other clients (AWS CLI) do not send. */
const OPTIONAL_QUERY_LITERALS = new Set(["x-id"]);

const compileRoute = (op: OperationModel, s3: boolean): CompiledRoute | undefined => {
  if (!op.http) return undefined;
  const [pathPart, queryPart = ""] = op.http.uri.split("?", 2) as [string, string?];
  const labels: { name: string; greedy: boolean }[] = [];
  let literalSegments = 0;
  let literalChars = 0;
  let re = "^";
  const trimmed = pathPart.length > 1 && pathPart.endsWith("/") ? pathPart.slice(0, -1) : pathPart;
  const segments = trimmed.split("/").slice(1);
  if (trimmed === "/" || trimmed === "") {
    re += "/?";
  } else {
    for (const seg of segments) {
      re += "/";
      // A segment may mix literal text and one label, e.g. "{Name}.json" (rare, but legal).
      let rest = seg;
      let sawLabel = false;
      while (rest) {
        const open = rest.indexOf("{");
        if (open < 0) {
          re += escapeRe(rest);
          literalChars += rest.length;
          break;
        }
        if (open > 0) {
          re += escapeRe(rest.slice(0, open));
          literalChars += open;
        }
        const close = rest.indexOf("}", open);
        const inner = rest.slice(open + 1, close);
        const greedy = inner.endsWith("+");
        labels.push({ name: greedy ? inner.slice(0, -1) : inner, greedy });
        re += greedy ? "(.+)" : "([^/]+)";
        sawLabel = true;
        rest = rest.slice(close + 1);
      }
      if (!sawLabel) literalSegments++;
    }
    re += "/?";
  }
  re += "$";
  const queryLiterals: [string, string][] = [];
  for (const part of queryPart.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    queryLiterals.push(eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  let bucketLabel = false;
  if (s3) {
    const bucket = op.input.members.get("Bucket");
    bucketLabel = !!bucket?.traits.httpLabel && !labels.some((l) => l.name === "Bucket");
  }
  const requiredHeaders: string[] = [];
  for (const name of op.input.required) {
    const h = op.input.members.get(name)?.traits.httpHeader;
    if (h) requiredHeaders.push(h.toLowerCase());
  }
  const requiredQuery: string[] = [];
  for (const name of op.input.required) {
    const q = op.input.members.get(name)?.traits.httpQuery;
    if (q) requiredQuery.push(q);
  }
  return { op, method: op.http.method.toUpperCase(), regex: new RegExp(re), labels, queryLiterals, literalSegments, literalChars, bucketLabel, requiredHeaders, requiredQuery };
};

const routeCache = new WeakMap<ServiceModel, CompiledRoute[]>();

const routesOf = (model: ServiceModel): CompiledRoute[] => {
  let routes = routeCache.get(model);
  if (!routes) {
    const s3 = model.name === "s3";
    routes = [];
    for (const op of model.operations.values()) {
      const r = compileRoute(op, s3);
      if (r) routes.push(r);
    }
    routeCache.set(model, routes);
  }
  return routes;
};

/** The values of the path labels of a routed request (still to be converted by their shapes). */
export interface RouteMatch {
  op: OperationModel;
  labels: Record<string, string>;
}

/**
 * S3 bucket addressing: virtual-hosted style (`bucket.s3.amazonaws.com`,
 * `bucket.s3.us-east-1.amazonaws.com`, `bucket.localhost:4566`, `bucket.s3.localhost.localstack.cloud`)
 * or path style (`/bucket/key`). https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 */
export const bucketFromHost = (hostHeader: string | undefined): string | undefined => {
  if (!hostHeader) return undefined;
  const host = hostHeader.replace(/:\d+$/, "").toLowerCase();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[")) return undefined;
  let m = /^(.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (m) return m[1];
  m = /^(.+)\.s3\.(?:.+)$/.exec(host);
  if (m && !m[1]!.startsWith("s3")) return m[1];
  m = /^(.+)\.localhost$/.exec(host);
  if (m && m[1] !== "s3") return m[1];
  return undefined;
};

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AwsError("InvalidURI", "Couldn't parse the specified URI.", { status: 400 });
  }
};

/**
 * Finds the operation for a rest request: method plus path template plus the template's literal
 * query parts (which must be present, except `x-id`, which only the SDK sends). When several
 * match, the most specific wins: more literal path segments, then more query literals, then
 * fewer greedy labels. Returns `{ methodMismatch: true }` when only another method would match.
 */
export const routeRequest = (
  model: ServiceModel,
  req: HttpRequest,
): RouteMatch | { methodMismatch: boolean } => {
  const method = req.method.toUpperCase();
  const query = parseQuery(req.query);
  const { path, bucket, fullPath, hostBucket } = requestPath(model, req);
  let best: { route: CompiledRoute; labels: Record<string, string>; score: number[] } | undefined;
  let methodMismatch = false;
  for (const route of routesOf(model)) {
    // S3: operations with a Bucket see the path after the bucket; the others (ListBuckets,
    // WriteGetObjectResponse) the whole path, and only without a virtual-hosted bucket.
    if (model.name === "s3" && (route.bucketLabel ? bucket === undefined : hostBucket)) continue;
    const m = route.regex.exec(route.bucketLabel ? path : fullPath);
    if (!m) continue;
    let queryScore = 0;
    let headerScore = 0;
    let ok = true;
    for (const [k, v] of route.queryLiterals) {
      const got = query.get(k);
      if (!got) {
        if (OPTIONAL_QUERY_LITERALS.has(k)) {
          // Without the SDK's x-id, operations sharing a template (PutObject/CopyObject,
          // UploadPart/UploadPartCopy) are told apart by their required headers.
          if (route.requiredHeaders.some((h) => req.headers[h] === undefined) || route.requiredQuery.some((q) => !query.has(q))) {
            ok = false;
            break;
          }
          headerScore = route.requiredHeaders.length + route.requiredQuery.length;
          continue;
        }
        ok = false;
        break;
      }
      if (v !== "" && !got.includes(v)) {
        ok = false;
        break;
      }
      queryScore++;
    }
    if (!ok) continue;
    if (route.method !== method) {
      methodMismatch = true;
      continue;
    }
    const labels = labelValues(route, m, bucket);
    const greedy = route.labels.filter((l) => l.greedy).length;
    const score = [route.literalSegments, queryScore, headerScore, route.literalChars, -greedy];
    if (!best || compareScore(score, best.score) > 0) best = { route, labels, score };
  }
  if (best) return { op: best.route.op, labels: best.labels };
  return { methodMismatch };
};

/** S3 takes the bucket from the Host (virtual-hosted style) or the first path segment. */
const requestPath = (model: ServiceModel, req: HttpRequest): { path: string; bucket?: string; fullPath: string; hostBucket: boolean } => {
  const path = req.path || "/";
  if (model.name !== "s3") return { path, fullPath: path, hostBucket: false };
  const bucket = bucketFromHost(req.headers.host);
  if (bucket !== undefined) return { path, bucket, fullPath: path, hostBucket: true };
  const m = /^\/([^/]+)(\/.*)?$/.exec(path);
  if (m) return { path: m[2] ?? "/", bucket: safeDecode(m[1]!), fullPath: path, hostBucket: false };
  return { path, fullPath: path, hostBucket: false };
};

const labelValues = (route: CompiledRoute, m: RegExpExecArray, bucket: string | undefined): Record<string, string> => {
  const labels: Record<string, string> = {};
  route.labels.forEach((l, i) => {
    const raw = m[i + 1]!;
    labels[l.name] = l.greedy ? raw.split("/").map(safeDecode).join("/") : safeDecode(raw);
  });
  if (route.bucketLabel && bucket !== undefined) labels.Bucket = bucket;
  return labels;
};

/** The path label values of a request already routed to `op` ({} when the path does not fit). */
export const labelsFor = (model: ServiceModel, op: OperationModel, req: HttpRequest): Record<string, string> => {
  const route = routesOf(model).find((r) => r.op === op) ?? compileRoute(op, model.name === "s3");
  if (!route) return {};
  const { path, bucket, fullPath } = requestPath(model, req);
  const m = route.regex.exec(route.bucketLabel || model.name !== "s3" ? path : fullPath);
  if (!m) return route.bucketLabel && bucket !== undefined ? { Bucket: bucket } : {};
  return labelValues(route, m, bucket);
};

const compareScore = (a: number[], b: number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

// ---------------------------------------------------------------------------------------------
// Member bindings

export type BindingKind = "label" | "query" | "queryParams" | "header" | "prefixHeaders" | "payload" | "statusCode" | "body";

export const bindingOf = (member: Shape): BindingKind => {
  const t = member.traits;
  if (t.httpLabel) return "label";
  if (t.httpQuery) return "query";
  if (t.httpQueryParams) return "queryParams";
  if (t.httpHeader) return "header";
  if (t.httpPrefixHeaders !== undefined) return "prefixHeaders";
  if (t.httpPayload) return "payload";
  if (t.httpResponseCode) return "statusCode";
  return "body";
};

export const hasBodyMembers = (shape: Shape): boolean => {
  for (const m of shape.members.values()) if (bindingOf(m) === "body") return true;
  return false;
};

export const payloadMember = (shape: Shape): [string, Shape] | undefined => {
  for (const [name, m] of shape.members) if (m.traits.httpPayload) return [name, m];
  return undefined;
};

/** Raised for a string that cannot be converted to its member's type. */
export class BindingValueError extends Error {}

/**
 * Reads one string from a label, query parameter or header as its member's type. `location`
 * decides the default timestamp format (header: http-date; label/query: date-time) as in the
 * SDK's determineTimestampFormat.
 */
export const readStringValue = (shape: Shape, raw: string, location: "label" | "query" | "header"): unknown => {
  switch (shape.kind) {
    case "string": {
      if (shape.traits.mediaType && location === "header") {
        const bytes = fromBase64(raw);
        if (!bytes) throw new BindingValueError(`expected a base64-encoded value`);
        return bytes.toString("utf8");
      }
      return raw;
    }
    case "number": {
      const t = raw.trim();
      if (t === "NaN") return NaN;
      if (t === "Infinity") return Infinity;
      if (t === "-Infinity") return -Infinity;
      const n = Number(t);
      if (t === "" || Number.isNaN(n)) throw new BindingValueError(`'${raw}' is not a number`);
      return n;
    }
    case "bigInteger":
      try {
        return BigInt(raw.trim());
      } catch {
        throw new BindingValueError(`'${raw}' is not an integer`);
      }
    case "bigDecimal": {
      const n = Number(raw.trim());
      if (Number.isNaN(n)) throw new BindingValueError(`'${raw}' is not a number`);
      return n;
    }
    case "boolean": {
      const t = raw.trim().toLowerCase();
      if (t === "true") return true;
      if (t === "false") return false;
      throw new BindingValueError(`'${raw}' is not a boolean`);
    }
    case "timestamp": {
      const format = shape.traits.timestampFormat ?? (location === "header" ? "http-date" : "date-time");
      const d = parseTimestamp(raw, format) ?? parseTimestamp(raw, "date-time") ?? parseTimestamp(raw, "http-date");
      if (!d) throw new BindingValueError(`'${raw}' is not a valid timestamp`);
      return d;
    }
    case "blob": {
      const bytes = fromBase64(raw);
      if (!bytes) throw new BindingValueError(`expected a base64-encoded value`);
      return plainBytes(bytes);
    }
    default:
      return raw;
  }
};

/** Writes one value of a label, query parameter or header as a string. */
export const writeStringValue = (shape: Shape, value: unknown, location: "label" | "query" | "header"): string => {
  switch (shape.kind) {
    case "timestamp": {
      const d = toDate(value);
      if (!d) return String(value);
      const format = shape.traits.timestampFormat ?? (location === "header" ? "http-date" : "date-time");
      return String(formatTimestamp(d, format));
    }
    case "blob": {
      const b = toBytes(value);
      return b ? asBuffer(b).toString("base64") : String(value);
    }
    case "string":
      if (shape.traits.mediaType && location === "header") return Buffer.from(String(value), "utf8").toString("base64");
      return String(value);
    default:
      return String(value);
  }
};

/** Splits a list header as the SDK does (quoted parts; http-date timestamps contain a comma). */
export const splitHeaderList = (item: Shape, raw: string): string[] => {
  if (item.kind === "timestamp" && (item.traits.timestampFormat ?? "http-date") === "http-date") {
    const parts = raw.split(",");
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) out.push(`${parts[i]},${parts[i + 1] ?? ""}`.trim());
    return out;
  }
  const values: string[] = [];
  let within = false;
  let escaped = false;
  let anchor = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"' && !escaped) within = !within;
    else if (c === "," && !within) {
      values.push(raw.slice(anchor, i));
      anchor = i + 1;
    }
    escaped = c === "\\" && !escaped;
  }
  values.push(raw.slice(anchor));
  return values.map((v) => {
    v = v.trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(["\\])/g, "$1");
    return v;
  });
};

const quoteHeader = (part: string): string =>
  part.includes(",") || part.includes('"') ? `"${part.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : part;

const invalid = (protocolError: (msg: string) => AwsError, where: string, e: unknown): AwsError =>
  protocolError(`Invalid value for ${where}: ${e instanceof Error ? e.message : String(e)}`);

/**
 * Reads the members bound to the path, query string and headers into `out`. Returns nothing;
 * conversion failures throw `protocolError(message)` (SerializationException for rest-json,
 * InvalidArgument for rest-xml).
 */
export const readHttpBindings = (
  shape: Shape,
  req: HttpRequest,
  labels: Record<string, string>,
  out: Record<string, unknown>,
  protocolError: (msg: string) => AwsError,
  templateQueryKeys: ReadonlySet<string> = new Set(),
): void => {
  const query = parseQuery(req.query);
  const boundQueryKeys = new Set<string>(templateQueryKeys);
  for (const m of shape.members.values()) if (m.traits.httpQuery) boundQueryKeys.add(m.traits.httpQuery);
  for (const [name, member] of shape.members) {
    const kind = bindingOf(member);
    try {
      if (kind === "label") {
        const raw = labels[name];
        if (raw !== undefined) out[name] = readStringValue(member, raw, "label");
      } else if (kind === "query") {
        const values = query.get(member.traits.httpQuery!);
        if (!values) continue;
        if (member.kind === "list") out[name] = values.map((v) => readStringValue(member.member!, v, "query"));
        else out[name] = readStringValue(member, values[0]!, "query");
      } else if (kind === "queryParams") {
        const value = member.value!;
        const map: Record<string, unknown> = {};
        let any = false;
        for (const [k, values] of query) {
          if (boundQueryKeys.has(k)) continue;
          map[k] = value.kind === "list" ? values.map((v) => readStringValue(value.member!, v, "query")) : readStringValue(value, values[0]!, "query");
          any = true;
        }
        if (any) out[name] = map;
      } else if (kind === "header") {
        const raw = req.headers[member.traits.httpHeader!.toLowerCase()];
        if (raw === undefined) continue;
        if (member.kind === "list") out[name] = splitHeaderList(member.member!, raw).map((v) => readStringValue(member.member!, v, "header"));
        else out[name] = readStringValue(member, raw, "header");
      } else if (kind === "prefixHeaders") {
        const prefix = member.traits.httpPrefixHeaders!.toLowerCase();
        const map: Record<string, unknown> = {};
        let any = false;
        for (const [h, v] of Object.entries(req.headers)) {
          if (!h.startsWith(prefix)) continue;
          // An empty prefix would capture every header; the SDK reads them all in that case too.
          map[h.slice(prefix.length)] = readStringValue(member.value!, v, "header");
          any = true;
        }
        if (any) out[name] = map;
      }
    } catch (e) {
      if (e instanceof AwsError) throw e;
      throw invalid(protocolError, `${name}`, e);
    }
  }
};

/**
 * Header values must be visible ASCII (Node refuses CR/LF and non-Latin-1 outright). A value
 * outside that range is sent as an RFC 2047 encoded word, as S3 does for user metadata
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html: "... returned as
 * RFC 2047 encoded words").
 */
export const safeHeaderValue = (v: string): string =>
  /^[\t\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, "utf8").toString("base64")}?=`;

/** Writes the header-bound members of an output (or error) into `headers`; returns the status override. */
export const writeHttpBindings = (shape: Shape, value: Record<string, unknown>, headers: Record<string, string>): number | undefined => {
  let status: number | undefined;
  for (const [name, member] of shape.members) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const kind = bindingOf(member);
    if (kind === "header") {
      const h = member.traits.httpHeader!.toLowerCase();
      if (member.kind === "list" && Array.isArray(v)) {
        const item = member.member!;
        const isTs = item.kind === "timestamp";
        const parts = v.filter((x) => x != null).map((x) => writeStringValue(item, x, "header"));
        headers[h] = safeHeaderValue(parts.map((p) => (isTs ? p : quoteHeader(p))).join(", "));
      } else {
        headers[h] = safeHeaderValue(writeStringValue(member, v, "header"));
      }
    } else if (kind === "prefixHeaders" && typeof v === "object") {
      const prefix = member.traits.httpPrefixHeaders!.toLowerCase();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x == null) continue;
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(prefix + k)) continue; // not a valid header name
        headers[(prefix + k).toLowerCase()] = safeHeaderValue(writeStringValue(member.value!, x, "header"));
      }
    } else if (kind === "statusCode" && typeof v === "number") {
      status = v;
    }
  }
  return status;
};

/** The set of query keys that the template of `op` fixes (never part of httpQueryParams). */
export const templateQueryKeys = (op: OperationModel): Set<string> => {
  const keys = new Set<string>();
  const q = op.http?.uri.split("?", 2)[1];
  if (q) for (const part of q.split("&")) if (part) keys.add(part.split("=", 1)[0]!);
  return keys;
};

/** Required members of a structure that `value` lacks, as Coral names them (first letter lower-cased). */
export const missingRequired = (shape: Shape, value: Record<string, unknown>, prefix = ""): string[] => {
  const out: string[] = [];
  for (const name of shape.required) {
    const member = shape.members.get(name);
    if (!member || member.traits.idempotencyToken) continue;
    if (value[name] === undefined || value[name] === null) out.push(prefix + lowerFirst(name));
  }
  return out;
};

/**
 * Whether a member carries Content-Type (S3 GetObject's ContentType): then the handler decides
 * it and no default is added, so that an absent value stays absent for the client.
 */
export const bindsContentType = (shape: Shape): boolean => {
  for (const m of shape.members.values()) if (m.traits.httpHeader?.toLowerCase() === "content-type") return true;
  return false;
};
