/**
 * Random, valid values for a Shape of Cloudbox's model adapter (src/protocol/model.ts), from a
 * seeded PRNG, so that a failing case can be reproduced from its seed.
 *
 * "Valid" means: what the real SDK v3 client accepts and every protocol can carry on the wire.
 * - numbers are integers (the model does not say int vs float; integers are safe for both);
 * - timestamps are whole seconds where the wire format is http-date (headers), milliseconds elsewhere;
 * - strings never contain control characters (XML 1.0 cannot carry most of them) and never start
 *   or end with white space; header values are printable ASCII; labels are non-empty and never
 *   "." or ".." (path segments that URL handling would collapse);
 * - lists and maps are non-empty on the XML/query protocols (an empty list and an absent list are
 *   the same thing there), except where `emptyCollections` allows them;
 * - recursive shapes stop at a bounded depth (only required members below it);
 * - idempotency tokens are always set (the SDK would otherwise fill in a random UUID);
 * - unions have exactly one member set.
 */
import type { ProtocolName, Shape } from "../../src/protocol/index.js";

// ---------------------------------------------------------------------------------------------
// PRNG: mulberry32, 32-bit state, good enough for test data and fully reproducible.

export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

/** A stable 32-bit seed from text (FNV-1a), so each operation/case has its own stream. */
export const seedOf = (...parts: (string | number)[]): number => {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0000")) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
};

// ---------------------------------------------------------------------------------------------
// Options

export type Direction = "input" | "output" | "error";

/** How much of an optional structure to fill: only required members, everything, or a coin toss. */
export type Fill = "required" | "all" | "random";

export interface GenOptions {
  protocol: ProtocolName;
  direction: Direction;
  fill: Fill;
  /** Below this depth only required members are generated (recursive shapes). */
  softDepth?: number;
  /** Allow empty lists/maps/structures (JSON protocols carry them exactly). */
  emptyCollections?: boolean;
  /**
   * Every string is the same hostile text (markup, entities, CDATA end, CR/LF, tab, non-ASCII,
   * U+2028, astral plane), within what its binding can carry: a systematic check of escaping.
   */
  edgeStrings?: boolean;
  /** Per-service hook: a custom value for a member (by member name and target shape), or undefined. */
  custom?: (ctx: MemberContext, rng: Prng) => unknown;
}

export interface MemberContext {
  /** Member name in its parent structure ("" for list members, map values and roots). */
  memberName: string;
  /** The member's shape (member traits merged over the target's). */
  shape: Shape;
  /** Top-level member of a rest operation's input/output, with its HTTP binding. */
  binding?: Binding;
  depth: number;
  /** The names of the enclosing structures, outermost first. */
  path: string[];
}

export const EDGE_STRING = ` a&b<c>d"e'f]]>g&amp;h\r\ni\tj\u0085k\u2028lé日😀%20+=?#/\\{}[] `.trim();
export const EDGE_ATTRIBUTE = `a&b<c>d"e'f]]>g&amp;hé日😀%20+=?#/\\{}[]`;
export const EDGE_HEADER = `a-b_c.d:e/f+g=h (i)!~*@$&'?#%20;<>[]`;
export const EDGE_LABEL = `a b&c=d+e%f:g@h'i(j)!k~*é日😀?#[]`;

/** Returned by a `custom` hook: leave the member out. */
export const OMIT: unique symbol = Symbol("omit");

export type Binding = "label" | "greedyLabel" | "header" | "prefixHeaders" | "query" | "queryParams" | "payload" | "responseCode" | "body";

const isRest = (p: ProtocolName) => p === "rest-json" || p === "rest-xml";
const isXmlish = (p: ProtocolName) => p === "ec2" || p === "query" || p === "rest-xml";

// ---------------------------------------------------------------------------------------------
// Strings

const WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Characters that stress encoders: XML/JSON/URL specials, non-ASCII (2, 3 and 4 UTF-8 bytes). */
const SPICE = ["&", "<", ">", '"', "'", "/", "+", "=", "?", "#", "%", " ", "-", "_", ".", ":", "@", "é", "ß", "日本", "ÿ", "€", "😀", "\\", "[", "]", "{", "}", ",", ";", "\n", "\t", "\r\n", "]]>", "&amp;", "\u2028", "\u0085"];
/** XML attribute values: the SDK writes line breaks and tabs raw, and XML normalizes them to spaces. */
const SPICE_NO_BREAKS = SPICE.filter((c) => !/[\r\n\t\u0085\u2028]/.test(c));
const HEADER_SPICE = ["-", "_", ".", ":", "/", "+", "=", " ", "(", ")", "!", "~", "*", "@", "$"];

