/**
 * Lambda end to end with the real SDK v3: create a Node.js function and invoke it, ESM and
 * CommonJS handlers, the SDK v3 from inside the function (STS GetCallerIdentity reaches Cloudbox
 * and answers the function's account), warm reuse, logs, errors, timeouts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
} from "@aws-sdk/client-lambda";
import { ACCOUNT, createNode, decode, lambdaSuite, unique } from "./helpers.js";

const suite = lambdaSuite();

describe("Node.js functions", () => {
  test("create, then invoke an ESM handler that calls STS through the SDK v3", async () => {
    const name = unique("sts-node");
    const created = await createNode(suite.lambda, name, {
      "index.mjs": `
        import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
        const sts = new STSClient({});
        export const handler = async (event, context) => {
          const id = await sts.send(new GetCallerIdentityCommand({}));
          return { account: id.Account, echo: event, fn: context.functionName, remaining: context.getRemainingTimeInMillis() };
        };`,
    });
    assert.equal(created.State, "Pending");
    assert.equal(created.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`);
    assert.equal(created.Version, "$LATEST");
    assert.equal(created.Timeout, 3);
    assert.equal(created.MemorySize, 128);
    assert.ok(created.CodeSha256 && created.CodeSize && created.RevisionId);
    const cfg = await suite.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(cfg.State, "Active");
    const res = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ hello: "world" })) }));
    assert.equal(res.StatusCode, 200);
    assert.equal(res.FunctionError, undefined, Buffer.from(res.Payload ?? []).toString());
    assert.equal(res.ExecutedVersion, "$LATEST");
    const out = decode(res.Payload);
    assert.equal(out.account, ACCOUNT);
    assert.deepEqual(out.echo, { hello: "world" });
    assert.equal(out.fn, name);
    assert.ok(out.remaining > 0 && out.remaining <= 3000);
  });

  test("a CommonJS callback handler, and module state survives a warm invoke", async () => {
    const name = unique("cjs");
    await createNode(suite.lambda, name, {
      "app.js": `
        let count = 0;
        exports.run = function (event, context, callback) {
          count++;
          console.log("count is", count);
          setTimeout(() => callback(null, { count, version: context.functionVersion, id: context.awsRequestId }), 5);
        };`,
    }, { Handler: "app.run" });
    const first = await suite.lambda.send(new InvokeCommand({ FunctionName: name, LogType: "Tail" }));
    const second = await suite.lambda.send(new InvokeCommand({ FunctionName: name, LogType: "Tail" }));
    assert.equal(decode(first.Payload).count, 1);
    assert.equal(decode(second.Payload).count, 2);
    assert.equal(decode(second.Payload).version, "$LATEST");
    const log = Buffer.from(second.LogResult ?? "", "base64").toString("utf8");
    assert.match(log, /START RequestId: [0-9a-f-]+ Version: \$LATEST/);
    assert.match(log, /\tINFO\tcount is 2/);
    assert.match(log, /END RequestId: /);
    assert.match(log, /REPORT RequestId: [0-9a-f-]+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/);
    assert.equal(decode(second.Payload).id, second.$metadata.requestId);
  });

  test("a thrown error answers FunctionError Unhandled with errorType, errorMessage and trace", async () => {
    const name = unique("throws");
    await createNode(suite.lambda, name, {
      "index.js": `exports.handler = async () => { const e = new TypeError("bad input"); throw e; };`,
    });
    const res = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(res.StatusCode, 200);
    assert.equal(res.FunctionError, "Unhandled");
    const err = decode(res.Payload);
    assert.equal(err.errorType, "TypeError");
    assert.equal(err.errorMessage, "bad input");
    assert.ok(Array.isArray(err.trace) && err.trace[0].startsWith("TypeError: bad input"));
  });

  test("a function that sleeps past its timeout is killed: Task timed out after 1.00 seconds", async () => {
    const name = unique("sleepy");
    await createNode(suite.lambda, name, {
      "index.mjs": `let inits = 0; inits++; export const handler = async (e) => { if (e.sleep) await new Promise((r) => setTimeout(r, 5000)); return { inits }; };`,
    }, { Timeout: 1 });
    const started = Date.now();
    const res = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"sleep":true}') }));
    const took = Date.now() - started;
    assert.equal(res.FunctionError, "Unhandled");
    const err = decode(res.Payload);
    assert.equal(err.errorType, "Sandbox.Timedout");
    assert.match(err.errorMessage, /^RequestId: \S+ Error: Task timed out after 1\.\d\d seconds$/);
    assert.ok(took >= 1000 && took < 4000, `took ${took} ms`);
    // The environment was killed: the next invoke starts a fresh one and works.
    const again = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from("{}") }));
    assert.equal(again.FunctionError, undefined);
    assert.equal(decode(again.Payload).inits, 1);
  });

  test("GetFunction answers Configuration and Code.Location", async () => {
    const name = unique("get");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => 1;" });
    const got = await suite.lambda.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(got.Configuration?.FunctionName, name);
    assert.equal(got.Code?.RepositoryType, "S3");
    assert.match(got.Code?.Location ?? "", /^http:\/\/127\.0\.0\.1:\d+\/_cloudbox\/lambda\/code\//);
  });
});
