/**
 * The HTTP/1.1 server behind one execution environment's Runtime API (environments.ts handles the
 * routes). A small server of its own instead of node:http, for one reason: writes. On this kind of
 * machine a socket write that wakes another process is the most expensive thing an invocation
 * does, and node:http writes each response on its own. Here the responses of one connection leave
 * in order (HTTP pipelining), several in one write when they are ready together, and an answer
 * marked `lazy` waits for the next answer on its connection: the 202 that acknowledges a
 * function's result goes out with the next event when the runtime has already asked for it
 * (our Node.js bootstrap sends POST .../response and GET .../next in one write), so the runtime
 * wakes once per invocation and Cloudbox writes once. A runtime that waits for the 202 before
 * asking again (any other client) gets it at once.
 *
 * What it speaks: request line, headers (up to 64 KiB), bodies by Content-Length or chunked
 * transfer coding (trailers skipped), `Expect: 100-continue`, keep-alive (HTTP/1.1 by default,
 * HTTP/1.0 with `Connection: keep-alive`), `Connection: close`. Bodies over the handler's limit are
 * read and dropped, and the request is marked tooLarge. Malformed requests get 400 and the
 * connection closes. Responses always carry Content-Length.
 */
import { createServer, type Server, type Socket } from "node:net";

export interface ApiRequest {
  method: string;
  /** The request target, e.g. /2018-06-01/runtime/invocation/next. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body was over the limit: it was read and dropped. */
  tooLarge: boolean;
}

export interface ApiResponse {
  /** The connection is gone, or the answer was sent. */
  readonly done: boolean;
  /**
   * Answers. `lazy`: the answer may wait for the next one on this connection (see the module
   * comment); it is only taken as lazy when a later request is already waiting behind it.
   */
  send(status: number, headers: Record<string, string>, body: string | Buffer, lazy?: boolean): void;
  /** Whether the request right behind this one on its connection (pipelined) satisfies `test`. */
  followedBy(test: (r: ApiRequest) => boolean): boolean;
  /** Runs when the connection closes before an answer was sent. */
  onAbort(fn: () => void): void;
  /** Drops the connection. */
  destroy(): void;
}

export interface RuntimeApiServer {
  server: Server;
  /** Closes the listener and every connection. */
  close(): void;
}

