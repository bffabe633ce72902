/**
 * The Lambda control plane with the real SDK v3: list paging, updates, versions, aliases with
 * routing weights, the resource policy, function URL configs (and a request through the URL),
 * the code download behind Code.Location, deletes; and the AWS CLI v2 end to end.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { awsCli, findAwsCliV2 } from "../helpers/aws-cli.js";
import { ACCOUNT, ROLE, createNode, decode, lambdaClient, lambdaSuite, unique } from "./helpers.js";
import { makeZip } from "./zip.js";

const suite = lambdaSuite();

const versionCode = (v: string) => ({ "index.js": `exports.handler = async () => "${v}";` });

describe("control plane", () => {
  test("ListFunctions pages with Marker and MaxItems", async () => {
    const c = lambdaClient(suite.cb, { credentials: { accessKeyId: "210987654321", secretAccessKey: "x" } });
    const names = [unique("page-a"), unique("page-b"), unique("page-c")];
    for (const n of names) await createNode(c, n, versionCode(n));
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await c.send(new ListFunctionsCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      assert.ok((page.Functions ?? []).length <= 2);
      seen.push(...(page.Functions ?? []).map((f) => f.FunctionName!));
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(seen, [...names].sort());
    c.destroy();
  });

  test("UpdateFunctionCode and UpdateFunctionConfiguration take effect on the next invoke", async () => {
    const name = unique("upd");
    const created = await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => ({ v: 1, env: process.env.MODE ?? null });" });
    assert.deepEqual(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), { v: 1, env: null });
    const code = await suite.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: makeZip({ "index.js": "exports.handler = async () => ({ v: 2, env: process.env.MODE ?? null });" }) }));
    assert.notEqual(code.CodeSha256, created.CodeSha256);
    assert.equal(code.LastUpdateStatus, "InProgress");
    assert.deepEqual(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), { v: 2, env: null });
    const conf = await suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { MODE: "prod" } }, MemorySize: 256, Timeout: 10 }));
    assert.equal(conf.MemorySize, 256);
    const after = await suite.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(after.LastUpdateStatus, "Successful");
    assert.deepEqual(after.Environment?.Variables, { MODE: "prod" });
    assert.deepEqual(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), { v: 2, env: "prod" });
    await assert.rejects(
      suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { AWS_REGION: "x" } } })),
      /reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION/,
    );
  });

  test("versions and aliases with routing weights", async () => {
    const name = unique("ver");
    await createNode(suite.lambda, name, versionCode("one"));
    const v1 = await suite.lambda.send(new PublishVersionCommand({ FunctionName: name, Description: "first" }));
    assert.equal(v1.Version, "1");
    assert.equal(v1.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:1`);
    // Publishing unchanged code answers the same version.
    assert.equal((await suite.lambda.send(new PublishVersionCommand({ FunctionName: name }))).Version, "1");
    await suite.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: makeZip(versionCode("two")) }));
    const v2 = await suite.lambda.send(new PublishVersionCommand({ FunctionName: name }));
    assert.equal(v2.Version, "2");
    const versions = await suite.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    assert.deepEqual(versions.Versions?.map((v) => v.Version), ["$LATEST", "1", "2"]);
    const r1 = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "1" }));
    assert.equal(decode(r1.Payload), "one");
    assert.equal(r1.ExecutedVersion, "1");
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: `${name}:2` }))).Payload), "two");

    const alias = await suite.lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" }));
    assert.equal(alias.AliasArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:live`);
    await assert.rejects(suite.lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" })), (e: Error) => e instanceof ResourceConflictException);
    const viaAlias = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "live" }));
    assert.equal(viaAlias.ExecutedVersion, "1");
    await suite.lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: "live", RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } } }));
    const got = await suite.lambda.send(new GetAliasCommand({ FunctionName: name, Name: "live" }));
    assert.deepEqual(got.RoutingConfig?.AdditionalVersionWeights, { "2": 0.5 });
    const executed = new Set<string>();
    for (let i = 0; i < 30; i++) executed.add((await suite.lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "live" }))).ExecutedVersion!);
    assert.deepEqual([...executed].sort(), ["1", "2"]);
    assert.equal((await suite.lambda.send(new ListAliasesCommand({ FunctionName: name }))).Aliases?.length, 1);
    await assert.rejects(suite.lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: "1" })), (e: Error) => e instanceof ResourceConflictException);
    await suite.lambda.send(new DeleteAliasCommand({ FunctionName: name, Name: "live" }));
    await assert.rejects(suite.lambda.send(new GetAliasCommand({ FunctionName: name, Name: "live" })), (e: Error) => e instanceof ResourceNotFoundException);
    await suite.lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: "1" }));
    await assert.rejects(suite.lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "1" })), (e: Error) => e instanceof ResourceNotFoundException);
  });

  test("AddPermission, GetPolicy, RemovePermission", async () => {
    const name = unique("perm");
    await createNode(suite.lambda, name, versionCode("p"));
    await assert.rejects(suite.lambda.send(new GetPolicyCommand({ FunctionName: name })), (e: Error) => e instanceof ResourceNotFoundException);
    const added = await suite.lambda.send(
      new AddPermissionCommand({
        FunctionName: name, StatementId: "events", Action: "lambda:InvokeFunction", Principal: "events.amazonaws.com",
        SourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/r`,
      }),
    );
    const st = JSON.parse(added.Statement!);
    assert.deepEqual(st, {
      Sid: "events", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "lambda:InvokeFunction",
      Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
      Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT}:rule/r` } },
    });
    await assert.rejects(
      suite.lambda.send(new AddPermissionCommand({ FunctionName: name, StatementId: "events", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com" })),
      (e: Error) => e instanceof ResourceConflictException,
    );
    const policy = JSON.parse((await suite.lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy!);
    assert.equal(policy.Version, "2012-10-17");
    assert.equal(policy.Statement.length, 1);
    await suite.lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: "events" }));
    await assert.rejects(suite.lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: "events" })), (e: Error) => e instanceof ResourceNotFoundException);
  });

  test("function URL config, a request through the URL, and the Code.Location download", async () => {
    const name = unique("url");
    await createNode(suite.lambda, name, {
      "index.mjs": `export const handler = async (event) => ({ statusCode: 201, headers: { "x-fn": "yes" }, body: JSON.stringify({ path: event.rawPath, q: event.queryStringParameters, method: event.requestContext.http.method, body: event.body }) });`,
    });
    const url = await suite.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" }));
    assert.match(url.FunctionUrl!, /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/);
    assert.equal(url.AuthType, "NONE");
    await assert.rejects(suite.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" })), (e: Error) => e instanceof ResourceConflictException);
    const got = await suite.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    assert.equal(got.FunctionUrl, url.FunctionUrl);
    const id = /^http:\/\/([a-z0-9]{32})\./.exec(url.FunctionUrl!)![1];
    const res = await fetch(`${suite.cb.endpoint}/_cloudbox/lambda-url/${id}/hello/world?a=1&b=2`, { method: "POST", body: "ping" });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-fn"), "yes");
    assert.deepEqual(await res.json(), { path: "/hello/world", q: { a: "1", b: "2" }, method: "POST", body: "ping" });
    await suite.lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name }));
    await assert.rejects(suite.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name })), (e: Error) => e instanceof ResourceNotFoundException);

    const fn = await suite.lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const zip = Buffer.from(await (await fetch(fn.Code!.Location!)).arrayBuffer());
    assert.equal(zip.readUInt32LE(0), 0x04034b50);
    const { createHash } = await import("node:crypto");
    assert.equal(createHash("sha256").update(zip).digest("base64"), fn.Configuration?.CodeSha256);
  });

  test("DeleteFunction, then 404 on reads", async () => {
    const name = unique("del");
    await createNode(suite.lambda, name, versionCode("d"));
    await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    await suite.lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    await assert.rejects(suite.lambda.send(new GetFunctionCommand({ FunctionName: name })), (e: Error) => {
      assert.ok(e instanceof ResourceNotFoundException);
      assert.equal(e.message, `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`);
      return true;
    });
  });
});

describe("AWS CLI v2", { skip: !findAwsCliV2() && "AWS CLI v2 not installed" }, () => {
  test("create-function, invoke, get-function, delete-function", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cloudbox-cli-"));
    const zipPath = join(dir, "fn.zip");
    writeFileSync(zipPath, makeZip({ "index.mjs": "export const handler = async (e) => ({ hello: e.name });" }));
    const name = unique("cli");
    const env = { AWS_ACCESS_KEY_ID: ACCOUNT };
    const created = await awsCli(suite.cb.endpoint, ["lambda", "create-function", "--function-name", name, "--runtime", "nodejs22.x", "--handler", "index.handler", "--role", ROLE, "--zip-file", `fileb://${zipPath}`], env);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.FunctionName, name);
    const out = join(dir, "out.json");
    const inv = await awsCli(suite.cb.endpoint, ["lambda", "invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", '{"name":"cli"}', "--log-type", "Tail", out], env);
    assert.equal(inv.code, 0, inv.stderr);
    assert.equal(inv.json.StatusCode, 200);
    assert.equal(inv.json.ExecutedVersion, "$LATEST");
    assert.match(Buffer.from(inv.json.LogResult, "base64").toString(), /REPORT RequestId/);
    const { readFileSync } = await import("node:fs");
    assert.deepEqual(JSON.parse(readFileSync(out, "utf8")), { hello: "cli" });
    const notZip = join(dir, "bad.zip");
    // The CLI refuses files that do not look like zips itself; a zip with a corrupt entry gets past
    // it, and the server must refuse it.
    const corrupt = makeZip({ "index.js": { data: "exports.handler = async () => 1;", store: true } });
    corrupt[40] ^= 0xff;
    writeFileSync(notZip, corrupt);
    const bad = await awsCli(suite.cb.endpoint, ["lambda", "create-function", "--function-name", unique("cli-bad"), "--runtime", "nodejs22.x", "--handler", "index.handler", "--role", ROLE, "--zip-file", `fileb://${notZip}`], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameterValueException.*Could not unzip uploaded file/);
    const del = await awsCli(suite.cb.endpoint, ["lambda", "delete-function", "--function-name", name], env);
    assert.equal(del.code, 0, del.stderr);
    const gone = await awsCli(suite.cb.endpoint, ["lambda", "get-function", "--function-name", name], env);
    assert.match(gone.stderr, /ResourceNotFoundException/);
  });
});
