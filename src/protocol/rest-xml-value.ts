/**
 * Shape-driven XML for the rest-xml codec: a small strict XML parser (elements, attributes,
 * text, CDATA, comments, character and entity references; DOCTYPE is refused, so no entity
 * expansion attacks) and the reader/writer that walk a Shape.
 *
 * The rules mirror @aws-sdk/core/protocols/xml (XmlShapeSerializer.js, XmlShapeDeserializer.js):
 * a member's element is its xmlName or member name; lists are wrapped with items named
 * `member` (or the list member's xmlName) unless xmlFlattened, when the items repeat under the
 * member's own name; maps are `<entry><key/><value/></entry>` (key/value renamed by xmlName)
 * or flattened entries; xmlAttribute members are attributes of the parent; xmlNamespace adds an
 * `xmlns`/`xmlns:prefix` attribute where it differs from the parent's; timestamps are date-time
 * unless the member says otherwise; blobs are base64.
 *
 * A fast-xml-parser was tried first, but it leaves numeric character references (`&#xD;`)
 * undecoded, which the SDK's parser decodes; a hand parser keeps both sides in agreement.
 */
import { escapeXml, escapeXmlAttr } from "./xml-escape.js";
import { asBuffer, formatTimestamp, fromBase64, lowerFirst, parseTimestamp, plainBytes, toBytes, toDate } from "./http-bindings.js";
import type { Shape } from "./model.js";

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlSyntaxError extends Error {}
/** A value that does not fit its shape (e.g. "abc" for an integer). */
export class XmlValueError extends Error {}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

const decodeEntities = (s: string): string =>
  s.includes("&")
    ? s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (all, ref: string) => {
        if (ref[0] === "#") {
          const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
          try {
            return String.fromCodePoint(code);
          } catch {
            throw new XmlSyntaxError(`invalid character reference ${all}`);
          }
        }
        const v = ENTITIES[ref];
        if (v === undefined) throw new XmlSyntaxError(`undefined entity ${all}`);
        return v;
      })
    : s;

/** Deeper documents are refused rather than risking the stack (no AWS shape nests this deep). */
const MAX_DEPTH = 256;

const NAME_RE = /^[A-Za-z_:][\w.:-]*$/;

