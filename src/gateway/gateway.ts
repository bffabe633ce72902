/**
 * The HTTP front. Per request, in order:
 *   1. a request id (uuid);
 *   2. the body, read up to a size limit (413 RequestEntityTooLarge past it, in the service's
 *      protocol when the service is known, else a plain AWS JSON error);
 *   3. internal routes under /_cloudbox/ (GET health, POST reset);
 *   4. which service (routing.ts), which account and caller (accounts.ts), which region;
 *   5. the service's model, loaded lazily on its first request;
 *   6. codec.resolveOperation → NotImplemented (501) if the service does not list the operation
 *      → codec.parseInput → the handler → codec.serializeOutput;
 *   7. an AwsError becomes codec.serializeError; anything else is logged with the request id and
 *      answered as a 500 InternalFailure in the protocol's shape, never with a stack trace;
 *   8. one log line at info: `service operation account region status ms`.
 *
 * Transactions: a synchronous handler (one that returns its output, not a Promise) runs inside
 * one store transaction, so a mutating request commits all or nothing. A handler that returns a
 * Promise (an `async` function, or one that calls other services through the API and awaits
 * them) is NOT wrapped: a transaction cannot stay open across an await (other requests would
 * join it), so such a handler must put each of its state changes in its own
 * `ctx.store.transaction(() => ...)`. (A non-async function that returns a Promise anyway runs
 * in a transaction that commits its synchronous part.)
 *
 * The gateway knows no concrete service: runtime hands it a ServiceRegistry.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  AwsError,
  commonErrors,
  GLOBAL_REGION,
  isAwsError,
  newRequestId,
  type Clock,
  type HttpRequest,
  type HttpResponse,
  type Logger,
  type OperationContext,
  type ServiceRuntime,
  type StorePort,
} from "../core/index.js";
// Type-only: the protocol layer loads on the first service request (fast startup).
import type { OperationModel, ProtocolCodec, ServiceModel } from "../protocol/index.js";
import type { ProtocolName } from "../core/index.js";
import { createCallerResolver } from "./accounts.js";
import { readBody } from "./body.js";
import type { LoadedService, RegisteredService, ServiceRegistry } from "./registry.js";
import { routeRequest, type Route } from "./routing.js";

export const DEFAULT_REGION = "us-east-1";
/** Default body limit: large enough for Lambda zip uploads (50 MB base64) and CloudFormation templates. */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;
export const INTERNAL_PREFIX = "/_cloudbox/";

export interface GatewayOptions {
  registry: ServiceRegistry;
  store: StorePort;
  clock: Clock;
  log: Logger;
  /** Read-only settings handed to every handler (ctx.settings). */
  settings: Readonly<Record<string, unknown>>;
  defaultAccountId: string;
  /** Body limit for services that do not set their own; default 100 MiB. */
  maxBodyBytes?: number;
  /** What health reports. */
  info: { name: string; version: string };
  /** Clears all state (POST /_cloudbox/reset). */
  reset: () => void | Promise<void>;
  /** Background-work ports handed to handlers (ctx.runtime) and to services' internalRoute hooks. */
  runtime?: ServiceRuntime;
  /** Extra fields for the health document (endpoint, data dir...). */
  healthExtra?: () => Record<string, unknown>;
}

export interface Gateway {
  /** Serves one request already read into memory (in-memory clients use this). */
  handle(req: HttpRequest): Promise<HttpResponse>;
  /** The node:http request listener. */
  listener(req: IncomingMessage, res: ServerResponse): void;
}

interface Pending {
  req: HttpRequest;
  /** Set when the body was over the limit. */
  tooLargeLimit?: number;
}

const jsonHeaders = (requestId: string): Record<string, string> => ({
  "content-type": "application/json",
  "x-amzn-requestid": requestId,
});

/** The error shape when no service (hence no protocol) is known: AWS JSON with __type. */
export const plainJsonError = (error: AwsError, requestId: string): HttpResponse => ({
  status: error.status,
  headers: { ...jsonHeaders(requestId), "x-amzn-errortype": error.code, ...error.headers },
  body: JSON.stringify({ __type: error.code, message: error.message, ...error.fields }),
});

