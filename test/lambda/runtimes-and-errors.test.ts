/**
 * Python and custom (provided.al2023) runtimes, and bad input, each with Lambda's error while
 * Cloudbox keeps serving: a zip that is not a zip, an unknown runtime, a handler that does not
 * exist, a module that does not exist, an init crash, a payload over 6 MB.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateFunctionCommand, InvokeCommand, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ACCOUNT, ROLE, createNode, createPython, decode, hasCommand, lambdaSuite, unique } from "./helpers.js";
import { makeZip } from "./zip.js";

const suite = lambdaSuite();

const hasPython = hasCommand("python3");

const rejects = async (p: Promise<unknown>, name: string, status: number, message?: RegExp | string) => {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, name, err.message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (message instanceof RegExp) assert.match(err.message, message);
    else if (message !== undefined) assert.equal(err.message, message);
    return;
  }
  assert.fail(`expected ${name}`);
};

describe("Python", { skip: !hasPython && "python3 is not installed" }, () => {
  test("a Python handler gets the event and the context", async () => {
    const name = unique("py");
    await createPython(
      suite.lambda,
      name,
      {
        "app.py": [
          "import os",
          "calls = 0",
          "def handler(event, context):",
          "    global calls",
          "    calls += 1",
          "    print('python says', event.get('x'))",
          "    return {'x': event.get('x'), 'calls': calls, 'greeting': os.environ['GREETING'],",
          "            'fn': context.function_name, 'mem': context.memory_limit_in_mb,",
          "            'remaining': context.get_remaining_time_in_millis(), 'id': context.aws_request_id,",
          "            'region': os.environ['AWS_REGION'], 'tz': os.environ['TZ']}",
        ].join("\n"),
      },
      { Environment: { Variables: { GREETING: "hi" } } },
    );
    const a = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"x": 41}'), LogType: "Tail" }));
    assert.equal(a.FunctionError, undefined, Buffer.from(a.Payload ?? []).toString());
    const out = decode(a.Payload);
    assert.equal(out.x, 41);
    assert.equal(out.greeting, "hi");
    assert.equal(out.fn, name);
    assert.equal(out.mem, "128");
    assert.equal(out.region, "us-east-1");
    assert.equal(out.tz, ":UTC");
    assert.equal(out.id, a.$metadata.requestId);
    assert.ok(out.remaining > 0);
    assert.match(Buffer.from(a.LogResult!, "base64").toString(), /python says 41/);
    const b = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"x": 1}') }));
    assert.equal(decode(b.Payload).calls, 2);
  });

  test("boto3 inside a Python function reaches Cloudbox (when the machine has boto3)", async (t) => {
    if (!hasCommand("python3", ["-c", "import boto3"])) {
      t.skip("boto3 is not installed");
      return;
    }
    const name = unique("py-boto3");
    await suite.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name, Runtime: "python3.11", Handler: "app.handler", Role: ROLE, Timeout: 30,
        Code: { ZipFile: makeZip({ "app.py": "import boto3\ndef handler(event, context):\n    return boto3.client('sts').get_caller_identity()['Account']\n" }) },
      }),
    );
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(r.FunctionError, undefined, Buffer.from(r.Payload ?? []).toString());
    assert.equal(decode(r.Payload), ACCOUNT);
  });

  test("a Python exception answers Unhandled with errorType and errorMessage", async () => {
    const name = unique("py-err");
    await suite.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name, Runtime: "python3.11", Handler: "app.handler", Role: ROLE,
        Code: { ZipFile: makeZip({ "app.py": "def handler(event, context):\n    raise ValueError('nope')\n" }) },
      }),
    );
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(r.FunctionError, "Unhandled");
    const err = decode(r.Payload);
    assert.equal(err.errorType, "ValueError");
    assert.equal(err.errorMessage, "nope");
    assert.ok(Array.isArray(err.stackTrace));
  });

  test("a Python handler that does not exist: Runtime.HandlerNotFound", async () => {
    const name = unique("py-nohandler");
    await suite.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name, Runtime: "python3.13", Handler: "app.missing", Role: ROLE,
        Code: { ZipFile: makeZip({ "app.py": "x = 1\n" }) },
      }),
    );
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(r.FunctionError, "Unhandled");
    assert.deepEqual(
      { ...decode(r.Payload), stackTrace: undefined, requestId: undefined },
      { errorType: "Runtime.HandlerNotFound", errorMessage: "Handler 'missing' missing on module 'app'", stackTrace: undefined, requestId: undefined },
    );
  });
});

describe("custom runtime", () => {
  test("provided.al2023 runs the zip's own bootstrap against the Runtime API", async () => {
    const name = unique("custom");
    // A shell bootstrap talking to the Runtime API with node as an HTTP client (no curl needed).
    const bootstrap = `#!/bin/sh
exec "${process.execPath}" -e '
const http = require("http");
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const call = (method, path, body) => new Promise((res) => { const r = http.request({ host, port, method, path }, (m) => { let d = ""; m.on("data", (c) => d += c); m.on("end", () => res({ h: m.headers, d })); }); r.end(body); });
(async () => { for (;;) { const n = await call("GET", "/2018-06-01/runtime/invocation/next"); const id = n.h["lambda-runtime-aws-request-id"];
  await call("POST", "/2018-06-01/runtime/invocation/" + id + "/response", JSON.stringify({ custom: JSON.parse(n.d), handler: process.env._HANDLER, arn: n.h["lambda-runtime-invoked-function-arn"] })); } })();
'
`;
    await suite.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name, Runtime: "provided.al2023", Handler: "my.handler", Role: ROLE,
        Code: { ZipFile: makeZip({ bootstrap: { data: bootstrap, mode: 0o755 } }) },
      }),
    );
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"a":1}') }));
    assert.equal(r.FunctionError, undefined, Buffer.from(r.Payload ?? []).toString());
    assert.deepEqual(decode(r.Payload), { custom: { a: 1 }, handler: "my.handler", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}` });
  });

  test("a custom runtime whose bootstrap exits during init: Runtime.ExitError", async () => {
    const name = unique("custom-exit");
    await suite.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name, Runtime: "provided.al2", Handler: "x", Role: ROLE,
        Code: { ZipFile: makeZip({ bootstrap: { data: "#!/bin/sh\necho starting\nexit 3\n", mode: 0o755 } }) },
      }),
    );
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name, LogType: "Tail" }));
    assert.equal(r.FunctionError, "Unhandled");
    const err = decode(r.Payload);
    assert.equal(err.errorType, "Runtime.ExitError");
    assert.match(err.errorMessage, /^RequestId: \S+ Error: Runtime exited with error: exit status 3$/);
    assert.match(Buffer.from(r.LogResult!, "base64").toString(), /starting/);
  });
});

describe("bad input", () => {
  test("a zip that is not a zip: InvalidParameterValueException", async () => {
    await rejects(
      suite.lambda.send(new CreateFunctionCommand({ FunctionName: unique("notzip"), Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE, Code: { ZipFile: Buffer.from("this is not a zip") } })),
      "InvalidParameterValueException",
      400,
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
  });

  test("an unknown runtime: InvalidParameterValueException; a deprecated one too", async () => {
    await rejects(
      suite.lambda.send(new CreateFunctionCommand({ FunctionName: unique("rt"), Runtime: "cobol85" as never, Handler: "index.handler", Role: ROLE, Code: { ZipFile: makeZip({ "index.js": "" }) } })),
      "InvalidParameterValueException",
      400,
      /^Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[nodejs18\.x, .*\] or be a valid ARN$/,
    );
    await rejects(
      suite.lambda.send(new CreateFunctionCommand({ FunctionName: unique("rt"), Runtime: "nodejs12.x", Handler: "index.handler", Role: ROLE, Code: { ZipFile: makeZip({ "index.js": "" }) } })),
      "InvalidParameterValueException",
      400,
      /^The runtime parameter of nodejs12\.x is no longer supported/,
    );
  });

  test("a role that is not a role ARN, a timeout out of range: ValidationException", async () => {
    await rejects(
      suite.lambda.send(new CreateFunctionCommand({ FunctionName: unique("role"), Runtime: "nodejs20.x", Handler: "index.handler", Role: "my-role", Code: { ZipFile: makeZip({ "index.js": "" }) } })),
      "ValidationException",
      400,
      /Value 'my-role' at 'role' failed to satisfy constraint/,
    );
    await rejects(
      suite.lambda.send(new CreateFunctionCommand({ FunctionName: unique("to"), Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE, Timeout: 901, Code: { ZipFile: makeZip({ "index.js": "" }) } })),
      "ValidationException",
      400,
      /Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900/,
    );
  });

  test("a handler that does not exist: Runtime.HandlerNotFound on invoke", async () => {
    const name = unique("nohandler");
    await createNode(suite.lambda, name, { "index.js": "exports.other = async () => 1;" });
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(r.FunctionError, "Unhandled");
    const err = decode(r.Payload);
    assert.equal(err.errorType, "Runtime.HandlerNotFound");
    assert.equal(err.errorMessage, "index.handler is undefined or not exported");
  });

  test("a module that does not exist: Runtime.ImportModuleError", async () => {
    const name = unique("nomodule");
    await createNode(suite.lambda, name, { "other.js": "exports.handler = async () => 1;" });
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    const err = decode(r.Payload);
    assert.equal(err.errorType, "Runtime.ImportModuleError");
    assert.match(err.errorMessage, /^Error: Cannot find module 'index'/);
  });

  test("an environment that crashes during init: Unhandled with the error, Runtime.ExitError for a plain exit", async () => {
    const throwing = unique("initcrash");
    await createNode(suite.lambda, throwing, { "index.js": "throw new Error('boom at init');" });
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: throwing }));
    assert.equal(r.FunctionError, "Unhandled");
    const err = decode(r.Payload);
    assert.equal(err.errorType, "Error");
    assert.equal(err.errorMessage, "boom at init");
    const exiting = unique("initexit");
    await createNode(suite.lambda, exiting, { "index.js": "process.exit(2);" });
    const r2 = await suite.lambda.send(new InvokeCommand({ FunctionName: exiting }));
    assert.equal(r2.FunctionError, "Unhandled");
    assert.equal(decode(r2.Payload).errorType, "Runtime.ExitError");
    assert.match(decode(r2.Payload).errorMessage, /Runtime exited with error: exit status 2$/);
  });

  test("a payload over 6 MB: RequestEntityTooLargeException (413)", async () => {
    const name = unique("big");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async (e) => e.length;" });
    const payload = Buffer.from(JSON.stringify("x".repeat(6 * 1024 * 1024)));
    await rejects(
      suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload })),
      "RequestEntityTooLargeException",
      413,
      "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    );
  });

  test("a payload that is not JSON: InvalidRequestContentException; a missing function: 404", async () => {
    const name = unique("json");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async (e) => e;" });
    await rejects(suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from("{not json") })), "InvalidRequestContentException", 400, /^Could not parse request body into json/);
    await rejects(
      suite.lambda.send(new InvokeCommand({ FunctionName: unique("missing") })),
      "ResourceNotFoundException",
      404,
      /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing-/,
    );
  });

  test("Cloudbox keeps serving after all that", async () => {
    const list = await suite.lambda.send(new ListFunctionsCommand({}));
    assert.ok((list.Functions ?? []).length > 0);
  });
});
