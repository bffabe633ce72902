/**
 * Which S3 objects belong to which partition of a table. Pure (the object listing comes in).
 *
 * - Partition projection (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html):
 *   `projection.enabled`, `projection.<col>.type` = enum | integer | date | injected, with
 *   `.values`, `.range`, `.format` (Java date pattern), and `storage.location.template` with
 *   `${col}` placeholders (default: Hive style `<location>/<col>=${col}/...`). Instead of
 *   enumerating the projected values and listing each location, Cloudbox lists the template's
 *   static prefix once and matches each key against the template; values outside the projected
 *   range/enum are dropped, as Athena would never look there.
 * - Catalog partitions (ALTER TABLE ADD PARTITION / MSCK REPAIR TABLE): each partition's
 *   LOCATION prefix.
 * - Unpartitioned tables: every object under LOCATION.
 * Athena skips objects whose file name begins with `_` or `.`
 * (https://docs.aws.amazon.com/athena/latest/ug/tables-location-format.html).
 */
import type { TableDef } from "./ddl.js";

export interface S3Object {
  bucket: string;
  key: string;
  size: number;
  etag: string;
}

export interface FileSet {
  /** Partition column → its value as text. */
  values: Record<string, string>;
  objects: S3Object[];
}

export const parseS3Url = (url: string): { bucket: string; prefix: string } | undefined => {
  const m = /^s3a?n?:\/\/([^/]+)\/?(.*)$/.exec(url.trim());
  return m ? { bucket: m[1]!, prefix: m[2]! } : undefined;
};

export const withSlash = (p: string) => (p === "" || p.endsWith("/") ? p : `${p}/`);