const MAX_HEADER_BYTES = 64 * 1024;
const REASONS: Record<number, string> = { 100: "Continue", 200: "OK", 202: "Accepted", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large", 431: "Request Header Fields Too Large" };
const CRLFCRLF = Buffer.from("\r\n\r\n");

interface Slot {
  req: ApiRequest;
  out?: Buffer;
  lazy: boolean;
  close: boolean;
  aborts: Array<() => void>;
}

interface Pending {
  method: string;
  path: string;
  headers: Record<string, string>;
  keepAlive: boolean;
  chunked: boolean;
  /** Chunked mode: what comes next. */
  phase: "size" | "data" | "crlf" | "trailer";
  /** Bytes still to read: of the body (Content-Length), of the current chunk (chunked). */
  left: number;
  parts: Buffer[];
  size: number;
  tooLarge: boolean;
}

class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private cur?: Pending;
  private readonly queue: Slot[] = [];
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly limit: number,
    private readonly handler: (req: ApiRequest, res: ApiResponse) => void,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => this.onData(d));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.onClose());
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    try {
      while (!this.closed && this.step());
    } catch {
      this.fail(400);
    }
  }

  /** Parses what it can; true when it completed something and may go on. */
  private step(): boolean {
    if (!this.cur) {
      // Tolerate blank lines between requests (RFC 9112, 2.2).
      let start = 0;
      while (this.buf.length >= start + 2 && this.buf[start] === 13 && this.buf[start + 1] === 10) start += 2;
      if (start) this.buf = this.buf.subarray(start);
      const end = this.buf.indexOf(CRLFCRLF);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) this.fail(431);
        return false;
      }
      const lines = this.buf.subarray(0, end).toString("latin1").split("\r\n");
      this.buf = this.buf.subarray(end + 4);
      const [method, path, version] = lines[0].split(" ");
      if (!method || !path || !/^HTTP\/1\.[01]$/.test(version ?? "")) throw new Error("bad request line");
      const headers: Record<string, string> = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i].indexOf(":");
        if (c <= 0) throw new Error("bad header");
        const name = lines[i].slice(0, c).trim().toLowerCase();
        const value = lines[i].slice(c + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const connection = (headers["connection"] ?? "").toLowerCase();
      const keepAlive = version === "HTTP/1.1" ? !connection.includes("close") : connection.includes("keep-alive");
      const chunked = /chunked/i.test(headers["transfer-encoding"] ?? "");
      const length = chunked ? 0 : Number(headers["content-length"] ?? 0);
      if (!Number.isInteger(length) || length < 0) throw new Error("bad content-length");
      this.cur = { method, path, headers, keepAlive, chunked, phase: "size", left: length, parts: [], size: 0, tooLarge: false };
      if ((headers["expect"] ?? "").toLowerCase() === "100-continue") this.socket.write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    const p = this.cur;
    if (!p.chunked) {
      const n = Math.min(p.left, this.buf.length);
      if (n > 0) {
        this.take(p, this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        p.left -= n;
      }
      if (p.left > 0) return false;
      this.complete(p);
      return true;
    }
    for (;;) {
      if (p.phase === "size") {
        const eol = this.buf.indexOf("\r\n");
        if (eol < 0) {
          if (this.buf.length > 1024) throw new Error("bad chunk size");
          return false;
        }
        const size = parseInt(this.buf.subarray(0, eol).toString("latin1").split(";")[0], 16);
        if (!Number.isFinite(size) || size < 0) throw new Error("bad chunk size");
        this.buf = this.buf.subarray(eol + 2);
        p.left = size;
        p.phase = size === 0 ? "trailer" : "data";
      } else if (p.phase === "data") {
        const n = Math.min(p.left, this.buf.length);
        this.take(p, this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        p.left -= n;
        if (p.left > 0) return false;
        p.phase = "crlf";
      } else if (p.phase === "crlf") {
        if (this.buf.length < 2) return false;
        this.buf = this.buf.subarray(2);
        p.phase = "size";
      } else {
        // Trailer fields up to an empty line.
        const eol = this.buf.indexOf("\r\n");
        if (eol < 0) return false;
        this.buf = this.buf.subarray(eol + 2);
        if (eol === 0) {
          this.complete(p);
          return true;
        }
      }
    }
  }

  private take(p: Pending, data: Buffer): void {
    if (p.tooLarge) return;
    if (p.size + data.length > this.limit) {
      p.tooLarge = true;
      p.parts = [];
      return;
    }
    p.parts.push(Buffer.from(data));
    p.size += data.length;
  }

  private complete(p: Pending): void {
    this.cur = undefined;
    const req: ApiRequest = { method: p.method, path: p.path, headers: p.headers, body: p.parts.length === 1 ? p.parts[0] : Buffer.concat(p.parts), tooLarge: p.tooLarge };
    const slot: Slot = { req, lazy: false, close: !p.keepAlive, aborts: [] };
    this.queue.push(slot);
    this.handler(req, this.responseFor(slot));
  }

  private responseFor(slot: Slot): ApiResponse {
    const conn = this;
    return {
      get done() {
        return conn.closed || slot.out !== undefined;
      },
      send(status, headers, body, lazy = false) {
        if (conn.closed || slot.out !== undefined) return;
        const payload = typeof body === "string" ? Buffer.from(body) : body;
        let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "OK"}\r\n`;
        // Values may carry what a caller chose (a client context): no line breaks, UTF-8 bytes.
        for (const [k, v] of Object.entries(headers)) head += `${k}: ${v.replace(/[\r\n]/g, " ")}\r\n`;
        head += `Content-Length: ${payload.length}\r\n${slot.close ? "Connection: close\r\n" : ""}\r\n`;
        slot.out = Buffer.concat([Buffer.from(head, "utf8"), payload]);
        const i = conn.queue.indexOf(slot);
        slot.lazy = lazy && i >= 0 && i + 1 < conn.queue.length;
        conn.flush();
      },
      followedBy(test) {
        const i = conn.queue.indexOf(slot);
        const next = i >= 0 ? conn.queue[i + 1] : undefined;
        return !!next && test(next.req);
      },
      onAbort(fn) {
        slot.aborts.push(fn);
      },
      destroy() {
        conn.socket.destroy();
      },
    };
  }

  /** Writes the answers ready at the head of the queue, in one write, unless all of them may wait. */
  private flush(): void {
    let n = 0;
    let eager = false;
    while (n < this.queue.length && this.queue[n].out) {
      if (!this.queue[n].lazy) eager = true;
      n++;
    }
    if (n === 0 || !eager) return;
    const ready = this.queue.splice(0, n);
    this.socket.write(ready.length === 1 ? ready[0].out! : Buffer.concat(ready.map((s) => s.out!)));
    if (ready.some((s) => s.close)) {
      this.closed = true;
      this.socket.end();
    }
  }

  private fail(status: number): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  }

  private onClose(): void {
    this.closed = true;
    for (const s of this.queue.splice(0)) if (!s.out) for (const fn of s.aborts) fn();
  }
}

/** Starts a Runtime API server on 127.0.0.1 (a free port); bodies over `limit` bytes are dropped. */
export const startRuntimeApiServer = async (limit: number, handler: (req: ApiRequest, res: ApiResponse) => void): Promise<RuntimeApiServer & { port: number }> => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    new Connection(socket, limit, handler);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === "object" && address ? address.port : 0,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
};