/** Parses a document and returns its root element. Throws XmlSyntaxError when malformed. */
export const parseXml = (input: string): XmlElement => {
  const x = input.replace(/\r\n?/g, "\n");
  let i = 0;
  const z = x.length;
  const skipWs = () => {
    while (i < z && (x[i] === " " || x[i] === "\t" || x[i] === "\n")) i++;
  };
  const readTo = (stop: string): string => {
    const j = x.indexOf(stop, i);
    if (j < 0) throw new XmlSyntaxError(`expected "${stop}"`);
    const s = x.slice(i, j);
    i = j + stop.length;
    return s;
  };
  const skipMisc = () => {
    for (;;) {
      skipWs();
      if (x.startsWith("<?", i)) readTo("?>");
      else if (x.startsWith("<!--", i)) readTo("-->");
      else if (x.startsWith("<!", i)) throw new XmlSyntaxError("DOCTYPE declarations are not allowed");
      else return;
    }
  };
  let depth = 0;
  const parseElement = (): XmlElement => {
    if (++depth > MAX_DEPTH) throw new XmlSyntaxError(`elements nested deeper than ${MAX_DEPTH}`);
    i++; // '<'
    const start = i;
    while (i < z && !" \t\n/>".includes(x[i]!)) i++;
    const name = x.slice(start, i);
    if (!NAME_RE.test(name)) throw new XmlSyntaxError(`invalid element name "${name}"`);
    const attrs: Record<string, string> = {};
    for (;;) {
      skipWs();
      if (i >= z) throw new XmlSyntaxError("unexpected end of input");
      if (x[i] === "/" || x[i] === ">") break;
      const as = i;
      while (i < z && !"= \t\n/>".includes(x[i]!)) i++;
      const an = x.slice(as, i);
      if (!NAME_RE.test(an)) throw new XmlSyntaxError(`invalid attribute name "${an}"`);
      skipWs();
      if (x[i] !== "=") throw new XmlSyntaxError(`attribute "${an}" has no value`);
      i++;
      skipWs();
      const q = x[i];
      if (q !== '"' && q !== "'") throw new XmlSyntaxError(`attribute "${an}" is not quoted`);
      i++;
      const raw = readTo(q);
      if (raw.includes("<")) throw new XmlSyntaxError(`'<' in attribute "${an}"`);
      if (Object.prototype.hasOwnProperty.call(attrs, an)) throw new XmlSyntaxError(`duplicate attribute "${an}"`);
      attrs[an] = decodeEntities(raw);
    }
    const el: XmlElement = { name, attrs, children: [], text: "" };
    if (x[i] === "/") {
      if (x[i + 1] !== ">") throw new XmlSyntaxError("expected '>'");
      i += 2;
      depth--;
      return el;
    }
    i++; // '>'
    let text = "";
    for (;;) {
      if (i >= z) throw new XmlSyntaxError(`missing closing tag </${name}>`);
      if (x.startsWith("</", i)) {
        i += 2;
        const close = readTo(">").trim();
        if (close !== name) throw new XmlSyntaxError(`mismatched tags <${name}> and </${close}>`);
        break;
      }
      if (x.startsWith("<!--", i)) {
        i += 4;
        readTo("-->");
      } else if (x.startsWith("<![CDATA[", i)) {
        i += 9;
        text += readTo("]]>");
      } else if (x.startsWith("<?", i)) {
        readTo("?>");
      } else if (x[i] === "<") {
        el.children.push(parseElement());
      } else {
        const j = x.indexOf("<", i);
        const raw = x.slice(i, j < 0 ? z : j);
        if (raw.includes(">") && raw.includes("]]>")) throw new XmlSyntaxError("']]>' in text");
        text += decodeEntities(raw);
        i = j < 0 ? z : j;
      }
    }
    el.text = text;
    depth--;
    return el;
  };
  skipMisc();
  if (x[i] !== "<") throw new XmlSyntaxError(i >= z ? "no root element" : "unexpected content before the root element");
  const root = parseElement();
  skipMisc();
  if (i < z) throw new XmlSyntaxError("unexpected content after the root element");
  return root;
};

// ---------------------------------------------------------------------------------------------
// Reading

const childNamed = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);
const childrenNamed = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

const elementName = (name: string, member: Shape): string => member.traits.xmlName ?? name;

/**
 * Reads the members of a structure from an element. `only` restricts the members (the body
 * members of an input). Missing required members are collected into `missing` as paths.
 */
export const readXmlStruct = (
  shape: Shape,
  el: XmlElement,
  path: string,
  missing: string[],
  only?: (name: string, member: Shape) => boolean,
  checkRequired = true,
): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [name, member] of shape.members) {
    if (only && !only(name, member)) continue;
    const mpath = path ? `${path}.${lowerFirst(name)}` : lowerFirst(name);
    const tag = elementName(name, member);
    if (member.traits.xmlAttribute) {
      const v = el.attrs[tag];
      if (v !== undefined) out[name] = readXmlScalar(member, v, mpath);
      continue;
    }
    if (member.kind === "list") {
      if (member.traits.xmlFlattened) {
        const items = childrenNamed(el, tag);
        if (items.length) out[name] = items.map((c, i) => readXml(member.member!, c, `${mpath}.${i + 1}.member`, missing));
      } else {
        const wrapper = childNamed(el, tag);
        if (wrapper) out[name] = readXmlList(member, wrapper, mpath, missing);
      }
      continue;
    }
    if (member.kind === "map") {
      if (member.traits.xmlFlattened) {
        const entries = childrenNamed(el, tag);
        if (entries.length) out[name] = readXmlMapEntries(member, entries, mpath, missing);
      } else {
        const wrapper = childNamed(el, tag);
        if (wrapper) out[name] = readXmlMapEntries(member, childrenNamed(wrapper, "entry"), mpath, missing);
      }
      continue;
    }
    const child = childNamed(el, tag);
    if (child) out[name] = readXml(member, child, mpath, missing);
  }
  if (shape.kind === "union" && Object.keys(out).length > 1) {
    throw new XmlValueError(`only one member of union '${path || shape.name}' may be set`);
  }
  if (checkRequired && shape.kind === "structure") {
    for (const name of shape.required) {
      const member = shape.members.get(name);
      if (!member || (only && !only(name, member)) || member.traits.idempotencyToken) continue;
      if (out[name] === undefined) missing.push(path ? `${path}.${lowerFirst(name)}` : lowerFirst(name));
    }
  }
  return out;
};

