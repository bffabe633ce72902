/**
 * Mutations of valid requests for the fuzz test. Each takes a seed request (captured from a real
 * SDK v3 client) and returns a mutated copy plus a description. `routing` says whether the parts
 * that pick the service and operation (method, path, X-Amz-Target, Authorization scope, Action)
 * are untouched, so the answer must be in the seed protocol's error format; `framing` marks
 * mutations that break HTTP itself (the HTTP parser may answer before Cloudbox sees anything).
 */
import type { Prng } from "../protocol/shape-generator.js";
import type { RawRequest } from "./raw-http.js";

export type Protocol = "ec2" | "query" | "json" | "rest-json" | "rest-xml";

export interface Seed {
  name: string;
  protocol: Protocol;
  req: RawRequest;
}

export interface Mutant {
  seed: Seed;
  kind: string;
  detail: string;
  req: RawRequest;
  /** Routing parts untouched: a 4xx must be in the seed protocol's error format. */
  routing: boolean;
  /** HTTP framing broken on purpose: the HTTP parser itself may reject it. */
  framing?: boolean;
}

/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD instead of throwing). */
const pct = (v: string): string => [...Buffer.from(v, "utf8")].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

const clone = (r: RawRequest): RawRequest => ({ method: r.method, target: r.target, headers: r.headers.map(([k, v]) => [k, v]), body: Buffer.from(r.body) });

const header = (r: RawRequest, name: string) => r.headers.find(([k]) => k.toLowerCase() === name)?.[1]?.toString("latin1");
const setHeader = (r: RawRequest, name: string, value: string | Buffer) => {
  r.headers = r.headers.filter(([k]) => k.toLowerCase() !== name);
  r.headers.push([name, value]);
};
const dropHeader = (r: RawRequest, name: string) => {
  r.headers = r.headers.filter(([k]) => k.toLowerCase() !== name);
};
const fixLength = (r: RawRequest) => setHeader(r, "content-length", String(r.body.length));

const splitTarget = (r: RawRequest): { path: string; query: string } => {
  const t = Buffer.isBuffer(r.target) ? r.target.toString("latin1") : r.target;
  const q = t.indexOf("?");
  return q < 0 ? { path: t, query: "" } : { path: t.slice(0, q), query: t.slice(q + 1) };
};
const joinTarget = (path: string, query: string) => (query ? `${path}?${query}` : path);

/** The form parameters of a query/ec2 request live in the body; rest/json ones in the query string. */
const formOf = (r: RawRequest): string => r.body.toString("latin1");

const CONTENT_TYPES = [
  "application/x-amz-json-1.0",
  "application/x-amz-json-1.1",
  "application/json",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=utf-8",
  "application/xml",
  "text/xml",
  "text/plain",
  "application/octet-stream",
  "multipart/form-data; boundary=xyz",
  "",
  "garbage/;;;===",
  "application/x-amz-json-9.9",
];

const TARGETS = [
  "",
  ".",
  "AWSEvents.",
  ".ListEventBuses",
  "AWSEvents.NoSuchOperation",
  "AWSStepFunctions.ListEventBuses",
  "AWSEvents.ListStateMachines",
  "AmazonEC2.DescribeRegions",
  "AWSEvents.ListEventBuses.Extra",
  "awsevents.listeventbuses",
  "AWSEvents.ListEventBuses\u00e9",
  "X".repeat(5000),
  "AWSEvents.__proto__",
  "AWSEvents.constructor",
  "AWSEvents.toString",
  "AWSStepFunctions.hasOwnProperty",
];

const SERVICES = ["ec2", "sts", "events", "states", "lambda", "s3", "iam", "sqs", "", "s3-object-lambda", "__proto__", "execute-api", "ec2 "];
const REGIONS = ["us-east-1", "eu-west-1", "", "mars-north-9", "us-east-1\u0000", "a".repeat(300), "../../etc", "__proto__"];
const KEYS = ["111111111111", "222222222222", "AKIAIOSFODNN7EXAMPLE", "", "ASIANOTISSUEDBYUS00", "0000000000000", "12345678901", "__proto__", "x".repeat(2000)];