export const createGateway = (options: GatewayOptions): Gateway => {
  const { registry, store, clock, log, settings } = options;
  const defaultLimit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const resolveCaller = createCallerResolver(registry, store, options.defaultAccountId, clock);
  const startedAt = Date.now();
  const logsRequests = () => log.level === "info" || log.level === "debug";

  const health = (requestId: string): HttpResponse => ({
    status: 200,
    headers: jsonHeaders(requestId),
    body: JSON.stringify({
      name: options.info.name,
      version: options.info.version,
      status: "running",
      uptime: Math.round((Date.now() - startedAt) / 10) / 100,
      rss: process.memoryUsage.rss(),
      ...options.healthExtra?.(),
      // A service's module loads with its first request (or at startup when it resumes work):
      // until then its operations are not known here.
      services: registry.services.map(({ def, loaded }) => ({
        name: def.name,
        protocol: def.protocol,
        signingName: def.signingName,
        loaded: loaded !== undefined,
        operations: loaded ? [...loaded.operations.keys()].sort() : [],
      })),
    }),
  });

  const internal = async (p: Pending, requestId: string): Promise<HttpResponse> => {
    const route = p.req.path.slice(INTERNAL_PREFIX.length).replace(/\/+$/, "");
    const notAllowed = (allowed: string) =>
      ({
        status: 405,
        headers: { ...jsonHeaders(requestId), allow: allowed },
        body: JSON.stringify({ __type: "MethodNotAllowed", message: `Use ${allowed} for ${INTERNAL_PREFIX}${route}.` }),
      }) satisfies HttpResponse;
    if (p.tooLargeLimit !== undefined) return plainJsonError(commonErrors.requestEntityTooLarge(p.tooLargeLimit), requestId);
    switch (route) {
      case "health":
        return p.req.method === "GET" || p.req.method === "HEAD" ? health(requestId) : notAllowed("GET");
      case "reset":
        if (p.req.method !== "POST") return notAllowed("POST");
        await options.reset();
        log.info(`state reset (request ${requestId})`);
        return { status: 200, headers: jsonHeaders(requestId), body: JSON.stringify({ reset: true }) };
      default: {
        // Routes that services serve themselves (e.g. Lambda code downloads).
        const owner = options.runtime && registry.byInternalPath(route);
        if (owner && options.runtime) {
          const res = await (await registry.load(owner)).def.internalRoute?.(p.req, options.runtime);
          if (res) return res;
        }
        return {
          status: 404,
          headers: jsonHeaders(requestId),
          body: JSON.stringify({ __type: "NotFound", message: `No internal route ${INTERNAL_PREFIX}${route}; try health or reset.` }),
        };
      }
    }
  };

  type ProtocolModule = typeof import("../protocol/index.js");
  let protocol: ProtocolModule | undefined;
  let protocolLoading: Promise<ProtocolModule> | undefined;
  const loadProtocol = (): Promise<ProtocolModule> =>
    (protocolLoading ??= import("../protocol/index.js").then((m) => (protocol = m)));
  const codecFor = (name: ProtocolName): ProtocolCodec => protocol!.codecFor(name);

  const serializeErrorSafely = (
    model: ServiceModel,
    op: OperationModel | undefined,
    error: AwsError,
    requestId: string,
  ): HttpResponse => {
    try {
      return codecFor(model.protocol).serializeError(model, op, error, { requestId });
    } catch (e) {
      log.error(`request ${requestId}: the ${model.protocol} codec failed to serialize error ${error.code}`, e);
      return plainJsonError(error, requestId);
    }
  };

  const dispatch = async (p: Pending, requestId: string, service: RegisteredService, accessKeyId: string | undefined, signedRegion: string | undefined, started: number) => {
    const { def } = service;
    const region = def.global ? GLOBAL_REGION : (signedRegion ?? DEFAULT_REGION);
    let operation: string | undefined;
    let accountId = options.defaultAccountId;
    let response: HttpResponse;
    let model: ServiceModel | undefined;
    let loaded: LoadedService;
    try {
      if (service.loaded && registry.loadedModel(service) && protocol) {
        loaded = service.loaded;
        model = registry.loadedModel(service)!;
      } else {
        // The definition, the model and the codecs load in parallel on a service's first request.
        [loaded, model] = await Promise.all([registry.load(service), registry.model(service), protocol ?? loadProtocol()]);
      }
    } catch (e) {
      log.error(`request ${requestId}: cannot load service ${def.name}`, e);
      response = plainJsonError(commonErrors.internalFailure(), requestId);
      return finish(response, def.name, operation, accountId, region, started);
    }
    const codec = codecFor(def.protocol);
    let opModel: OperationModel | undefined;
    try {
      if (p.tooLargeLimit !== undefined) throw commonErrors.requestEntityTooLarge(p.tooLargeLimit);
      const resolved = resolveCaller(accessKeyId);
      const caller = "then" in resolved ? await resolved : resolved;
      accountId = caller.accountId;
      opModel = codec.resolveOperation(model, p.req);
      operation = opModel.name;
      const op = loaded.operations.get(opModel.name);
      if (!op) throw commonErrors.notImplemented(def.name, opModel.name);
      const input = codec.parseInput(model, opModel, p.req);
      const ctx: OperationContext = {
        requestId,
        service: def.name,
        operation: opModel.name,
        accountId,
        region,
        caller,
        clock,
        store,
        log,
        settings,
        runtime: options.runtime,
      };
      const handler = op.handler;
      let output: unknown;
      if (handler.constructor.name === "AsyncFunction") {
        // Async handlers manage their own transactions (see the module comment).
        output = await handler(input, ctx);
      } else {
        output = store.transaction(() => handler(input, ctx));
        if (output && typeof (output as PromiseLike<unknown>).then === "function") output = await output;
      }
      response = codec.serializeOutput(model, opModel, (output ?? {}) as Record<string, unknown>, { requestId });
    } catch (e) {
      if (isAwsError(e)) {
        response = serializeErrorSafely(model, opModel, e, requestId);
      } else {
        log.error(`request ${requestId}: ${def.name} ${operation ?? "-"} failed`, e);
        response = serializeErrorSafely(model, opModel, commonErrors.internalFailure(), requestId);
      }
    }
    return finish(response, def.name, operation, accountId, region, started);
  };

  const finish = (response: HttpResponse, service: string, operation: string | undefined, account: string, region: string, started: number): HttpResponse => {
    if (logsRequests()) {
      const ms = performance.now() - started;
      log.info(`${service} ${operation ?? "-"} ${account} ${region} ${response.status} ${ms < 10 ? ms.toFixed(1) : Math.round(ms)}ms`);
    }
    return response;
  };

  const serve = async (p: Pending, knownRoute?: Route): Promise<HttpResponse> => {
    const started = performance.now();
    const requestId = newRequestId();
    try {
      if (p.req.path.startsWith(INTERNAL_PREFIX)) return await internal(p, requestId);
      const host = p.req.headers.host ?? "";
      const hostOwner = options.runtime && registry.byInternalHost(host);
      if (hostOwner && options.runtime) {
        const res = await (await registry.load(hostOwner)).def.internalRoute?.(p.req, options.runtime);
        if (res) return res;
      }
      const route = knownRoute ?? routeRequest(p.req, registry);
      if (!route.service && p.tooLargeLimit === undefined) route.service = await routeByBody(p.req);
      if (!route.service) {
        const error = p.tooLargeLimit !== undefined ? commonErrors.requestEntityTooLarge(p.tooLargeLimit) : commonErrors.unknownService();
        return finish(plainJsonError(error, requestId), "-", undefined, "-", route.region ?? "-", started);
      }
      return await dispatch(p, requestId, route.service, route.accessKeyId, route.region, started);
    } catch (e) {
      log.error(`request ${requestId}: gateway failure`, e);
      return plainJsonError(commonErrors.internalFailure(), requestId);
    }
  };

  /** Last resort for unsigned requests: a form body's `Version` names a query/ec2 service. */
  const routeByBody = async (req: HttpRequest): Promise<RegisteredService | undefined> => {
    if (req.body.length === 0 || !(req.headers["content-type"] ?? "").includes("x-www-form-urlencoded")) return undefined;
    const params = new URLSearchParams(req.body.toString("utf8"));
    const version = params.get("Version");
    return version && params.get("Action") ? registry.byApiVersion(version) : undefined;
  };

  /** Routing needs headers only, so it runs before the body is read: the limit is the service's. */
  const routeAndLimit = (req: HttpRequest): { route: Route | undefined; limit: number } => {
    if (req.path.startsWith(INTERNAL_PREFIX)) return { route: undefined, limit: defaultLimit };
    const route = routeRequest(req, registry);
    return { route, limit: route.service?.def.maxBodyBytes ?? defaultLimit };
  };

  const toHttpRequest = (req: IncomingMessage): HttpRequest => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const headers: Record<string, string> = {};
    const raw = req.headers;
    for (const name in raw) {
      const v = raw[name];
      if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(", ") : v;
    }
    return {
      method: req.method ?? "GET",
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? "" : url.slice(q + 1),
      headers,
      body: Buffer.alloc(0),
    };
  };

  const write = (res: ServerResponse, response: HttpResponse, closeAfter: boolean) => {
    const headers: Record<string, string> = { ...response.headers };
    if (closeAfter) headers["connection"] = "close";
    // An explicit length (no chunked encoding) unless the codec set one; none on 204/304 (RFC 9110).
    const bodiless = response.status === 204 || response.status === 304 || response.status < 200;
    if (!bodiless && headers["content-length"] === undefined && headers["Content-Length"] === undefined) {
      headers["content-length"] = String(typeof response.body === "string" ? Buffer.byteLength(response.body) : response.body.length);
    }
    res.writeHead(response.status, headers);
    res.end(response.body);
  };

  return {
    async handle(req) {
      const { route, limit } = routeAndLimit(req);
      return serve(req.body.length > limit ? { req: { ...req, body: Buffer.alloc(0) }, tooLargeLimit: limit } : { req }, route);
    },
    listener(req, res) {
      const httpReq = toHttpRequest(req);
      const { route, limit } = routeAndLimit(httpReq);
      readBody(req, limit).then(
        async ({ body, tooLarge }) => {
          httpReq.body = body;
          const response = await serve(tooLarge ? { req: httpReq, tooLargeLimit: limit } : { req: httpReq }, route);
          // If we stopped draining a huge body, close the connection after answering.
          write(res, response, tooLarge && !req.complete);
          if (tooLarge && !req.complete) res.on("finish", () => req.socket.destroy());
        },
        (e: unknown) => {
          log.debug(`request body read failed: ${(e as Error).message}`);
          if (!res.headersSent) write(res, plainJsonError(new AwsError("IncompleteBody", "The request body could not be read.", { status: 400 }), newRequestId()), true);
        },
      );
    },
  };
};
