/**
 * Shape-driven JSON values, shared by the json (awsJson1_0/1_1) and rest-json codecs.
 *
 * readJson turns a parsed JSON value into the SDK's JavaScript types (Date, Uint8Array, plain
 * objects), checking JSON types against the shape and collecting missing required members;
 * writeJson does the reverse for outputs and error fields. Mirrors the client side in
 * @smithy/core/protocols/json/codec-v2 (JsonShapeSerializer2/JsonShapeDeserializer2): member
 * names (jsonName only when `jsonName` is set: rest-json yes, awsJson no), timestamps by their
 * trait or epoch seconds, blobs base64, NaN/Infinity as strings, sparse collections keep nulls,
 * unions carry one member, documents are passed through.
 */
import { AwsError } from "../core/index.js";
import { asBuffer, formatTimestamp, fromBase64, lowerFirst, parseTimestamp, plainBytes, toBytes, toDate } from "./http-bindings.js";
import type { Shape } from "./model.js";

export interface JsonSettings {
  /** Honour the jsonName trait (rest-json), or key members by member name (awsJson). */
  jsonName: boolean;
}

/** Paths of required members found missing while reading (Coral style, e.g. "entries.1.member.source"). */
export type MissingList = string[];

const typeOfJson = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

const serializationError = (path: string, expected: string, value: unknown): AwsError =>
  new AwsError(
    "SerializationException",
    `Cannot deserialize value at '${path || "(root)"}': expected ${expected} but found ${typeOfJson(value)}.`,
    { status: 400 },
  );

export const memberKey = (name: string, member: Shape, settings: JsonSettings): string =>
  (settings.jsonName && member.traits.jsonName) || name;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads the members of a structure from a JSON object. `only` restricts to some members (the
 * body members of a rest-json input); `checkRequired` adds missing required members to `missing`.
 */
export const readJsonStruct = (
  shape: Shape,
  obj: Record<string, unknown>,
  settings: JsonSettings,
  path: string,
  missing: MissingList,
  opts: { only?: (name: string, member: Shape) => boolean; checkRequired?: boolean } = {},
): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  const union = shape.kind === "union";
  for (const [name, member] of shape.members) {
    if (opts.only && !opts.only(name, member)) continue;
    const key = memberKey(name, member, settings);
    const raw = obj[key];
    if (raw === undefined || raw === null) continue;
    out[name] = readJson(member, raw, settings, joinPath(path, name), missing);
  }
  if (union) {
    const set = Object.keys(out);
    if (set.length > 1) {
      throw new AwsError("SerializationException", `Only one member of union '${path || shape.name}' may be set, found ${set.join(", ")}.`, { status: 400 });
    }
  }
  if (opts.checkRequired !== false && !union) {
    for (const name of shape.required) {
      const member = shape.members.get(name);
      if (!member || (opts.only && !opts.only(name, member))) continue;
      if (out[name] === undefined) missing.push(joinPath(path, name));
    }
  }
  return out;
};

const joinPath = (path: string, name: string) => (path ? `${path}.${lowerFirst(name)}` : lowerFirst(name));