const readXmlList = (list: Shape, wrapper: XmlElement, path: string, missing: string[]): unknown[] => {
  const item = list.member!;
  const itemTag = item.traits.xmlName ?? "member";
  return childrenNamed(wrapper, itemTag).map((c, i) => readXml(item, c, `${path}.${i + 1}.member`, missing));
};

const readXmlMapEntries = (map: Shape, entries: XmlElement[], path: string, missing: string[]): Record<string, unknown> => {
  const keyTag = map.key!.traits.xmlName ?? "key";
  const valueTag = map.value!.traits.xmlName ?? "value";
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    const k = childNamed(entry, keyTag)?.text ?? "";
    const vEl = childNamed(entry, valueTag);
    const v = vEl ? readXml(map.value!, vEl, `${path}.${k}`, missing) : undefined;
    if (k === "__proto__") Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
    else out[k] = v;
  }
  return out;
};

/** Reads one element as the value of `shape`. */
export const readXml = (shape: Shape, el: XmlElement, path: string, missing: string[]): unknown => {
  switch (shape.kind) {
    case "structure":
    case "union":
      return readXmlStruct(shape, el, path, missing);
    case "list":
      // A list nested in a list or map value: its element is the wrapper.
      return shape.traits.xmlFlattened ? [readXml(shape.member!, el, path, missing)] : readXmlList(shape, el, path, missing);
    case "map":
      return readXmlMapEntries(shape, shape.traits.xmlFlattened ? [el] : childrenNamed(el, "entry"), path, missing);
    case "document":
      return el.text;
    default:
      return readXmlScalar(shape, el.text, path);
  }
};

export const readXmlScalar = (shape: Shape, raw: string, path: string): unknown => {
  switch (shape.kind) {
    case "string":
      return raw;
    case "boolean": {
      const t = raw.trim();
      if (t === "true") return true;
      if (t === "false") return false;
      throw new XmlValueError(`'${raw}' at '${path}' is not a boolean`);
    }
    case "number":
    case "bigDecimal": {
      const t = raw.trim();
      if (t === "NaN") return NaN;
      if (t === "Infinity") return Infinity;
      if (t === "-Infinity") return -Infinity;
      const n = Number(t);
      if (t === "" || Number.isNaN(n)) throw new XmlValueError(`'${raw}' at '${path}' is not a number`);
      return n;
    }
    case "bigInteger":
      try {
        return BigInt(raw.trim());
      } catch {
        throw new XmlValueError(`'${raw}' at '${path}' is not an integer`);
      }
    case "timestamp": {
      const d = parseTimestamp(raw, shape.traits.timestampFormat ?? "date-time");
      if (!d) throw new XmlValueError(`'${raw}' at '${path}' is not a valid timestamp`);
      return d;
    }
    case "blob": {
      const b = fromBase64(raw);
      if (!b) throw new XmlValueError(`the value at '${path}' is not valid base64`);
      return plainBytes(b);
    }
    default:
      return raw;
  }
};

// ---------------------------------------------------------------------------------------------
// Writing

const escapeText = escapeXml;
const escapeAttr = escapeXmlAttr;

const nsAttr = (shape: Shape, parentNs: string | undefined): [string, string] | undefined => {
  const ns = shape.traits.xmlNamespace;
  if (!ns || ns.uri === parentNs) return undefined;
  return [ns.prefix ? `xmlns:${ns.prefix}` : "xmlns", ns.uri];
};

const open = (tag: string, attrs: [string, string][]): string =>
  `<${tag}${attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join("")}>`;

export const writeXmlScalar = (shape: Shape, value: unknown): string => {
  switch (shape.kind) {
    case "timestamp": {
      const d = toDate(value);
      return d ? String(formatTimestamp(d, shape.traits.timestampFormat ?? "date-time")) : String(value);
    }
    case "blob": {
      const b = toBytes(value);
      return b ? asBuffer(b).toString("base64") : String(value);
    }
    case "number":
    case "bigDecimal":
    case "bigInteger":
    case "boolean":
    case "string":
    default:
      return String(value);
  }
};

