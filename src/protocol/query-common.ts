/**
 * What the `ec2` and `query` (awsQuery) protocols share: reading the form-urlencoded parameters
 * (body and/or URL query string), turning them into the operation's input object by walking the
 * model, and writing XML responses and errors.
 *
 * The ground truth is the official SDK's client side, mirrored in reverse:
 * - requests: @aws-sdk/core protocols/query/QueryShapeSerializer.js (keys, lists, maps,
 *   timestamps as ISO 8601 date-time without ".000", blobs as base64, empty query lists as `Name=`);
 * - responses: @aws-sdk/core protocols/xml/XmlShapeDeserializer.js (element names are the
 *   member's xmlName or the member name, list items are the list member's xmlName or `member`,
 *   flattened lists/maps repeat the member's element, maps are entry/key/value).
 *
 * It does not know any service: everything comes from the ServiceModel (model.ts). It does not
 * check enum values or length/range constraints (the SDK schemas do not carry them).
 */
import { AwsError, commonErrors } from "../core/index.js";
import type { HttpRequest, HttpResponse } from "../core/index.js";
import type { OperationModel, ServiceModel, Shape } from "./model.js";
import { escapeXml } from "./xml-escape.js";

// ---------------------------------------------------------------------------------------------
// Form parameters

/** One request's parameters: Action and Version (the protocol's), and the rest as a key tree. */
export interface QueryParams {
  action: string | undefined;
  version: string | undefined;
  tree: ParamNode;
}

/** A node of the key tree: `A.B.1=x` gives root -> A -> B -> 1 (value "x"). */
export interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

