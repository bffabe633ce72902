/**
 * A raw HTTP/1.1 client over node:net for the fuzz test: it sends exactly the bytes we choose
 * (odd methods, raw bytes in paths, duplicate headers, lying content types) and reads the whole
 * response, reporting whether it was complete (status line, headers, and a body that matches its
 * Content-Length or chunked framing) within a timeout.
 */
import { connect } from "node:net";

export interface RawRequest {
  method: string;
  /** Path plus query string, as bytes on the request line (a Buffer allows invalid UTF-8). */
  target: string | Buffer;
  /**
   * Header lines in order; a name may repeat. Content-Length is added from the body unless
   * present; "connection: close" unless a Connection header is given.
   */
  headers: [string, string | Buffer][];
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  complete: boolean;
  /** The timeout fired before the server finished (or closed). */
  timedOut: boolean;
  ms: number;
}

export class RawHttpError extends Error {}

export const encodeRequest = (r: RawRequest): Buffer => {
  const lines: Buffer[] = [Buffer.concat([Buffer.from(`${r.method} `), Buffer.isBuffer(r.target) ? r.target : Buffer.from(r.target, "latin1"), Buffer.from(" HTTP/1.1\r\n")])];
  let hasLength = false;
  let hasConnection = false;
  for (const [k, v] of r.headers) {
    if (k.toLowerCase() === "content-length" || k.toLowerCase() === "transfer-encoding") hasLength = true;
    if (k.toLowerCase() === "connection") hasConnection = true;
    lines.push(Buffer.concat([Buffer.from(`${k}: `), Buffer.isBuffer(v) ? v : Buffer.from(v, "latin1"), Buffer.from("\r\n")]));
  }
  if (!hasLength) lines.push(Buffer.from(`content-length: ${r.body.length}\r\n`));
  lines.push(Buffer.from(hasConnection ? "\r\n" : "connection: close\r\n\r\n"));
  return Buffer.concat([...lines, r.body]);
};

const decodeChunked = (buf: Buffer): { body: Buffer; complete: boolean } => {
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf("\r\n", i);
    if (eol < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(buf.subarray(i, eol).toString("latin1").split(";")[0]!, 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = eol + 2;
    if (start + size > buf.length) return { body: Buffer.concat(parts), complete: false };
    parts.push(buf.subarray(start, start + size));
    i = start + size + 2;
  }
};

export const parseResponse = (raw: Buffer, method: string): Omit<RawResponse, "ms" | "timedOut"> & { framed?: boolean } => {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) return { status: 0, headers: {}, body: Buffer.alloc(0), complete: false };
  const head = raw.subarray(0, headEnd).toString("latin1").split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? "");
  // Interim 1xx responses (100 Continue) come before the real one.
  if (m && m[1]!.startsWith("1") && m[1] !== "101") return parseResponse(raw.subarray(headEnd + 4), method);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const c = line.indexOf(":");
    if (c > 0) {
      const k = line.slice(0, c).trim().toLowerCase();
      const v = line.slice(c + 1).trim();
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
  }
  const status = m ? Number(m[1]) : 0;
  const rest = raw.subarray(headEnd + 4);
  if (method === "HEAD" || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), complete: !!m, framed: true };
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const { body, complete } = decodeChunked(rest);
    return { status, headers, body, complete: !!m && complete, framed: true };
  }
  if (headers["content-length"] !== undefined) {
    const n = Number(headers["content-length"]);
    return { status, headers, body: rest.subarray(0, n), complete: !!m && rest.length >= n, framed: true };
  }
  // No framing: the body runs to the end of the connection, which we read to the end.
  return { status, headers, body: rest, complete: !!m };
};

/** Sends one request on a fresh connection and reads the response until the server closes. */
export const sendRaw = (port: number, req: RawRequest, timeoutMs: number): Promise<RawResponse> =>
  new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let done = false;
    const socket = connect({ host: "127.0.0.1", port });
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const { framed: _framed, ...parsed } = parseResponse(Buffer.concat(chunks), req.method.toUpperCase());
      // Without framing, only the end of the connection marks the end of the body.
      const complete = parsed.complete && (!timedOut || !!_framed);
      resolve({ ...parsed, complete, timedOut, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on("data", (c) => {
      chunks.push(c);
      const p = parseResponse(Buffer.concat(chunks), req.method.toUpperCase());
      if (p.framed && p.complete) finish(false);
    });
    socket.on("end", () => finish(false));
    socket.on("close", () => finish(false));
    // The server may answer (413, 400) and close before it has read all we send: that is fine.
    socket.on("error", () => finish(false));
    socket.write(encodeRequest(req), () => undefined);
  });
