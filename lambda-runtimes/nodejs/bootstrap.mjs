// Cloudbox's Node.js runtime for Lambda functions (nodejs18.x, nodejs20.x, nodejs22.x).
//
// A runtime client of the Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
// it loads the handler named by _HANDLER from LAMBDA_TASK_ROOT, then loops on
// GET /2018-06-01/runtime/invocation/next and answers each event on /response or /error.
// It speaks HTTP/1.1 on one kept-alive socket itself (node:http's client costs more CPU than the
// echo function it serves) and pipelines the next GET /next behind each answer, so that one
// write carries both, as Lambda's own runtime clients keep their one connection busy.
// Handler loading follows Lambda's Node.js runtime: "dir/module.fn.nested"; a module is tried as
// an extensionless file, `.js` (CommonJS unless the nearest package.json says "type": "module"),
// `.mjs`, `.cjs`, then Node's resolution from the task root. Load failures are reported on
// /init/error as Runtime.ImportModuleError, Runtime.HandlerNotFound, Runtime.MalformedHandlerName
// or Runtime.UserCodeSyntaxError, with Lambda's messages (e.g. "index.handler is undefined or not exported").
// Handlers may be async (return a Promise) or take a callback (three parameters).
// console.* writes "<ISO time>\t<request id>\t<LEVEL>\t<message>" lines, as Lambda's runtime does.
//
// Layers: Cloudbox merges them into the directory CLOUDBOX_OPT_DIR (its /opt) and puts
// <opt>/nodejs/node<major>/node_modules and <opt>/nodejs/node_modules on NODE_PATH, as Lambda does
// with /opt. Two details make packages resolve in Lambda's order (the function's own node_modules,
// then the layers, then the runtime's AWS SDK): require() would meet the SDK link above the code
// cache before NODE_PATH, so the layer directories are put in front of it; and ES module imports,
// which ignore NODE_PATH (Lambda's Node.js 18+ runtimes resolve them from layers all the same),
// go through a resolve hook (layers-resolve.mjs), registered only for functions with layers.
//
// DEVIATION: context.callbackWaitsForEmptyEventLoop is accepted but a callback's result is sent at
// once; Lambda waits for the event loop to drain first.
// This file is plain JavaScript run by `node`, outside the TypeScript build.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { connect } from "node:net";
import Module, { createRequire, register } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const api = process.env.AWS_LAMBDA_RUNTIME_API ?? "127.0.0.1:9001";
const [apiHost, apiPort] = api.split(":");
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const fullHandler = process.env._HANDLER ?? "index.handler";
const require = createRequire(import.meta.url);

// Layers ---------------------------------------------------------------------------------------
const optDir = process.env.CLOUDBOX_OPT_DIR;
if (optDir) {
  const real = (p) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const root = real(taskRoot);
  const layerDirs = (process.env.NODE_PATH ?? "").split(":").filter((d) => d.startsWith(optDir + "/"));
  const nodeModulePaths = Module._nodeModulePaths;
  Module._nodeModulePaths = function (from) {
    const paths = nodeModulePaths.call(this, from);
    if (!from.startsWith(root)) return paths;
    const i = paths.findIndex((d) => !d.startsWith(root + "/"));
    return i < 0 ? paths : [...paths.slice(0, i), ...layerDirs, ...paths.slice(i)];
  };
  register("./layers-resolve.mjs", import.meta.url, { data: { dirs: layerDirs.map(real), inside: [root, real(optDir)] } });
}

let currentRequestId;