const authorization = (rng: Prng): string => {
  const variant = rng.int(0, 7);
  const key = rng.pick(KEYS);
  const date = rng.pick(["20261127", "", "99999999", "2026-11-27"]);
  const region = rng.pick(REGIONS);
  const service = rng.pick(SERVICES);
  const term = rng.pick(["aws4_request", "aws4_reques", ""]);
  switch (variant) {
    case 0:
      return `AWS4-HMAC-SHA256 Credential=${key}/${date}/${region}/${service}/${term}, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`;
    case 1:
      return `AWS4-HMAC-SHA256 Credential=${key}/${date}/${region}, SignedHeaders=host, Signature=abc`;
    case 2:
      return `AWS4-HMAC-SHA256 Credential=${key}`;
    case 3:
      return `AWS ${key}:signature`;
    case 4:
      return "Bearer xyz";
    case 5:
      return `AWS4-HMAC-SHA256 Credential=${key}/${date}/${region}/${service}/${term}/extra/parts, SignedHeaders=, Signature=`;
    case 6:
      return "AWS4-HMAC-SHA256";
    default:
      return `AWS4-HMAC-SHA256 Credential=${encodeURIComponent(key)}%2F${date}/${region}/${service}/${term}, Signature=zz`;
  }
};

const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x28, 0x8c, 0xbc]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf])];
const BAD_PERCENT = ["%", "%Z", "%ZZ", "%E0%A4", "%FF", "%C0%AF", "%%41", "%u0041", "%00", "%2", "%ED%A0%80"];
const HUGE_NUMBERS = ["1e400", "-1e400", "123456789012345678901234567890", "9007199254740993", "0x10", "NaN", "Infinity", "-0", "1.5", "1e-400", "00012", "+5", '"12"', "true", "null", "[]", "{}"];
const ODD_METHODS = ["PATCH", "OPTIONS", "DELETE", "PUT", "HEAD", "TRACE", "PROPFIND", "FOO", "M-SEARCH", "CONNECT", "get", "post"];
const ODD_PATHS = [
  "/",
  "//",
  "/../..",
  "/./",
  "/%2e%2e/%2e%2e/etc/passwd",
  "/%00",
  "/" + "a".repeat(8000),
  "/_cloudbox",
  "/_cloudbox/",
  "/_cloudbox/nope",
  "/_cloudbox/health/extra",
  "/2015-03-31/functions/",
  "/2015-03-31/functions/%ZZ",
  "/2015-03-31/functions/x/invocations",
  "/bucket/key?tagging",
  "/bucket?list-type=2&max-keys=abc",
  "/?x-id=" + "z".repeat(300),
  "/favicon.ico",
  "/__proto__",
  "/constructor/prototype",
  "/a b",
  "/?Action=GetCallerIdentity&Version=2011-06-15",
  "/?Action=DescribeRegions&Version=2016-11-15",
  "/?" + "a=1&".repeat(2000),
];

const nestedJson = (rng: Prng): Buffer => {
  const depth = rng.pick([100, 1000, 10000, 100000]);
  const open = rng.bool() ? "[" : '{"a":';
  const close = open === "[" ? "]" : "}";
  const closed = rng.bool(0.7);
  return Buffer.from(open.repeat(depth) + "1" + (closed ? close.repeat(depth) : ""));
};