const decodeComponent = (s: string): string => {
  if (!s.includes("%") && !s.includes("+")) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    throw commonErrors.malformedQueryString(`The query string contains a malformed percent-encoding: ${truncate(s, 64)}`);
  }
};

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}...` : s);

/** Splits `a=1&b=2` into decoded pairs, in order. */
export const parseFormPairs = (raw: string): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  if (!raw) return out;
  for (const part of raw.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const k = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const v = eq === -1 ? "" : decodeComponent(part.slice(eq + 1));
    out.push([k, v]);
  }
  return out;
};

const isFormBody = (req: HttpRequest): boolean => {
  if (!req.body || req.body.length === 0) return false;
  const ct = (req.headers["content-type"] ?? "").toLowerCase();
  return ct === "" || ct.includes("x-www-form-urlencoded");
};

const cache = new WeakMap<HttpRequest, QueryParams>();
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The request's parameters: the URL query string first, then the form body (GET and POST both
 * work, as on AWS). The first Action and the first Version are the protocol's; any later one is
 * an ordinary parameter (an input member could be named Version). Throws MalformedQueryString.
 */
export const readParams = (req: HttpRequest): QueryParams => {
  const cached = cache.get(req);
  if (cached) return cached;
  const pairs = parseFormPairs(req.query ?? "");
  if (isFormBody(req)) {
    let text: string;
    try {
      text = utf8.decode(req.body);
    } catch {
      throw commonErrors.malformedQueryString("The request body is not valid UTF-8.");
    }
    for (const p of parseFormPairs(text.trim())) pairs.push(p);
  }
  let action: string | undefined;
  let version: string | undefined;
  const tree: ParamNode = {};
  for (const [k, v] of pairs) {
    if (k === "Action" && action === undefined) {
      action = v;
      continue;
    }
    if (k === "Version" && version === undefined) {
      version = v;
      continue;
    }
    let node = tree;
    for (const seg of k.split(".")) {
      node.children ??= new Map();
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = {}));
      node = next;
    }
    // The first occurrence of a key wins.
    if (node.value === undefined) node.value = v;
  }
  const params = { action, version, tree };
  cache.set(req, params);
  return params;
};

/** Action from the form or the query string: MissingAction / InvalidAction (400). */
export const resolveAction = (model: ServiceModel, req: HttpRequest): OperationModel => {
  const { action } = readParams(req);
  if (action === undefined || action === "") throw commonErrors.missingAction();
  const op = model.operations.get(action);
  if (!op) throw commonErrors.invalidAction(action);
  return op;
};

// ---------------------------------------------------------------------------------------------
// Input parsing

export interface InputDialect {
  /** ec2: ec2QueryName / capitalised xmlName keys, every list flattened. */
  ec2: boolean;
}

const upperFirst = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1) : s);
export const lowerFirst = (s: string): string => (s ? s[0].toLowerCase() + s.slice(1) : s);

/** The key of a structure member on the wire (QueryShapeSerializer.getKey with keySource "struct"). */
export const memberKey = (dialect: InputDialect, name: string, member: Shape): string => {
  if (dialect.ec2) return member.traits.ec2QueryName ?? upperFirst(member.traits.xmlName ?? name);
  return member.traits.xmlName ?? name;
};

/** A list's item segment or a map's key/value segment (getKey without "struct"). */
const suffixKey = (dialect: InputDialect, fallback: string, shape: Shape | undefined): string => {
  if (dialect.ec2 && shape?.traits.ec2QueryName) return shape.traits.ec2QueryName;
  return shape?.traits.xmlName ?? fallback;
};

/** Children of a node whose names are list indexes, sorted numerically (indexes may be sparse). */
const indexedChildren = (node: ParamNode | undefined): ParamNode[] => {
  if (!node?.children) return [];
  const items: Array<[number, ParamNode]> = [];
  for (const [k, child] of node.children) {
    if (/^\d{1,9}$/.test(k)) items.push([Number(k), child]);
  }
  items.sort((a, b) => a[0] - b[0]);
  return items.map(([, c]) => c);
};

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

const invalidValue = (value: string, key: string, expected: string): AwsError =>
  commonErrors.invalidParameterValue(`Invalid value '${truncate(value, 256)}' for parameter ${key}: ${expected}.`);

/** Parses one timestamp: ISO 8601 date-time (what the SDK sends), epoch seconds, or an HTTP date. */
export const parseTimestamp = (value: string): Date | undefined => {
  const v = value.trim();
  let d: Date | undefined;
  if (NUMBER_RE.test(v)) d = new Date(Number(v) * 1000);
  else if (ISO_RE.test(v)) {
    // No zone designator means UTC (never the machine's local time).
    const zoned = /(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(v) || !/\d{2}:\d{2}/.test(v);
    d = new Date(zoned ? v : `${v}Z`);
  }
  else if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) d = new Date(v);
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};

interface ParseState {
  dialect: InputDialect;
  /** query: "Value null at 'x'..." lines for missing required members. */
  missing: string[];
}

/** Sets a key on a plain object, even "__proto__", without touching the prototype. */
const setOwn = (obj: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
};

const parseNode = (st: ParseState, shape: Shape, node: ParamNode, wireKey: string, valuePath: string): unknown => {
  switch (shape.kind) {
    case "structure":
    case "union": {
      const out: Record<string, unknown> = {};
      for (const [name, member] of shape.members) {
        const key = memberKey(st.dialect, name, member);
        const child = node.children?.get(key);
        const childWire = wireKey ? `${wireKey}.${key}` : key;
        const childPath = valuePath ? `${valuePath}.${lowerFirst(name)}` : lowerFirst(name);
        const v = child ? parseNode(st, member, child, childWire, childPath) : undefined;
        if (v !== undefined) out[name] = v;
        else if (shape.required.has(name)) {
          if (st.dialect.ec2) throw commonErrors.missingParameter(childWire);
          st.missing.push(`Value null at '${childPath}' failed to satisfy constraint: Member must not be null`);
        }
      }
      return out;
    }
    case "list": {
      const member = shape.member!;
      const flat = st.dialect.ec2 || !!shape.traits.xmlFlattened;
      const itemKey = suffixKey(st.dialect, "member", member);
      const container = flat ? node : node.children?.get(itemKey);
      const items = indexedChildren(container);
      if (items.length === 0) {
        // `Name=` is how the query protocol sends an empty list.
        return [];
      }
      const out: unknown[] = [];
      let i = 1;
      for (const item of items) {
        const idxWire = flat ? `${wireKey}.${i}` : `${wireKey}.${itemKey}.${i}`;
        const v = parseNode(st, member, item, idxWire, `${valuePath}.${i}.member`);
        if (v !== undefined) out.push(v);
        i++;
      }
      return out;
    }
    case "map": {
      const keyShape = shape.key!;
      const valueShape = shape.value!;
      const flat = !!shape.traits.xmlFlattened;
      const kKey = suffixKey(st.dialect, "key", keyShape);
      const vKey = suffixKey(st.dialect, "value", valueShape);
      const entries = indexedChildren(flat ? node : node.children?.get("entry"));
      if (entries.length === 0) return {};
      const out: Record<string, unknown> = {};
      let i = 1;
      for (const entry of entries) {
        const k = entry.children?.get(kKey)?.value;
        const vNode = entry.children?.get(vKey);
        const base = flat ? `${wireKey}.${i}` : `${wireKey}.entry.${i}`;
        if (k !== undefined && vNode) {
          const v = parseNode(st, valueShape, vNode, `${base}.${vKey}`, `${valuePath}.${i}.value`);
          if (v !== undefined) setOwn(out, k, v);
        }
        i++;
      }
      return out;
    }
    default:
      if (node.value === undefined) return undefined;
      return parseScalar(shape, node.value, wireKey);
  }
};

/** Parses a scalar parameter value into the SDK's JavaScript type. */
export const parseScalar = (shape: Shape, value: string, key: string): unknown => {
  switch (shape.kind) {
    case "string":
      return value;
    case "number": {
      const v = value.trim();
      if (NUMBER_RE.test(v)) return Number(v);
      if (v === "NaN" || v === "Infinity" || v === "-Infinity") return Number(v);
      throw invalidValue(value, key, "expected a number");
    }
    case "bigInteger": {
      if (!/^[+-]?\d+$/.test(value.trim())) throw invalidValue(value, key, "expected an integer");
      return BigInt(value.trim());
    }
    case "bigDecimal": {
      if (!NUMBER_RE.test(value.trim())) throw invalidValue(value, key, "expected a number");
      return value.trim();
    }
    case "boolean": {
      const v = value.trim().toLowerCase();
      if (v === "true") return true;
      if (v === "false") return false;
      throw invalidValue(value, key, "expected true or false");
    }
    case "timestamp": {
      const d = parseTimestamp(value);
      if (!d) throw invalidValue(value, key, "expected an ISO 8601 timestamp");
      return d;
    }
    case "blob": {
      const v = value.replace(/\s+/g, "");
      if (!BASE64_RE.test(v)) throw invalidValue(value, key, "expected base64-encoded data");
      return new Uint8Array(Buffer.from(v, "base64"));
    }
    case "document":
      return value;
    default:
      return undefined;
  }
};

/**
 * The operation's input object from the request's parameters. Unknown parameters are ignored (as
 * AWS does). Values that do not parse as their member's type answer InvalidParameterValue (an
 * EC2 and STS common error, https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
 * Missing required members:
 * ec2 answers MissingParameter naming the wire key; query answers ValidationError listing every
 * missing member as AWS does ("1 validation error detected: Value null at 'roleArn' failed to
 * satisfy constraint: Member must not be null"; member names in lower camel case).
 */
export const parseQueryInput = (dialect: InputDialect, op: OperationModel, req: HttpRequest): Record<string, unknown> => {
  try {
    const { tree } = readParams(req);
    const input = op.input;
    if (input.kind !== "structure" && input.kind !== "union") return {};
    const st: ParseState = { dialect, missing: [] };
    const out = parseNode(st, input, tree, "", "") as Record<string, unknown>;
    if (st.missing.length > 0) {
      const n = st.missing.length;
      throw new AwsError("ValidationError", `${n} validation error${n > 1 ? "s" : ""} detected: ${st.missing.join("; ")}`, { status: 400 });
    }
    return out;
  } catch (e) {
    if (e instanceof AwsError) throw e;
    // Pathological input (e.g. a key nested thousands of levels deep): never a stack trace.
    throw commonErrors.malformedQueryString("The request parameters could not be parsed.");
  }
};

// ---------------------------------------------------------------------------------------------
// XML writing

export { escapeXml };
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export const formatTimestamp = (shape: Shape, value: unknown): string | undefined => {
  let d: Date | undefined;
  if (value instanceof Date) d = value;
  else if (typeof value === "number") d = new Date(value * 1000);
  else if (typeof value === "string") d = parseTimestamp(value) ?? new Date(value);
  if (!d || Number.isNaN(d.getTime())) return undefined;
  switch (shape.traits.timestampFormat) {
    case "epoch-seconds":
      return String(d.getTime() / 1000);
    case "http-date":
      return d.toUTCString();
    default:
      return d.toISOString();
  }
};

const toBase64 = (value: unknown): string | undefined => {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (typeof value === "string") return Buffer.from(value, "utf8").toString("base64");
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString("base64");
  return undefined;
};

/** The text of a scalar value, or undefined when the value cannot be written. */
export const scalarText = (shape: Shape, value: unknown): string | undefined => {
  switch (shape.kind) {
    case "timestamp":
      return formatTimestamp(shape, value);
    case "blob":
      return toBase64(value);
    case "boolean":
      return typeof value === "boolean" ? String(value) : typeof value === "string" ? value : value ? "true" : "false";
    case "document":
      return typeof value === "string" ? value : JSON.stringify(value);
    default:
      if (typeof value === "object" && value !== null) {
        // NumericValue (bigDecimal) and friends.
        const s = (value as { string?: unknown }).string;
        if (typeof s === "string") return s;
      }
      return String(value);
  }
};

/**
 * The element name of a structure member in a response: its xmlName, else the member name as is
 * (XmlShapeDeserializer reads `xmlName ?? memberName`; botocore does the same). A few EC2 output
 * members have no xmlName (e.g. S3Storage.AWSAccessKeyId): the SDKs read them under the member
 * name, so that is what we write, not a lower-cased guess.
 * Known limit: the SDK looks at the member's own xmlName only, while Shape.traits merges the
 * target's traits in; no ec2/STS output member differs (the generated round trip proves it).
 */
export const elementName = (name: string, member: Shape): string => member.traits.xmlName ?? name;

/** Appends the XML of one value under element `name` to `out`. */
export const writeValue = (out: string[], name: string, shape: Shape, value: unknown): void => {
  if (value === null || value === undefined) return;
  switch (shape.kind) {
    case "structure":
    case "union": {
      if (typeof value !== "object") return;
      out.push(`<${name}>`);
      writeMembers(out, shape, value as Record<string, unknown>);
      out.push(`</${name}>`);
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return;
      const member = shape.member!;
      if (shape.traits.xmlFlattened) {
        for (const item of value) writeValue(out, name, member, item);
        return;
      }
      const itemName = member.traits.xmlName ?? "member";
      out.push(`<${name}>`);
      for (const item of value) writeValue(out, itemName, member, item);
      out.push(`</${name}>`);
      return;
    }
    case "map": {
      if (typeof value !== "object") return;
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
      const keyShape = shape.key!;
      const valueShape = shape.value!;
      const keyName = keyShape.traits.xmlName ?? "key";
      const valueName = valueShape.traits.xmlName ?? "value";
      const flat = !!shape.traits.xmlFlattened;
      if (!flat) out.push(`<${name}>`);
      for (const [k, v] of entries) {
        if (v === null || v === undefined) continue;
        out.push(flat ? `<${name}>` : "<entry>");
        out.push(`<${keyName}>${escapeXml(String(k))}</${keyName}>`);
        writeValue(out, valueName, valueShape, v);
        out.push(flat ? `</${name}>` : "</entry>");
      }
      if (!flat) out.push(`</${name}>`);
      return;
    }
    case "unit":
      return;
    default: {
      const text = scalarText(shape, value);
      if (text === undefined) return;
      out.push(`<${name}>${escapeXml(text)}</${name}>`);
    }
  }
};

/** Appends every non-null member of a structure value, in model order. */
export const writeMembers = (out: string[], shape: Shape, value: Record<string, unknown>): void => {
  for (const [name, member] of shape.members) {
    writeValue(out, elementName(name, member), member, value[name]);
  }
};

export const xmlResponse = (status: number, body: string, requestId: string, extraHeaders: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { ...extraHeaders, "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId },
  body: Buffer.from(body, "utf8"),
});

/** Writes AwsError.fields as elements (through the error shape's members when it is modelled). */
export const writeErrorFields = (out: string[], shape: Shape | undefined, fields: Record<string, unknown>): void => {
  const skip = new Set(["Code", "Message", "message", "Type"]);
  const done = new Set<string>();
  if (shape) {
    for (const [name, member] of shape.members) {
      if (skip.has(name) || !(name in fields)) continue;
      writeValue(out, elementName(name, member), member, fields[name]);
      done.add(name);
    }
  }
  for (const [k, v] of Object.entries(fields)) {
    if (done.has(k) || skip.has(k) || v === null || v === undefined) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) continue;
    const text = v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
    out.push(`<${k}>${escapeXml(text)}</${k}>`);
  }
};
