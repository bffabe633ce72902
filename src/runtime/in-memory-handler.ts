/**
 * An SDK v3 request handler that serves requests through the gateway in memory, without a
 * socket: services call each other through the API (architecture rule 3) with a real SDK client
 * built with `{ ...cb.inMemoryClientConfig }` or `requestHandler: cb.inMemoryRequestHandler`.
 * Same routing, codecs, validation and errors as a network request; the client still signs, so
 * the callee sees the caller's access key, account and region.
 */
import { Readable } from "node:stream";
import type { HttpRequest as SdkHttpRequest, HttpResponse as SdkHttpResponse } from "@smithy/types";
import type { HttpRequest, HttpResponse } from "../core/index.js";

const escapeUri = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

const queryString = (query: SdkHttpRequest["query"]): string => {
  const parts: string[] = [];
  const q: Record<string, string | string[] | null | undefined> = query ?? {};
  for (const key of Object.keys(q)) {
    const value = q[key];
    const k = escapeUri(key);
    if (value === null || value === undefined) parts.push(k);
    else if (Array.isArray(value)) for (const v of value) parts.push(`${k}=${escapeUri(v)}`);
    else parts.push(`${k}=${escapeUri(value)}`);
  }
  return parts.join("&");
};

const bodyBytes = async (body: unknown): Promise<Buffer> => {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<string | Uint8Array>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new TypeError("Unsupported request body type for the in-memory handler");
};

export interface InMemoryRequestHandler {
  metadata: { handlerProtocol: string };
  handle(request: SdkHttpRequest, options?: { abortSignal?: unknown }): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

export const createInMemoryRequestHandler = (handle: (req: HttpRequest) => Promise<HttpResponse>): InMemoryRequestHandler => ({
  metadata: { handlerProtocol: "http/1.1" },
  async handle(request) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    headers["host"] ??= request.port ? `${request.hostname}:${request.port}` : request.hostname;
    const res = await handle({
      method: request.method,
      path: request.path || "/",
      query: queryString(request.query),
      headers,
      body: await bodyBytes(request.body),
    });
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) outHeaders[name.toLowerCase()] = value;
    const body = typeof res.body === "string" ? Buffer.from(res.body, "utf8") : res.body;
    return { response: { statusCode: res.status, headers: outHeaders, body: Readable.from([body]) } as SdkHttpResponse };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
  destroy() {},
});