const nestedXml = (rng: Prng): Buffer => {
  const depth = rng.pick([100, 1000, 20000]);
  return Buffer.from(`<?xml version="1.0"?>${"<a>".repeat(depth)}x${"</a>".repeat(depth)}`);
};

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><Tagging><TagSet><Tag><Key>&lol9;</Key><Value>v</Value></Tag></TagSet></Tagging>`;

const JSON_BODIES = [
  "",
  "{",
  "}",
  "[]",
  "null",
  '"string"',
  "1",
  "{}",
  '{"a":}',
  '{"Limit":"ten"}',
  '{"Limit":-1}',
  '{"Limit":1e400}',
  '{"Limit":123456789012345678901234567890}',
  '{"maxResults":1.5}',
  '{"NextToken":5}',
  '{"NextToken":{"a":1}}',
  '{"NamePrefix":["x"]}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"Limit":10,"Limit":20}',
  '{"Entries":[{"Time":"not a date","Detail":"{"}]}',
  '{"Entries":[{"Time":1e400}]}',
  '{"Tags":{"a":1}}',
  "\u0000\u0001\u0002",
  '{"a":"\\ud800"}',
  '{"a":"\\u00"}',
  "\ufeff{}",
];

const XML_BODIES = [
  "",
  "<",
  "<a>",
  "</a>",
  "<?xml version='1.0'?>",
  "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet>",
  "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
  "<Wrong xmlns='urn:x'/>",
  "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>",
  "<a><![CDATA[x]]></a>",
  "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><Tagging><TagSet><Tag><Key>&e;</Key><Value>v</Value></Tag></TagSet></Tagging>",
  "<Tagging><TagSet><Tag><Key>&unknown;</Key><Value>v</Value></Tag></TagSet></Tagging>",
  "<Tagging><TagSet><Tag><Key>&#0;</Key><Value>&#xFFFFFF;</Value></Tag></TagSet></Tagging>",
  "<__proto__><polluted>1</polluted></__proto__>",
];

const FORM_GARBAGE = [
  "",
  "&",
  "=",
  "==&&==",
  "Action",
  "Action=",
  "Action=NoSuchAction&Version=2016-11-15",
  "Action=GetCallerIdentity",
  "Version=2011-06-15",
  "Action=GetCallerIdentity&Version=1999-01-01",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&ZoneName.1=us-east-1a&ZoneName.99999999999=x",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&ZoneName.-1=x",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&ZoneName.0=x",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&ZoneName.1e3=x",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&Filter.1.Name=zone-name&Filter.1.Value.1=%ZZ",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&Filter.1.Value.1=x",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&AllAvailabilityZones=maybe",
  "Action=DescribeRegions&Version=2016-11-15&AllRegions=1e400",
  "Action=DescribeRegions&Version=2016-11-15&RegionName.1=",
  "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::222222222222:role/r&RoleSessionName=s&DurationSeconds=1e400",
  "Action=AssumeRole&Version=2011-06-15&RoleArn=not-an-arn&RoleSessionName=s",
  "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s",
  "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::222222222222:role/r&RoleSessionName=" + "s".repeat(5000),
  "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=-5",
  "Action=GetCallerIdentity&Version=2011-06-15&Action=AssumeRole",
  "Action=__proto__&Version=2011-06-15",
  "Action=constructor&Version=2016-11-15",
  "Action=toString&Version=2016-11-15",
  "Action=DescribeAvailabilityZones&Version=2016-11-15&__proto__.polluted=1",
];

const HOSTILE_VALUES = [
  "",
  " ",
  "-1",
  "0",
  "1",
  "2147483648",
  "99999999999999999999",
  "1e400",
  "-0",
  "NaN",
  "true",
  "null",
  "\u0000",
  "\u0000\u0001\u001f",
  "ünïcödé 日本 😀",
  "\ud800",
  "a".repeat(70000),
  "arn:aws:iam::",
  "arn:aws:iam::222222222222:role/",
  "arn:aws:iam::2222:role/x",
  "arn:aws:iam::222222222222:user/x",
  "arn:aws-cn:iam::222222222222:role/x",
  "arn:aws:iam::222222222222:role/" + "r".repeat(3000),
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "../../",
  "us-east-1a",
  "use1-az1",
  "us-east-1\u0000a",
  "*",
  "%",
  "<x/>",
  "]]>",
  "' OR 1=1 --",
  "${jndi:ldap://x}",
  "{\"a\":1}",
];

const HOSTILE_JSON: ((v: string) => unknown)[] = [
  (v) => v,
  (v) => Number(v) || -1,
  () => 1e308,
  () => -9007199254740993,
  () => 0.5,
  () => null,
  () => true,
  (v) => [v],
  (v) => ({ v }),
  () => [],
  () => ({}),
  () => Array.from({ length: 5000 }, (_, i) => i),
];

/** Every mutation, by name. */
export const MUTATIONS: Record<string, (rng: Prng, seed: Seed) => Omit<Mutant, "seed" | "kind">> = {
  flipBytes(rng, seed) {
    const r = clone(seed.req);
    if (!r.body.length) r.body = Buffer.from("{}");
    const n = rng.int(1, 8);
    for (let i = 0; i < n; i++) r.body[rng.int(0, r.body.length - 1)] = rng.int(0, 255);
    fixLength(r);
    return { req: r, detail: `${n} body bytes changed`, routing: seed.protocol !== "ec2" && seed.protocol !== "query" };
  },
  truncateBody(rng, seed) {
    const r = clone(seed.req);
    const n = r.body.length ? rng.int(0, r.body.length - 1) : 0;
    r.body = r.body.subarray(0, n);
    fixLength(r);
    return { req: r, detail: `body cut to ${n} bytes`, routing: seed.protocol !== "ec2" && seed.protocol !== "query" };
  },
  contentType(rng, seed) {
    const r = clone(seed.req);
    const ct = rng.pick(CONTENT_TYPES);
    if (ct === "") dropHeader(r, "content-type");
    else setHeader(r, "content-type", ct);
    return { req: r, detail: `content-type: ${ct || "(none)"}`, routing: false };
  },
  dropHeader(rng, seed) {
    const r = clone(seed.req);
    const names = r.headers.map(([k]) => k.toLowerCase()).filter((k) => k !== "content-length");
    const name = rng.pick(names);
    dropHeader(r, name);
    return { req: r, detail: `dropped ${name}`, routing: !["authorization", "x-amz-target", "host", "content-type"].includes(name) };
  },
  duplicateHeader(rng, seed) {
    const r = clone(seed.req);
    const names = r.headers.map(([k]) => k.toLowerCase()).filter((k) => k !== "content-length" && k !== "host");
    const name = rng.pick(names);
    const other = rng.pick(["x", "", header(r, name) ?? "", "AWSEvents.ListEventBuses", "application/json", authorization(rng)]);
    r.headers.push([name, other]);
    return { req: r, detail: `duplicated ${name} (second value ${JSON.stringify(other.slice(0, 80))})`, routing: false };
  },
  garbleTarget(rng, seed) {
    const r = clone(seed.req);
    const t = rng.pick(TARGETS);
    setHeader(r, "x-amz-target", Buffer.from(t, "utf8"));
    return { req: r, detail: `x-amz-target: ${JSON.stringify(t.slice(0, 80))}`, routing: false };
  },
  garbleAuthorization(rng, seed) {
    const r = clone(seed.req);
    const a = authorization(rng);
    setHeader(r, "authorization", Buffer.from(a, "utf8"));
    return { req: r, detail: `authorization: ${JSON.stringify(a.slice(0, 160))}`, routing: false };
  },
  garbleQuery(rng, seed) {
    const r = clone(seed.req);
    const formInBody = seed.protocol === "ec2" || seed.protocol === "query";
    const { path, query } = splitTarget(r);
    const params = (formInBody ? formOf(r) : query).split("&").filter(Boolean);
    const op = rng.int(0, 4);
    let detail = "";
    if (op === 0 && params.length) {
      const i = rng.int(0, params.length - 1);
      detail = `dropped parameter ${params[i]}`;
      params.splice(i, 1);
    } else if (op === 1 && params.length) {
      const p = rng.pick(params);
      params.push(p.replace(/=.*/, "=") + rng.pick(["x", "", "1e400", "%ZZ", p.split("=")[1] ?? ""]));
      detail = `duplicated parameter ${p.split("=")[0]}`;
    } else if (op === 2 && params.length) {
      const i = rng.int(0, params.length - 1);
      const [k, v = ""] = params[i]!.split("=");
      params[i] = rng.bool() ? `${k}=${rng.pick(BAD_PERCENT)}${v}` : `${k}${rng.pick(BAD_PERCENT)}=${v}`;
      detail = `bad percent-encoding in ${params[i]}`;
    } else if (op === 3) {
      params.push(`${rng.pick(["Foo", "a[b]", "=", "x.1.y", "__proto__", "MaxResults", "Limit", "max-items"])}=${rng.pick(HUGE_NUMBERS)}`);
      detail = `extra parameter ${params[params.length - 1]}`;
    } else {
      params.splice(0, params.length, ...rng.pick(FORM_GARBAGE).split("&"));
      detail = `parameters replaced by ${params.join("&").slice(0, 200)}`;
    }
    const text = params.join("&");
    if (formInBody) {
      r.body = Buffer.from(text, "latin1");
      fixLength(r);
    } else r.target = joinTarget(path, text);
    return { req: r, detail, routing: false };
  },
  invalidUtf8(rng, seed) {
    const r = clone(seed.req);
    const bad = rng.pick(INVALID_UTF8);
    const where = rng.int(0, 3);
    if (where === 0 || !r.body.length) {
      const at = r.body.length ? rng.int(0, r.body.length) : 0;
      r.body = Buffer.concat([r.body.subarray(0, at), bad, r.body.subarray(at)]);
      fixLength(r);
      return { req: r, detail: `invalid UTF-8 ${bad.toString("hex")} in body at ${at}`, routing: seed.protocol !== "ec2" && seed.protocol !== "query" };
    }
    if (where === 1) {
      const { path, query } = splitTarget(r);
      r.target = Buffer.concat([Buffer.from(joinTarget(path, query ? `${query}&` : ""), "latin1"), Buffer.from(query ? "x=" : "?x="), bad]);
      return { req: r, detail: `invalid UTF-8 ${bad.toString("hex")} in query`, routing: false, framing: true };
    }
    if (where === 2) {
      const t = Buffer.isBuffer(r.target) ? r.target : Buffer.from(r.target, "latin1");
      r.target = Buffer.concat([t.subarray(0, 1), bad, t.subarray(1)]);
      return { req: r, detail: `invalid UTF-8 ${bad.toString("hex")} in path`, routing: false, framing: true };
    }
    const name = rng.pick(["x-amz-target", "authorization", "content-type", "x-amz-date", "x-amz-security-token"]);
    setHeader(r, name, Buffer.concat([Buffer.from(header(r, name) ?? "v", "latin1"), bad]));
    return { req: r, detail: `invalid UTF-8 ${bad.toString("hex")} in ${name}`, routing: false };
  },
  hostileJson(rng, seed) {
    const r = clone(seed.req);
    r.body = rng.bool(0.4) ? nestedJson(rng) : Buffer.from(rng.pick(JSON_BODIES), "utf8");
    fixLength(r);
    return { req: r, detail: `JSON body ${r.body.subarray(0, 60).toString("latin1")}${r.body.length > 60 ? `... (${r.body.length} bytes)` : ""}`, routing: seed.protocol !== "ec2" && seed.protocol !== "query" };
  },
  hostileXml(rng, seed) {
    const r = clone(seed.req);
    const pick = rng.int(0, 3);
    r.body = pick === 0 ? nestedXml(rng) : pick === 1 ? Buffer.from(BILLION_LAUGHS) : Buffer.from(rng.pick(XML_BODIES), "utf8");
    fixLength(r);
    if (seed.protocol === "rest-xml" && rng.bool(0.7)) {
      // Aim it at an operation that reads an XML body.
      const { path } = splitTarget(r);
      r.method = "PUT";
      r.target = joinTarget(path === "/" ? "/fuzz-bucket" : path, rng.pick(["tagging", "acl", "cors", "versioning", "lifecycle", ""]));
    }
    return { req: r, detail: `XML body ${r.body.subarray(0, 60).toString("latin1")}${r.body.length > 60 ? `... (${r.body.length} bytes)` : ""}`, routing: false };
  },
  hugeNumbers(rng, seed) {
    const r = clone(seed.req);
    const n = rng.pick(HUGE_NUMBERS);
    const text = r.body.toString("utf8");
    if ((seed.protocol === "json" || seed.protocol === "rest-json") && text.startsWith("{")) {
      const key = rng.pick(["Limit", "maxResults", "MaxItems", "NextToken", "NamePrefix", "DurationSeconds"]);
      r.body = Buffer.from(text.length > 2 ? `{"${key}":${n},${text.slice(1)}` : `{"${key}":${n}}`);
      fixLength(r);
      return { req: r, detail: `JSON ${key}: ${n}`, routing: true };
    }
    const { path, query } = splitTarget(r);
    const key = rng.pick(["MaxResults", "MaxItems", "max-buckets", "DurationSeconds", "Limit", "ZoneName.1", "Filter.1.Value.1", "max-keys"]);
    if (seed.protocol === "ec2" || seed.protocol === "query") {
      r.body = Buffer.from(`${text}&${key}=${pct(n)}`);
      fixLength(r);
    } else r.target = joinTarget(path, `${query ? `${query}&` : ""}${key}=${pct(n)}`);
    return { req: r, detail: `${key}=${n}`, routing: true };
  },
  oversized(rng, seed) {
    const r = clone(seed.req);
    const size = rng.pick([3 * 1024 * 1024, 512 * 1024, 64 * 1024]);
    const filler = seed.protocol === "json" || seed.protocol === "rest-json" ? `{"NextToken":"${"a".repeat(size)}"}` : seed.protocol === "rest-xml" ? `<Tagging>${"<a/>".repeat(size / 4)}</Tagging>` : `${r.body.toString("latin1")}&NextToken=${"a".repeat(size)}`;
    r.body = Buffer.from(filler);
    fixLength(r);
    return { req: r, detail: `${r.body.length}-byte body`, routing: seed.protocol !== "rest-xml" };
  },
  oddMethod(rng, seed) {
    const r = clone(seed.req);
    r.method = rng.pick(ODD_METHODS);
    return { req: r, detail: `method ${r.method}`, routing: false };
  },
  oddPath(rng, seed) {
    const r = clone(seed.req);
    const p = rng.pick(ODD_PATHS);
    r.target = p;
    return { req: r, detail: `path ${p.slice(0, 120)}${p.length > 120 ? "..." : ""}`, routing: false, framing: p.includes(" ") };
  },
  badContentLength(rng, seed) {
    const r = clone(seed.req);
    const v = rng.pick(["-1", "abc", "1e3", `${r.body.length}, ${r.body.length}`, `${r.body.length} `, "18446744073709551616"]);
    setHeader(r, "content-length", v);
    return { req: r, detail: `content-length: ${v}`, routing: false, framing: true };
  },
  noAuth(rng, seed) {
    const r = clone(seed.req);
    for (const h of ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]) if (rng.bool(0.7)) dropHeader(r, h);
    if (rng.bool(0.5)) setHeader(r, "host", rng.pick(["sts.amazonaws.com", "ec2.us-east-1.amazonaws.com", "my-bucket.s3.amazonaws.com", "lambda.eu-west-1.amazonaws.com", "events.us-east-1.amazonaws.com", "states.us-east-1.amazonaws.com", "example.com", "", "[::1]:1", "a..b"]));
    return { req: r, detail: `unsigned, host ${header(r, "host")}`, routing: false };
  },
  garbleValue(rng, seed) {
    // Keep the operation, replace one parameter's value: reaches the handlers with odd input.
    const r = clone(seed.req);
    const v = rng.pick(HOSTILE_VALUES);
    if (seed.protocol === "json" || (seed.protocol === "rest-json" && r.body.length)) {
      try {
        const doc = JSON.parse(r.body.toString("utf8")) as Record<string, unknown>;
        const keys = Object.keys(doc);
        const key = keys.length && rng.bool(0.8) ? rng.pick(keys) : rng.pick(["Limit", "NextToken", "NamePrefix", "maxResults", "nextToken", "Entries", "FunctionName"]);
        doc[key] = rng.pick(HOSTILE_JSON)(v);
        r.body = Buffer.from(JSON.stringify(doc));
        fixLength(r);
        return { req: r, detail: `JSON ${key}=${JSON.stringify(doc[key]).slice(0, 120)}`, routing: true };
      } catch {
        /* not JSON: fall through to the query string */
      }
    }
    const formInBody = seed.protocol === "ec2" || seed.protocol === "query";
    const { path, query } = splitTarget(r);
    const params = (formInBody ? formOf(r) : query).split("&").filter(Boolean);
    const keep = formInBody ? params.filter((p) => /^(Action|Version)=/.test(p)) : [];
    const others = params.filter((p) => !keep.includes(p));
    const extraKeys = ["ZoneName.1", "ZoneId.1", "RegionName.1", "Filter.1.Name", "Filter.1.Value.1", "AllAvailabilityZones", "AllRegions", "RoleArn", "RoleSessionName", "DurationSeconds", "Policy", "PolicyArns.member.1.arn", "Tags.member.1.Key", "SerialNumber", "TokenCode", "ExternalId", "MaxItems", "Marker", "FunctionVersion", "MasterRegion", "max-buckets", "continuation-token", "prefix", "bucket-region"];
    const key = others.length && rng.bool(0.6) ? rng.pick(others).split("=")[0]! : rng.pick(extraKeys);
    const rest = others.filter((p) => p.split("=")[0] !== key);
    const text = [...keep, ...rest, `${key}=${pct(v)}`].join("&");
    if (formInBody) {
      r.body = Buffer.from(text, "latin1");
      fixLength(r);
    } else r.target = joinTarget(path, text);
    return { req: r, detail: `${key}=${JSON.stringify(v.slice(0, 80))}${v.length > 80 ? `... (${v.length} chars)` : ""}`, routing: true };
  },
  httpOddities(rng, seed) {
    // Valid but unusual HTTP/1.1: chunked bodies, Expect: 100-continue, Upgrade, keep-alive.
    const r = clone(seed.req);
    const which = rng.int(0, 3);
    if (which === 0) {
      dropHeader(r, "content-length");
      const parts: Buffer[] = [];
      let i = 0;
      while (i < r.body.length) {
        const n = Math.min(rng.int(1, 64), r.body.length - i);
        parts.push(Buffer.from(`${n.toString(16)}\r\n`), r.body.subarray(i, i + n), Buffer.from("\r\n"));
        i += n;
      }
      parts.push(Buffer.from("0\r\n\r\n"));
      r.body = Buffer.concat(parts);
      r.headers.push(["transfer-encoding", "chunked"]);
      return { req: r, detail: "chunked request body", routing: true };
    }
    if (which === 1) {
      r.headers.push(["expect", "100-continue"]);
      return { req: r, detail: "expect: 100-continue", routing: true };
    }
    if (which === 2) {
      r.headers.push(["connection", "Upgrade, close"], ["upgrade", rng.pick(["websocket", "h2c", "HTTP/2.0"])]);
      return { req: r, detail: "upgrade request", routing: true };
    }
    r.headers.push(["connection", "close"], ["keep-alive", "timeout=5"], ["te", "trailers"], ["x-forwarded-for", "1.2.3.4"], ["x-amz-security-token", "bogus"]);
    return { req: r, detail: "extra hop-by-hop headers and a bogus security token", routing: false };
  },
  combo(rng, seed) {
    // Two or three mutations at once.
    let cur: Seed = seed;
    const details: string[] = [];
    let framing = false;
    const n = rng.int(2, 3);
    for (let i = 0; i < n; i++) {
      const name = rng.pick(SIMPLE);
      const m = MUTATIONS[name]!(rng, cur);
      details.push(`${name}: ${m.detail}`);
      framing ||= !!m.framing;
      cur = { ...cur, req: m.req };
    }
    return { req: cur.req, detail: details.join("; "), routing: false, framing };
  },
};

const SIMPLE = Object.keys(MUTATIONS).filter((k) => k !== "combo" && k !== "oversized");

/** Picks a mutation (oversized bodies rarely: they are slow). */
export const mutate = (rng: Prng, seed: Seed): Mutant => {
  const names = Object.keys(MUTATIONS).filter((k) => k !== "oversized");
  const kind = rng.bool(0.01) ? "oversized" : rng.pick(names);
  const m = MUTATIONS[kind]!(rng, seed);
  return { seed, kind, ...m };
};
