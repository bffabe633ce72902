/**
 * Lambda's own HTTP routes on Cloudbox's port (the service's internalRoute hook):
 *   GET /_cloudbox/lambda/code/<account>/<region>/<function or layer>/<sha256 hex>.zip
 *       the zip that GetFunction's Code.Location and GetLayerVersion's Content.Location point at
 *       (Lambda answers a presigned S3 URL);
 *   ANY /_cloudbox/lambda-url/<url-id>/<path>
 *   ANY http://<url-id>.lambda-url.<region>.localhost:<port>/<path>  (when the gateway hands
 *       requests for that host here)
 *       a function URL: the request becomes a payload format 2.0 event and the function's answer
 *       becomes the HTTP response, as Lambda documents in "Invoking Lambda function URLs"
 *       (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html): a result with
 *       statusCode/headers/body/cookies/isBase64Encoded is taken as the response; any other JSON
 *       answers 200 application/json with that JSON; a function error answers 502.
 * DEVIATION: AuthType AWS_IAM is not checked (no IAM yet): every URL answers like AuthType NONE.
 */
import { randomUUID } from "node:crypto";
import type { HttpRequest, HttpResponse, ServiceRuntime } from "../../core/index.js";
import { loadZip } from "./code.js";
import { runInvocation } from "./environments.js";
import { execSpec } from "./exec-spec.js";
import { functionArn, resolveQualified } from "./model.js";
import { getUrlRowById, type Scope } from "./store.js";

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

const URL_HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.localhost(?::\d+)?$/;

export const lambdaInternalRoute = async (req: HttpRequest, runtime: ServiceRuntime): Promise<HttpResponse | undefined> => {
  const host = (req.headers["host"] ?? "").toLowerCase();
  const byHost = URL_HOST.exec(host);
  if (byHost) return functionUrl(runtime, req, byHost[1], req.path);
  const code = /^\/_cloudbox\/lambda\/code\/(\d{12})\/([a-z0-9-]+)\/([^/]+)\/([0-9a-f]{64})\.zip$/.exec(req.path);
  if (code) {
    const s: Scope = { accountId: code[1], region: code[2] };
    try {
      const zip = loadZip(runtime.store, s, Buffer.from(code[4], "hex").toString("base64"));
      return { status: 200, headers: { "content-type": "application/zip", "content-length": String(zip.length) }, body: zip };
    } catch {
      return json(404, { Message: "The code of this function does not exist." });
    }
  }
  const url = /^\/_cloudbox\/lambda-url\/([a-z0-9]{32})(\/.*)?$/.exec(req.path);
  if (url) return functionUrl(runtime, req, url[1], url[2] ?? "/");
  return undefined;
};

const functionUrl = async (runtime: ServiceRuntime, req: HttpRequest, urlId: string, path: string): Promise<HttpResponse> => {
  const row = getUrlRowById(runtime.store, urlId);
  if (!row) return json(404, { Message: null });
  const s: Scope = { accountId: row.account_id, region: row.region };
  let resolved;
  try {
    resolved = resolveQualified(runtime.store, s, { name: row.function_name, ...(row.qualifier ? { qualifier: row.qualifier } : {}) });
  } catch {
    return json(404, { Message: null });
  }
  const now = Date.now();
  const requestId = randomUUID();
  const query = new URLSearchParams(req.query);
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of query) queryStringParameters[k] = queryStringParameters[k] === undefined ? v : `${queryStringParameters[k]},${v}`;
  const headers = { ...req.headers };
  const cookies = headers["cookie"]?.split(/;\s*/).filter(Boolean);
  delete headers["cookie"];
  const text = req.body.toString("utf8");
  const binary = req.body.length > 0 && Buffer.from(text, "utf8").length !== req.body.length;
  const d = new Date(now);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p2 = (n: number) => String(n).padStart(2, "0");
  const event = {
    version: "2.0",
    routeKey: "$default",
    rawPath: decodeURIComponent(path),
    rawQueryString: req.query,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(req.query ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "anonymous",
      apiId: urlId,
      domainName: `${urlId}.lambda-url.${s.region}.on.aws`,
      domainPrefix: urlId,
      http: { method: req.method, path: decodeURIComponent(path), protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: req.headers["user-agent"] ?? "" },
      requestId,
      routeKey: "$default",
      stage: "$default",
      time: `${p2(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`,
      timeEpoch: now,
    },
    ...(req.body.length ? { body: binary ? req.body.toString("base64") : text } : {}),
    isBase64Encoded: binary,
  };
  let result;
  try {
    result = await runInvocation(runtime, execSpec(runtime, s, row.function_name, resolved), {
      requestId,
      payload: Buffer.from(JSON.stringify(event)),
      invokedArn: functionArn(s, row.function_name, row.qualifier || undefined),
    });
  } catch (e) {
    if ((e as { code?: string }).code === "TooManyRequestsException") return json(429, { Message: "Rate Exceeded." });
    return json(500, { Message: "Internal Server Error" });
  }
  const base = { "x-amzn-requestid": requestId };
  if (result.functionError) return json(502, { Message: "Internal Server Error" }, base);
  let out: unknown;
  try {
    out = JSON.parse(result.payload.toString("utf8"));
  } catch {
    return { status: 200, headers: { ...base, "content-type": "application/json" }, body: result.payload };
  }
  if (out && typeof out === "object" && !Array.isArray(out) && "statusCode" in out) {
    const r = out as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] };
    const h: Record<string, string> = { ...base };
    for (const [k, v] of Object.entries(r.headers ?? {})) h[k.toLowerCase()] = String(v);
    if (r.cookies?.length) h["set-cookie"] = r.cookies.join(", ");
    const body = r.body === undefined ? "" : r.isBase64Encoded ? Buffer.from(r.body, "base64") : String(r.body);
    return { status: Number(r.statusCode) || 200, headers: h, body };
  }
  return { status: 200, headers: { ...base, "content-type": "application/json" }, body: result.payload };
};
