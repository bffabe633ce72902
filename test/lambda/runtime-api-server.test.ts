/**
 * The Runtime API's own HTTP/1.1 server (src/services/lambda/runtime-api-server.ts) against
 * clients other than Cloudbox's bootstraps: curl (Expect: 100-continue on large bodies, chunked
 * uploads), node:http (keep-alive), and raw sockets for pipelining, lazy answers, malformed
 * requests and bodies over the limit.
 */
import "../helpers/env.js";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { connect } from "node:net";
import { request } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRuntimeApiServer, type ApiRequest, type ApiResponse } from "../../src/services/lambda/runtime-api-server.js";
import { hasCommand } from "./helpers.js";

const hasCurl = hasCommand("curl");

let server: Awaited<ReturnType<typeof startRuntimeApiServer>>;
const seen: ApiRequest[] = [];
/** Answers that the test releases itself (a long poll), by path. */
const held = new Map<string, ApiResponse>();

before(async () => {
  server = await startRuntimeApiServer(1024 * 1024, (req, res) => {
    seen.push(req);
    if (req.path === "/hold") return void held.set(req.path, res);
    if (req.path === "/lazy") return res.send(202, { "content-type": "text/plain" }, "lazy", res.followedBy((r) => r.path === "/hold"));
    res.send(200, { "content-type": "application/json", "x-path": req.path }, JSON.stringify({ method: req.method, size: req.body.length, tooLarge: req.tooLarge, te: req.headers["transfer-encoding"] ?? null }));
  });
});
after(() => server.close());

/** Sends raw bytes on one connection; resolves with everything received until `done(text)` holds. */
const raw = (bytes: string, done: (text: string) => boolean, timeoutMs = 2000): Promise<string> =>
  new Promise((resolve) => {
    const s = connect(server.port, "127.0.0.1");
    let text = "";
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(text);
    };
    const timer = setTimeout(finish, timeoutMs);
    s.on("data", (d) => {
      text += d.toString("latin1");
      if (done(text)) finish();
    });
    s.on("close", finish);
    s.write(bytes);
  });

const count = (text: string, what: string) => text.split(what).length - 1;

describe("Runtime API HTTP server", () => {
  test("pipelined requests are answered in order; a lazy answer leaves with the next one", async () => {
    const text = await raw("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\nHost: x\r\n\r\n", (t) => count(t, "HTTP/1.1 200") === 3);
    const paths = [...text.matchAll(/x-path: (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(paths, ["/a", "/b", "/c"]);
    assert.match(text, /\{"method":"POST","size":3/);

    // /lazy is followed by /hold on the same connection: its answer waits for /hold's.
    const got = raw("POST /lazy HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET /hold HTTP/1.1\r\nHost: x\r\n\r\n", (t) => t.includes("released"));
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(held.has("/hold"));
    held.get("/hold")!.send(200, {}, "released");
    const both = await got;
    assert.ok(both.indexOf("lazy") < both.indexOf("released"), both);
    // Alone on its connection, a lazy answer goes at once.
    assert.match(await raw("POST /lazy HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", (t) => t.includes("lazy")), /HTTP\/1\.1 202 Accepted/);
  });

  test("chunked bodies, Connection: close, HTTP/1.0, malformed requests, bodies over the limit", async () => {
    const chunked = await raw("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nX-Trailer: y\r\n\r\n", (t) => t.includes("}"));
    assert.match(chunked, /"size":7/);
    const closing = await raw("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", () => false);
    assert.match(closing, /Connection: close/);
    const old = await raw("GET /x HTTP/1.0\r\n\r\n", () => false);
    assert.match(old, /HTTP\/1\.1 200 OK/);
    assert.match(await raw("NONSENSE\r\n\r\n", () => false), /^HTTP\/1\.1 400 Bad Request/);
    assert.match(await raw("POST /x HTTP/1.1\r\nContent-Length: -4\r\n\r\n", () => false), /^HTTP\/1\.1 400 Bad Request/);
    const big = "x".repeat(1024 * 1024 + 1);
    const tooLarge = await raw(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: ${big.length}\r\n\r\n${big}`, (t) => t.includes("}"), 5000);
    assert.match(tooLarge, /"size":0,"tooLarge":true/);
  });

  test("node:http with keep-alive", async () => {
    const get = () =>
      new Promise<string>((resolve, reject) => {
        const r = request({ host: "127.0.0.1", port: server.port, path: "/k", method: "POST", headers: { "content-type": "application/json" } }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve(body));
        });
        r.on("error", reject);
        r.end('{"a":1}');
      });
    assert.deepEqual(JSON.parse(await get()), { method: "POST", size: 7, tooLarge: false, te: null });
    assert.deepEqual(JSON.parse(await get()), { method: "POST", size: 7, tooLarge: false, te: null });
  });

  test("curl: Expect: 100-continue on a large body, and a chunked upload", { skip: !hasCurl && "curl not installed" }, async () => {
    const curl = (args: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile("curl", ["-sS", "--max-time", "5", ...args], { maxBuffer: 4 * 1024 * 1024 }, (err, out) => (err ? reject(err) : resolve(out))),
      );
    const dir = mkdtempSync(join(tmpdir(), "cloudbox-rapi-"));
    const file = join(dir, "body");
    writeFileSync(file, "y".repeat(200_000));
    const started = Date.now();
    const out = JSON.parse(await curl(["-X", "POST", "-H", "Expect: 100-continue", "--data-binary", `@${file}`, `http://127.0.0.1:${server.port}/expect`]));
    assert.equal(out.size, 200_000);
    // Without the 100 Continue, curl waits a second before sending the body.
    assert.ok(Date.now() - started < 900, `took ${Date.now() - started} ms`);
    const chunked = JSON.parse(await curl(["-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary", "hello", `http://127.0.0.1:${server.port}/chunked`]));
    assert.deepEqual(chunked, { method: "POST", size: 5, tooLarge: false, te: "chunked" });
  });
});