// Logging ------------------------------------------------------------------------------------
const write = (level, args) => {
  const msg = format(...args).replace(/\n/g, "\r");
  process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${msg}\n`);
};
console.log = (...a) => write("INFO", a);
console.info = (...a) => write("INFO", a);
console.warn = (...a) => write("WARN", a);
console.error = (...a) => write("ERROR", a);
console.debug = (...a) => write("DEBUG", a);
console.trace = (...a) => write("TRACE", a);

// Runtime API --------------------------------------------------------------------------------
// A minimal HTTP/1.1 client for the Runtime API: requests go out in order on one socket (several
// may be in flight: pipelining) and responses come back in the same order. Bodies are read by
// Content-Length or chunked transfer coding.
let socket;
const waiting = [];
let buffered = Buffer.alloc(0);

const fail = (err) => {
  socket = undefined;
  buffered = Buffer.alloc(0);
  for (const w of waiting.splice(0)) w.reject(err);
};

const parseResponses = () => {
  for (;;) {
    const end = buffered.indexOf("\r\n\r\n");
    if (end < 0 || waiting.length === 0) return;
    const lines = buffered.subarray(0, end).toString("utf8").split("\r\n");
    const status = Number(lines[0].split(" ")[1]);
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(":");
      if (c > 0) headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
    }
    let body;
    let rest;
    if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
      const chunks = [];
      let p = end + 4;
      for (;;) {
        const eol = buffered.indexOf("\r\n", p);
        if (eol < 0) return;
        const size = parseInt(buffered.subarray(p, eol).toString("latin1"), 16);
        if (size === 0) {
          const trailerEnd = buffered.indexOf("\r\n", eol + 2);
          if (trailerEnd < 0) return;
          rest = trailerEnd + 2;
          break;
        }
        if (buffered.length < eol + 2 + size + 2) return;
        chunks.push(buffered.subarray(eol + 2, eol + 2 + size));
        p = eol + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else {
      const length = Number(headers["content-length"] ?? 0);
      if (buffered.length < end + 4 + length) return;
      body = Buffer.from(buffered.subarray(end + 4, end + 4 + length));
      rest = end + 4 + length;
    }
    buffered = buffered.subarray(rest);
    waiting.shift().resolve({ status, headers, body });
  }
};

const open = () => {
  socket = connect({ host: apiHost, port: Number(apiPort), noDelay: true });
  socket.on("data", (d) => {
    buffered = buffered.length ? Buffer.concat([buffered, d]) : d;
    parseResponses();
  });
  socket.on("error", fail);
  socket.on("close", () => fail(new Error("Runtime API connection closed")));
};

// Header values must not break the request (an errorType is the function's to choose).
const headerValue = (v) => String(v).replace(/[^\x20-\x7e]/g, " ");

const call = (method, path, body, headers = {}) =>
  new Promise((resolveCall, reject) => {
    if (!socket) open();
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${api}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${headerValue(v)}\r\n`;
    if (payload) head += `Content-Length: ${payload.length}\r\n`;
    head += "\r\n";
    waiting.push({ resolve: resolveCall, reject });
    socket.write(payload ? Buffer.concat([Buffer.from(head, "latin1"), payload]) : head);
  });