const word = (rng: Prng, min: number, max: number, alphabet = WORD_CHARS): string => {
  const n = rng.int(min, max);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
};

const trimEdges = (s: string, fallback: string): string => {
  const t = s.replace(/^\s+|\s+$/g, "");
  return t.length ? t : fallback;
};

/** A free-form string: mostly word characters, sometimes spiced; never empty, never edge spaces. */
export const randomString = (rng: Prng, spice = 0.3, lineBreaks = true): string => {
  const parts: string[] = [word(rng, 1, 6)];
  const n = rng.int(0, 4);
  const pool = lineBreaks ? SPICE : SPICE_NO_BREAKS;
  for (let i = 0; i < n; i++) parts.push(rng.bool(spice) ? rng.pick(pool) : word(rng, 1, 8));
  return trimEdges(parts.join(""), "x");
};

/** Printable ASCII without edge spaces, commas or quotes unless `listSafe` is false. */
export const headerString = (rng: Prng): string => {
  const parts: string[] = [word(rng, 1, 6)];
  const n = rng.int(0, 3);
  for (let i = 0; i < n; i++) parts.push(rng.bool(0.4) ? rng.pick(HEADER_SPICE) : word(rng, 1, 6));
  return trimEdges(parts.join(""), "h");
};

/** A path label: non-empty, never "." / ".."; greedy labels may contain "/" (never leading, no empty segments). */
export const labelString = (rng: Prng, greedy: boolean): string => {
  const segment = () => {
    let s = randomString(rng, 0.25);
    if (!greedy) s = s.replace(/\//g, rng.bool(0.5) ? "/" : "-");
    return s === "." || s === ".." ? "dot" : s;
  };
  if (!greedy) return segment();
  const n = rng.int(1, 3);
  const segs: string[] = [];
  for (let i = 0; i < n; i++) segs.push(segment().replace(/\//g, "-"));
  return segs.join("/");
};

// ---------------------------------------------------------------------------------------------
// Timestamps

/** A Date between 2001 and 2037; whole seconds when `wholeSeconds`, else sometimes milliseconds. */
export const randomDate = (rng: Prng, wholeSeconds: boolean): Date => {
  const seconds = rng.int(978_307_200, 2_114_380_800);
  const ms = wholeSeconds || rng.bool(0.5) ? 0 : rng.int(1, 999);
  return new Date(seconds * 1000 + ms);
};

// ---------------------------------------------------------------------------------------------
// Documents

const randomDocument = (rng: Prng, depth: number): unknown => {
  const kind = depth > 2 ? rng.int(0, 3) : rng.int(0, 5);
  switch (kind) {
    case 0:
      return randomString(rng);
    case 1:
      return rng.int(-1000, 100000);
    case 2:
      return rng.bool();
    case 3:
      return null;
    case 4: {
      const n = rng.int(0, 3);
      return Array.from({ length: n }, () => randomDocument(rng, depth + 1));
    }
    default: {
      const o: Record<string, unknown> = {};
      const n = rng.int(0, 3);
      for (let i = 0; i < n; i++) o[word(rng, 1, 8)] = randomDocument(rng, depth + 1);
      return o;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Bindings

/** The HTTP binding of a top-level member of a rest operation (undefined elsewhere). */
export const bindingOf = (shape: Shape, protocol: ProtocolName, uri?: string, memberName?: string): Binding => {
  if (!isRest(protocol)) return "body";
  const t = shape.traits;
  if (t.httpLabel) return uri && memberName && uri.includes(`{${memberName}+}`) ? "greedyLabel" : "label";
  if (t.httpHeader) return "header";
  if (t.httpPrefixHeaders !== undefined) return "prefixHeaders";
  if (t.httpQuery) return "query";
  if (t.httpQueryParams) return "queryParams";
  if (t.httpPayload) return "payload";
  if (t.httpResponseCode) return "responseCode";
  return "body";
};

/** Event streams cannot be carried by a plain request/response exchange. */
export const isEventStream = (shape: Shape): boolean => shape.kind === "union" && !!shape.traits.streaming;

// ---------------------------------------------------------------------------------------------
// The generator

export class ShapeGenerator {
  constructor(
    private readonly rng: Prng,
    private readonly opts: GenOptions,
  ) {}

  /** Top-level input/output/error structure of an operation. `uri` names greedy labels. */
  root(shape: Shape, uri?: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (shape.kind !== "structure") return out;
    const headersUsed = new Set<string>();
    for (const [name, member] of shape.members) {
      const binding = bindingOf(member, this.opts.protocol, uri, name);
      if (isEventStream(member)) continue;
      // Two members bound to one header (S3 Expires/ExpiresString) are ambiguous on the wire.
      if (binding === "header") {
        const h = member.traits.httpHeader!.toLowerCase();
        if (headersUsed.has(h)) continue;
        headersUsed.add(h);
      }
      const ctx: MemberContext = { memberName: name, shape: member, binding, depth: 1, path: [shape.name] };
      // A custom hook decides first: a value it gives is always set (e.g. members the SDK would fill in).
      const forced = this.opts.custom?.(ctx, this.rng);
      if (forced !== undefined) {
        if (forced !== OMIT) out[name] = forced;
        continue;
      }
      if (!this.wants(shape, name, member, 0)) continue;
      const v = this.member(ctx);
      if (v !== undefined && v !== OMIT) out[name] = v;
    }
    return out;
  }

  private wants(parent: Shape, name: string, member: Shape, depth: number): boolean {
    if (parent.required.has(name)) return true;
    if (member.traits.idempotencyToken) return true;
    if (member.traits.httpLabel) return true;
    if (depth >= (this.opts.softDepth ?? 4)) return false;
    switch (this.opts.fill) {
      case "required":
        return false;
      case "all":
        return true;
      default:
        return this.rng.bool(0.5);
    }
  }

  member(ctx: MemberContext): unknown {
    const custom = this.opts.custom?.(ctx, this.rng);
    if (custom !== undefined) return custom;
    const { shape, binding } = ctx;
    switch (binding) {
      case "label":
      case "greedyLabel":
        return this.labelValue(shape, binding === "greedyLabel");
      case "header":
        return this.headerValue(shape);
      case "prefixHeaders":
        return this.prefixHeaders(shape);
      case "query":
        return this.queryValue(shape);
      case "queryParams":
        return this.queryParams(shape);
      case "responseCode":
        return this.rng.pick([200, 201, 202]);
      case "payload":
        return this.payload(ctx);
      default:
        return this.value(shape, ctx.depth, ctx.path, ctx.memberName);
    }
  }

  private labelValue(shape: Shape, greedy: boolean): unknown {
    switch (shape.kind) {
      case "number":
        return this.rng.int(1, 99999);
      case "boolean":
        return this.rng.bool();
      case "timestamp":
        return randomDate(this.rng, true);
      default:
        if (this.opts.edgeStrings) return greedy ? `${EDGE_LABEL}/x y/${EDGE_LABEL}` : EDGE_LABEL;
        return labelString(this.rng, greedy);
    }
  }

  private headerScalar(shape: Shape): unknown {
    switch (shape.kind) {
      case "number":
        return this.rng.int(0, 1_000_000);
      case "boolean":
        return this.rng.bool();
      case "timestamp":
        // http-date (the header default) carries whole seconds; date-time and epoch-seconds carry milliseconds.
        return randomDate(this.rng, (shape.traits.timestampFormat ?? "http-date") === "http-date");
      case "blob":
        return this.rng.bytes(this.rng.int(1, 24));
      default:
        // mediaType strings travel base64-encoded, so any text is fine.
        if (this.opts.edgeStrings) return shape.traits.mediaType ? EDGE_STRING : EDGE_HEADER;
        return shape.traits.mediaType ? randomString(this.rng) : headerString(this.rng);
    }
  }

  private headerValue(shape: Shape): unknown {
    if (shape.kind === "list" && shape.member) {
      const n = this.rng.int(1, 3);
      const m = shape.member;
      // http-date list items contain commas; keep timestamps single-valued to stay unambiguous.
      return Array.from({ length: m.kind === "timestamp" ? 1 : n }, () => this.headerScalar(m));
    }
    return this.headerScalar(shape);
  }

  private prefixHeaders(shape: Shape): Record<string, string> {
    const out: Record<string, string> = {};
    const n = this.rng.int(1, 3);
    for (let i = 0; i < n; i++) out[word(this.rng, 1, 6, "abcdefghijklmnopqrstuvwxyz0123456789") + "-" + i] = headerString(this.rng);
    void shape;
    return out;
  }

  private queryScalar(shape: Shape): unknown {
    switch (shape.kind) {
      case "number":
        return this.rng.int(-1000, 1_000_000);
      case "boolean":
        return this.rng.bool();
      case "timestamp":
        return randomDate(this.rng, shape.traits.timestampFormat === "http-date");
      case "blob":
        return this.rng.bytes(this.rng.int(1, 24));
      default:
        return this.opts.edgeStrings ? EDGE_STRING : randomString(this.rng);
    }
  }

  private queryValue(shape: Shape): unknown {
    if (shape.kind === "list" && shape.member) {
      const m = shape.member;
      return Array.from({ length: this.rng.int(1, 3) }, () => this.queryScalar(m));
    }
    return this.queryScalar(shape);
  }

  private queryParams(shape: Shape): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const n = this.rng.int(1, 3);
    const v = shape.value;
    for (let i = 0; i < n; i++) {
      const key = `qp${i}-${word(this.rng, 1, 5)}`;
      out[key] = v?.kind === "list" ? Array.from({ length: this.rng.int(1, 2) }, () => randomString(this.rng)) : randomString(this.rng);
    }
    return out;
  }

  private payload(ctx: MemberContext): unknown {
    const { shape } = ctx;
    switch (shape.kind) {
      case "blob":
        return this.rng.bytes(this.rng.int(1, 64));
      case "string":
        return this.opts.edgeStrings ? EDGE_STRING : randomString(this.rng, 0.4);
      case "structure":
      case "union":
        return this.value(shape, ctx.depth, ctx.path, ctx.memberName, true);
      default:
        return this.value(shape, ctx.depth, ctx.path, ctx.memberName);
    }
  }

  /** A value for a shape in a body (JSON or XML or form-encoded). */
  value(shape: Shape, depth: number, path: string[], memberName: string, nonEmpty = false): unknown {
    const rng = this.rng;
    const empties = !!this.opts.emptyCollections && !isXmlish(this.opts.protocol);
    switch (shape.kind) {
      case "structure": {
        const out: Record<string, unknown> = {};
        if (path.length > 12) return out;
        const inner = [...path, shape.name];
        for (const [name, member] of shape.members) {
          if (isEventStream(member)) continue;
          if (!this.wants(shape, name, member, depth)) continue;
          const v = this.memberValue(name, member, depth + 1, inner);
          if (v !== undefined && v !== OMIT) out[name] = v;
        }
        // Empty structures are indistinguishable from absent ones in XML and form encoding.
        if (Object.keys(out).length === 0 && shape.members.size > 0 && (!empties || nonEmpty) && depth < 10) {
          const candidates = [...shape.members].filter(([, m]) => !isEventStream(m));
          if (candidates.length) {
            const [name, member] = rng.pick(candidates);
            const v = this.memberValue(name, member, depth + 1, inner);
            if (v !== undefined && v !== OMIT) out[name] = v;
          }
        }
        return out;
      }
      case "union": {
        const candidates = [...shape.members].filter(([, m]) => !isEventStream(m) && !(depth > 6 && (m.kind === "structure" || m.kind === "union" || m.kind === "list" || m.kind === "map")));
        const pool = candidates.length ? candidates : [...shape.members];
        if (!pool.length) return undefined;
        const [name, member] = rng.pick(pool);
        const v = this.memberValue(name, member, depth + 1, [...path, shape.name]);
        return v === undefined || v === OMIT ? undefined : { [name]: v };
      }
      case "list": {
        const m = shape.member!;
        const min = empties && rng.bool(0.15) ? 0 : 1;
        const n = depth >= (this.opts.softDepth ?? 4) ? min : rng.int(min, 3);
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) {
          const v = this.value(m, depth + 1, path, "");
          if (v !== undefined) out.push(v);
        }
        return out;
      }
      case "map": {
        const out: Record<string, unknown> = {};
        const min = empties && rng.bool(0.15) ? 0 : 1;
        const n = depth >= (this.opts.softDepth ?? 4) ? min : rng.int(min, 3);
        for (let i = 0; i < n; i++) {
          const k = `${word(rng, 1, 8)}${i}`;
          const v = this.value(shape.value!, depth + 1, path, "");
          if (v !== undefined) out[k] = v;
        }
        return out;
      }
      case "string":
        if (this.opts.edgeStrings) return shape.traits.xmlAttribute ? EDGE_ATTRIBUTE : EDGE_STRING;
        // Sometimes the empty string: present but empty is not absent, in every protocol.
        if (rng.bool(0.03)) return "";
        return randomString(rng, 0.3, !shape.traits.xmlAttribute);
      case "number":
        return rng.pick([0, 1, rng.int(-100, 100), rng.int(0, 2_000_000_000), rng.int(0, 65535)]);
      case "bigInteger":
        return BigInt(rng.int(0, 1_000_000_000));
      case "bigDecimal":
        return String(rng.int(0, 1_000_000));
      case "boolean":
        return rng.bool();
      case "blob":
        return rng.bytes(rng.int(1, 32));
      case "timestamp":
        return randomDate(rng, shape.traits.timestampFormat === "http-date");
      case "document":
        return randomDocument(rng, 0);
      case "unit":
        return undefined;
    }
    void memberName;
    return undefined;
  }

  private memberValue(name: string, member: Shape, depth: number, path: string[]): unknown {
    const custom = this.opts.custom?.({ memberName: name, shape: member, depth, path }, this.rng);
    if (custom !== undefined) return custom;
    return this.value(member, depth, path, name);
  }
}