/**
 * Writes a structure as an element named `tag`. `extraAttrs` are added to the element (the
 * root's xmlns). Members that are undefined or null are omitted.
 */
export const writeXmlStruct = (
  shape: Shape,
  value: Record<string, unknown>,
  tag: string,
  parentNs: string | undefined,
  extraAttrs: [string, string][] = [],
  only?: (name: string, member: Shape) => boolean,
): string => {
  const attrs: [string, string][] = [...extraAttrs];
  const own = nsAttr(shape, parentNs);
  if (own && !attrs.some(([k]) => k === own[0])) attrs.push(own);
  const ns = extraAttrs.find(([k]) => k === "xmlns")?.[1] ?? (own?.[0] === "xmlns" ? own[1] : parentNs);
  let inner = "";
  for (const [name, member] of shape.members) {
    if (only && !only(name, member)) continue;
    const v = value[name];
    if (v === undefined || v === null) continue;
    const mtag = elementName(name, member);
    if (member.traits.xmlAttribute) {
      attrs.push([mtag, writeXmlScalar(member, v)]);
      continue;
    }
    inner += writeMember(member, v, mtag, ns);
  }
  return `${open(tag, attrs)}${inner}</${tag}>`;
};

/** Writes a member (list/map handled with their flattening) under the element name `tag`. */
const writeMember = (member: Shape, v: unknown, tag: string, ns: string | undefined): string => {
  if (member.kind === "list") {
    if (!Array.isArray(v)) return "";
    const item = member.member!;
    const sparse = !!member.traits.sparse;
    if (member.traits.xmlFlattened) {
      return v.filter((x) => sparse || x != null).map((x) => writeValue(item, x, tag, ns)).join("");
    }
    const a = nsAttr(member, ns);
    const itemTag = item.traits.xmlName ?? "member";
    const innerNs = a?.[0] === "xmlns" ? a[1] : ns;
    const items = v.filter((x) => sparse || x != null).map((x) => writeValue(item, x, itemTag, innerNs)).join("");
    return `${open(tag, a ? [a] : [])}${items}</${tag}>`;
  }
  if (member.kind === "map") {
    if (typeof v !== "object" || v === null) return "";
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x != null || member.traits.sparse);
    const keyTag = member.key!.traits.xmlName ?? "key";
    const valueTag = member.value!.traits.xmlName ?? "value";
    const entry = ([k, x]: [string, unknown]) => `<${keyTag}>${escapeText(k)}</${keyTag}>${writeValue(member.value!, x, valueTag, ns)}`;
    if (member.traits.xmlFlattened) return entries.map((e) => `<${tag}>${entry(e)}</${tag}>`).join("");
    const a = nsAttr(member, ns);
    return `${open(tag, a ? [a] : [])}${entries.map((e) => `<entry>${entry(e)}</entry>`).join("")}</${tag}>`;
  }
  return writeValue(member, v, tag, ns);
};

/** Writes one value as an element `tag` (lists and maps nested in collections are wrapped). */
const writeValue = (shape: Shape, v: unknown, tag: string, ns: string | undefined): string => {
  if (v === null || v === undefined) return `<${tag}/>`;
  switch (shape.kind) {
    case "structure":
    case "union":
      return writeXmlStruct(shape, v as Record<string, unknown>, tag, ns);
    case "list": {
      const item = shape.member!;
      const itemTag = item.traits.xmlName ?? "member";
      const arr = Array.isArray(v) ? v : [v];
      return `<${tag}>${arr.map((x) => writeValue(item, x, itemTag, ns)).join("")}</${tag}>`;
    }
    case "map": {
      const keyTag = shape.key!.traits.xmlName ?? "key";
      const valueTag = shape.value!.traits.xmlName ?? "value";
      const entries = Object.entries(v as Record<string, unknown>);
      return `<${tag}>${entries.map(([k, x]) => `<entry><${keyTag}>${escapeText(k)}</${keyTag}>${writeValue(shape.value!, x, valueTag, ns)}</entry>`).join("")}</${tag}>`;
    }
    default: {
      const a = nsAttr(shape, ns);
      return `${open(tag, a ? [a] : [])}${escapeText(writeXmlScalar(shape, v))}</${tag}>`;
    }
  }
};