const errorBody = (err) => {
  try {
    if (err instanceof Error || (err && typeof err.name === "string" && typeof err.message === "string" && typeof err.stack === "string")) {
      return { errorType: err.name, errorMessage: err.message, trace: String(err.stack).split("\n") };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch {
    return { errorType: "handled", errorMessage: "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack" };
  }
};

const postError = (path, err) => {
  const body = errorBody(err);
  // Lambda's runtime also logs the error it reports.
  write("ERROR", [`Invoke Error \t${JSON.stringify(body)}`]);
  return call("POST", path, JSON.stringify(body), { "content-type": "application/json", "lambda-runtime-function-error-type": body.errorType });
};

const named = (name, message) => {
  const e = new Error(message);
  e.name = name;
  return e;
};

// Handler loading ----------------------------------------------------------------------------
const typeModule = (dir) => {
  for (let d = dir; ; d = dirname(d)) {
    if (d.endsWith("/node_modules")) return false;
    const pj = join(d, "package.json");
    if (existsSync(pj)) {
      try {
        return JSON.parse(readFileSync(pj, "utf8")).type === "module";
      } catch {
        return false;
      }
    }
    if (dirname(d) === d) return false;
  }
};

const loadModule = async (moduleRoot, mod) => {
  const base = resolve(taskRoot, moduleRoot, mod);
  if (existsSync(base) && !existsSync(base + "/")) return require(base);
  const esm = existsSync(base + ".js") && typeModule(dirname(base + ".js"));
  if (!esm && existsSync(base + ".js")) return require(base + ".js");
  if (esm) return import(pathToFileURL(base + ".js").href);
  if (existsSync(base + ".mjs")) return import(pathToFileURL(base + ".mjs").href);
  if (existsSync(base + ".cjs")) return require(base + ".cjs");
  return require(require.resolve(mod, { paths: [taskRoot, resolve(taskRoot, moduleRoot)] }));
};

const loadHandler = async () => {
  if (fullHandler.includes("..")) {
    throw named("Runtime.MalformedHandlerName", `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerString = basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const m = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!m) throw named("Runtime.MalformedHandlerName", "Bad handler");
  const [, mod, path] = m;
  let userModule;
  try {
    userModule = await loadModule(moduleRoot, mod);
  } catch (e) {
    if (e instanceof SyntaxError) throw named("Runtime.UserCodeSyntaxError", String(e));
    if (e && (e.code === "MODULE_NOT_FOUND" || e.code === "ERR_MODULE_NOT_FOUND")) throw named("Runtime.ImportModuleError", String(e));
    throw e;
  }
  const fn = path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), userModule);
  if (!fn) throw named("Runtime.HandlerNotFound", `${fullHandler} is undefined or not exported`);
  if (typeof fn !== "function") throw named("Runtime.HandlerNotFound", `${fullHandler} is not a function`);
  return fn;
};

// Errors outside the handler's promise ---------------------------------------------------------
let initDone = false;
const fatal = async (err) => {
  try {
    if (!initDone) await postError("/2018-06-01/runtime/init/error", err);
    else if (currentRequestId) await postError(`/2018-06-01/runtime/invocation/${currentRequestId}/error`, err);
  } finally {
    process.exit(129);
  }
};
process.on("uncaughtException", (e) => void fatal(e));
process.on("unhandledRejection", (reason) => {
  const msg = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  const e = named("Runtime.UnhandledPromiseRejection", msg);
  void fatal(e);
});

// Main loop ----------------------------------------------------------------------------------
let handler;
try {
  handler = await loadHandler();
  initDone = true;
} catch (e) {
  await postError("/2018-06-01/runtime/init/error", e).catch(() => undefined);
  process.exit(1);
}

const env = process.env;
const runOne = (event, context) =>
  new Promise((resolveRun, rejectRun) => {
    let settled = false;
    const done = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) rejectRun(err);
      else resolveRun(result);
    };
    context.done = done;
    context.succeed = (r) => done(null, r);
    context.fail = (e) => done(e ?? "handled");
    try {
      const out = handler(event, context, done);
      if (out && typeof out.then === "function") out.then((r) => done(null, r), (e) => done(e ?? new Error("Promise rejected")));
      else if (handler.length < 3) done(null, out);
    } catch (e) {
      done(e);
    }
  });

const NEXT = "/2018-06-01/runtime/invocation/next";
// The first GET /next; each later one goes out right behind the previous answer (pipelined).
let pendingNext = call("GET", NEXT);
for (;;) {
  let next;
  try {
    next = await pendingNext;
  } catch {
    process.exit(1); // Cloudbox went away
  }
  const h = next.headers;
  const id = h["lambda-runtime-aws-request-id"];
  currentRequestId = id;
  const deadline = Number(h["lambda-runtime-deadline-ms"]);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: h["lambda-runtime-invoked-function-arn"],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  if (h["lambda-runtime-client-context"]) context.clientContext = JSON.parse(h["lambda-runtime-client-context"]);
  if (h["lambda-runtime-cognito-identity"]) context.identity = JSON.parse(h["lambda-runtime-cognito-identity"]);
  if (h["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = h["lambda-runtime-trace-id"];
  let result;
  let failed = false;
  try {
    const text = next.body.toString("utf8");
    const event = text.length ? JSON.parse(text) : {};
    const value = await runOne(event, context);
    result = JSON.stringify(value === undefined ? null : value);
  } catch (e) {
    failed = true;
    result = e;
  }
  // The answer and the next GET /next leave in one write.
  socket?.cork();
  const answered = failed
    ? postError(`/2018-06-01/runtime/invocation/${id}/error`, result)
    : call("POST", `/2018-06-01/runtime/invocation/${id}/response`, result, { "content-type": "application/json" });
  pendingNext = call("GET", NEXT);
  socket?.uncork();
  await answered.catch(() => process.exit(1));
}