export const isDataFile = (key: string): boolean => {
  if (key.endsWith("/")) return false;
  const name = key.slice(key.lastIndexOf("/") + 1);
  return !name.startsWith("_") && !name.startsWith(".");
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A Java DateTimeFormatter pattern (yyyy, MM, dd, HH, mm, ss; quoted literals) as a regex. */
const dateFormatRegex = (format: string): string =>
  format
    .split(/('[^']*'|y+|M+|d+|H+|m+|s+)/)
    .map((part) => {
      if (!part) return "";
      if (part.startsWith("'")) return escapeRe(part.slice(1, -1));
      if (/^y+$/.test(part)) return part.length === 2 ? "\\d{2}" : "\\d{4}";
      if (/^[MdHms]+$/.test(part)) return "\\d{1,2}".replace("1,2", part.length === 1 ? "1,2" : "2");
      return escapeRe(part);
    })
    .join("");

/** Parses a value in a Java date pattern to epoch ms (UTC); undefined when it does not fit. */
export const parseProjectedDate = (value: string, format: string): number | undefined => {
  const fields: string[] = [];
  const re = new RegExp(
    `^${format
      .split(/('[^']*'|y+|M+|d+|H+|m+|s+)/)
      .map((part) => {
        if (!part) return "";
        if (part.startsWith("'")) return escapeRe(part.slice(1, -1));
        if (/^(y+|M+|d+|H+|m+|s+)$/.test(part)) {
          fields.push(part[0]!);
          return /^y+$/.test(part) ? "(\\d{4})" : "(\\d{1,2})";
        }
        return escapeRe(part);
      })
      .join("")}$`,
  ).exec(value);
  if (!re) return undefined;
  const get = (f: string, d: number) => {
    const i = fields.indexOf(f);
    return i < 0 ? d : Number(re[i + 1]);
  };
  return Date.UTC(get("y", 1970), get("M", 1) - 1, get("d", 1), get("H", 0), get("m", 0), get("s", 0));
};

const UNITS: Record<string, (d: Date, n: number) => void> = {
  YEARS: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
  MONTHS: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  WEEKS: (d, n) => d.setUTCDate(d.getUTCDate() + 7 * n),
  DAYS: (d, n) => d.setUTCDate(d.getUTCDate() + n),
  HOURS: (d, n) => d.setUTCHours(d.getUTCHours() + n),
  MINUTES: (d, n) => d.setUTCMinutes(d.getUTCMinutes() + n),
  SECONDS: (d, n) => d.setUTCSeconds(d.getUTCSeconds() + n),
};

/** A range bound: a date in the column's format, or NOW[(+|-)<n><UNIT>]. */
const rangeBound = (s: string, format: string, nowMs: number): number | undefined => {
  const m = /^NOW(?:\s*([+-])\s*(\d+)\s*(YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?$/i.exec(s.trim());
  if (m) {
    const d = new Date(nowMs);
    if (m[1]) UNITS[m[3]!.toUpperCase().replace(/S?$/, "S")]!(d, (m[1] === "-" ? -1 : 1) * Number(m[2]));
    return d.getTime();
  }
  return parseProjectedDate(s.trim(), format);
};

const projectedValueOk = (props: Record<string, string>, col: string, value: string, nowMs: number): boolean => {
  const type = (props[`projection.${col}.type`] ?? "").toLowerCase();
  switch (type) {
    case "enum":
      return (props[`projection.${col}.values`] ?? "").split(",").map((v) => v.trim()).includes(value);
    case "integer": {
      const [lo, hi] = (props[`projection.${col}.range`] ?? "").split(",").map((v) => Number(v.trim()));
      const n = Number(value);
      return Number.isFinite(n) && (lo === undefined || Number.isNaN(lo) || n >= lo) && (hi === undefined || Number.isNaN(hi) || n <= hi);
    }
    case "date": {
      const format = props[`projection.${col}.format`] ?? "yyyy-MM-dd";
      const t = parseProjectedDate(value, format);
      if (t === undefined) return false;
      const [lo, hi] = (props[`projection.${col}.range`] ?? "").split(",");
      const a = lo ? rangeBound(lo, format, nowMs) : undefined;
      const b = hi ? rangeBound(hi, format, nowMs) : undefined;
      return (a === undefined || t >= a) && (b === undefined || t <= b);
    }
    default:
      return true; // injected: any value
  }
};

export const isProjected = (def: TableDef): boolean => (def.tblProperties["projection.enabled"] ?? "").toLowerCase() === "true";

/** The listing prefix and the key matcher of a projected table. */
export const projectionPlan = (
  def: TableDef,
): { bucket: string; prefix: string; match: (key: string, nowMs: number) => Record<string, string> | undefined } | undefined => {
  const props = def.tblProperties;
  const keys = def.partitionKeys.map((k) => k.Name);
  const template =
    props["storage.location.template"] ?? `${withSlash(def.location)}${keys.map((k) => `${k}=\${${k}}`).join("/")}`;
  const loc = parseS3Url(template);
  if (!loc) return undefined;
  const staticPrefix = loc.prefix.split("${")[0]!;
  const names: string[] = [];
  const pattern = loc.prefix
    .split(/(\$\{[^}]+\})/)
    .map((part) => {
      const m = /^\$\{([^}]+)\}$/.exec(part);
      if (!m) return escapeRe(part);
      const col = m[1]!.toLowerCase();
      names.push(col);
      if ((props[`projection.${col}.type`] ?? "").toLowerCase() === "date") return `(${dateFormatRegex(props[`projection.${col}.format`] ?? "yyyy-MM-dd")})`;
      return "([^/]+)";
    })
    .join("");
  const re = new RegExp(`^${pattern.replace(/\/$/, "")}/`);
  return {
    bucket: loc.bucket,
    prefix: staticPrefix,
    match: (key, nowMs) => {
      const m = re.exec(key);
      if (!m) return undefined;
      const values: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        const v = m[i + 1]!;
        if (!keys.includes(name)) continue;
        if (values[name] !== undefined && values[name] !== v) return undefined;
        if (!projectedValueOk(props, name, v, nowMs)) return undefined;
        values[name] = v;
      }
      return keys.every((k) => values[k] !== undefined) ? values : undefined;
    },
  };
};

/** Groups objects into partitions by the values a matcher extracts. */
export const groupByValues = (objects: S3Object[], values: (o: S3Object) => Record<string, string> | undefined): FileSet[] => {
  const groups = new Map<string, FileSet>();
  for (const o of objects) {
    if (!isDataFile(o.key)) continue;
    const v = values(o);
    if (!v) continue;
    const id = JSON.stringify(v);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { values: v, objects: [] }));
    g.objects.push(o);
  }
  return [...groups.values()];
};

/** Hive-style `k=v` path segments under a location (for MSCK REPAIR TABLE). */
export const hivePartitionOf = (key: string, prefix: string, keys: string[]): { values: Record<string, string>; location: string } | undefined => {
  if (!key.startsWith(prefix)) return undefined;
  const segs = key.slice(prefix.length).split("/");
  const values: Record<string, string> = {};
  let path = prefix;
  for (const k of keys) {
    const seg = segs.shift();
    if (!seg) return undefined;
    const eq = seg.indexOf("=");
    if (eq < 0 || seg.slice(0, eq).toLowerCase() !== k) return undefined;
    values[k] = decodeURIComponent(seg.slice(eq + 1));
    path += `${seg}/`;
  }
  return segs.length ? { values, location: path } : undefined;
};