export const readJson = (shape: Shape, value: unknown, settings: JsonSettings, path: string, missing: MissingList): unknown => {
  switch (shape.kind) {
    case "structure":
    case "union":
      if (!isPlainObject(value)) throw serializationError(path, "an object", value);
      return readJsonStruct(shape, value, settings, path, missing);
    case "list": {
      if (!Array.isArray(value)) throw serializationError(path, "an array", value);
      const item = shape.member!;
      const sparse = !!shape.traits.sparse;
      const out: unknown[] = [];
      value.forEach((v, i) => {
        if (v === null) {
          if (sparse) out.push(null);
          return;
        }
        out.push(readJson(item, v, settings, `${path}.${i + 1}.member`, missing));
      });
      return out;
    }
    case "map": {
      if (!isPlainObject(value)) throw serializationError(path, "an object", value);
      const valueShape = shape.value!;
      const sparse = !!shape.traits.sparse;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null) {
          if (sparse) out[k] = null;
          continue;
        }
        defineKey(out, k, readJson(valueShape, v, settings, `${path}.${k}`, missing));
      }
      return out;
    }
    case "string":
      if (typeof value !== "string") throw serializationError(path, "a string", value);
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw serializationError(path, "a boolean", value);
      return value;
    case "number":
      if (typeof value === "number") return value;
      if (value === "NaN") return NaN;
      if (value === "Infinity") return Infinity;
      if (value === "-Infinity") return -Infinity;
      throw serializationError(path, "a number", value);
    case "bigInteger":
      if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
      if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
      throw serializationError(path, "an integer", value);
    case "bigDecimal":
      if (typeof value === "number") return value;
      throw serializationError(path, "a number", value);
    case "blob": {
      if (typeof value !== "string") throw serializationError(path, "a base64 string", value);
      const bytes = fromBase64(value);
      if (!bytes) throw new AwsError("SerializationException", `Cannot deserialize value at '${path}': invalid base64.`, { status: 400 });
      return plainBytes(bytes);
    }
    case "timestamp": {
      const format = shape.traits.timestampFormat ?? "epoch-seconds";
      const d = parseTimestamp(value, format);
      if (!d) throw serializationError(path, format === "epoch-seconds" ? "a timestamp in epoch seconds" : `a ${format} timestamp`, value);
      return d;
    }
    case "document":
      return value;
    default:
      return value;
  }
};

/** Sets a key even when it is "__proto__" (maps take arbitrary keys). */
const defineKey = (o: Record<string, unknown>, k: string, v: unknown) => {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
};

/** Converts an output value to a JSON-ready value; undefined means "omit". */
export const writeJson = (shape: Shape, value: unknown, settings: JsonSettings): unknown => {
  if (value === undefined || value === null) return undefined;
  switch (shape.kind) {
    case "structure":
    case "union": {
      if (typeof value !== "object") return undefined;
      return writeJsonStruct(shape, value as Record<string, unknown>, settings);
    }
    case "list": {
      if (!Array.isArray(value)) return undefined;
      const sparse = !!shape.traits.sparse;
      const out: unknown[] = [];
      for (const v of value) {
        if (v === null || v === undefined) {
          if (sparse) out.push(null);
          continue;
        }
        out.push(writeJson(shape.member!, v, settings) ?? null);
      }
      return out;
    }
    case "map": {
      if (typeof value !== "object") return undefined;
      const sparse = !!shape.traits.sparse;
      const out: Record<string, unknown> = {};
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
      for (const [k, v] of entries) {
        if (v === null || v === undefined) {
          if (sparse) defineKey(out, String(k), null);
          continue;
        }
        defineKey(out, String(k), writeJson(shape.value!, v, settings) ?? null);
      }
      return out;
    }
    case "number":
    case "bigDecimal":
      if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
      if (typeof value === "bigint") return Number(value);
      if (typeof value === "string" && value !== "" && !Number.isNaN(Number(value))) return Number(value);
      return value;
    case "bigInteger":
      return typeof value === "bigint" ? Number(value) : value;
    case "blob": {
      const b = toBytes(value);
      return b ? asBuffer(b).toString("base64") : undefined;
    }
    case "timestamp": {
      const d = toDate(value);
      return d ? formatTimestamp(d, shape.traits.timestampFormat ?? "epoch-seconds") : undefined;
    }
    case "boolean":
      return typeof value === "boolean" ? value : value === "true";
    case "string":
      return typeof value === "string" ? value : String(value);
    default:
      return value;
  }
};

export const writeJsonStruct = (
  shape: Shape,
  value: Record<string, unknown>,
  settings: JsonSettings,
  only?: (name: string, member: Shape) => boolean,
): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [name, member] of shape.members) {
    if (only && !only(name, member)) continue;
    const w = writeJson(member, value[name], settings);
    if (w !== undefined) out[memberKey(name, member, settings)] = w;
  }
  return out;
};

/** Parses a JSON body; empty means {}; malformed is a SerializationException. */
export const parseJsonBody = (body: Buffer): unknown => {
  if (body.length === 0) return {};
  const text = body.toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AwsError("SerializationException", `Malformed JSON in the request body: ${e instanceof Error ? e.message : String(e)}`, { status: 400 });
  }
};
