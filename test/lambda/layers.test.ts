/**
 * Lambda layers with the real SDK v3 and the AWS CLI v2: publishing (ZipFile and S3), reading,
 * listing with filters and pages, deleting (a deleted version keeps serving the functions that use
 * it), the layer version policy and another account's use of a layer; functions that use layers,
 * whose runtimes find the layers' content where Lambda's find it in /opt (Node.js require and ES
 * module imports from nodejs/node_modules and nodejs/node20/node_modules, ahead of the runtime's
 * own AWS SDK; Python's python/ and python/lib/python3.x/site-packages with .pth files; bin/ on
 * PATH; a custom runtime's bootstrap from a layer), later layers overwriting earlier files; and
 * each bad input with Lambda's error.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsCli, findAwsCliV2 } from "../helpers/aws-cli.js";
import { expectAwsError } from "../helpers/errors.js";
import { ACCOUNT, ROLE, createNode, createPython, decode, hasCommand, lambdaClient, lambdaSuite, unique } from "./helpers.js";
import { makeZip } from "./zip.js";

const suite = lambdaSuite();

const hasPython = hasCommand("python3");

const publish = (name: string, files: Parameters<typeof makeZip>[0], extra: Record<string, unknown> = {}, client = suite.lambda) =>
  client.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: makeZip(files) }, ...extra }));

describe("layer versions", () => {
  test("publish twice, read back by name and by ARN, download the content", async () => {
    const name = unique("lib");
    const zip = makeZip({ "nodejs/node_modules/x/index.js": "module.exports = 1;" });
    const v1 = await suite.lambda.send(
      new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: zip }, Description: "first", CompatibleRuntimes: ["nodejs20.x"], LicenseInfo: "MIT" }),
    );
    assert.equal(v1.Version, 1);
    assert.equal(v1.LayerArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${name}`);
    assert.equal(v1.LayerVersionArn, `${v1.LayerArn}:1`);
    assert.equal(v1.Description, "first");
    assert.deepEqual(v1.CompatibleRuntimes, ["nodejs20.x"]);
    assert.equal(v1.LicenseInfo, "MIT");
    assert.match(v1.CreatedDate ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.equal(v1.Content?.CodeSha256, createHash("sha256").update(zip).digest("base64"));
    assert.equal(v1.Content?.CodeSize, zip.length);
    const v2 = await publish(name, { "a.txt": "2" });
    assert.equal(v2.Version, 2);

    const byName = await suite.lambda.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    assert.equal(byName.LayerVersionArn, v1.LayerVersionArn);
    const byArnName = await suite.lambda.send(new GetLayerVersionCommand({ LayerName: v1.LayerArn, VersionNumber: 2 }));
    assert.equal(byArnName.Version, 2);
    const byArn = await suite.lambda.send(new GetLayerVersionByArnCommand({ Arn: v1.LayerVersionArn }));
    assert.equal(byArn.Description, "first");
    const download = await fetch(byArn.Content!.Location!);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip);
  });

  test("Content from an S3 object", async () => {
    const s3 = new S3Client({ ...suite.cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "x" }, forcePathStyle: true });
    const bucket = unique("layer-code").toLowerCase();
    const zip = makeZip({ "python/s3mod.py": "X = 1\n" });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "layers/l.zip", Body: zip }));
    const v = await suite.lambda.send(new PublishLayerVersionCommand({ LayerName: unique("s3lib"), Content: { S3Bucket: bucket, S3Key: "layers/l.zip" } }));
    assert.equal(v.Content?.CodeSize, zip.length);
    await expectAwsError(
      suite.lambda.send(new PublishLayerVersionCommand({ LayerName: unique("s3lib"), Content: { S3Bucket: bucket, S3Key: "missing.zip" } })),
      "InvalidParameterValueException",
      400,
      /^Error occurred while GetObject\. S3 Error Code: NoSuchKey\. S3 Error Message: The specified key does not exist\.$/,
    );
    s3.destroy();
  });

  test("ListLayers and ListLayerVersions: newest first, filters, pages", async () => {
    const c = lambdaClient(suite.cb, { credentials: { accessKeyId: "345678901234", secretAccessKey: "x" } });
    const [a, b] = [unique("list-a"), unique("list-b")];
    await publish(a, { f: "1" }, { CompatibleRuntimes: ["python3.12"], CompatibleArchitectures: ["arm64"] }, c);
    await publish(a, { f: "2" }, { CompatibleRuntimes: ["nodejs20.x"] }, c);
    await publish(b, { f: "3" }, { CompatibleRuntimes: ["python3.12"] }, c);
    const all = await c.send(new ListLayersCommand({}));
    assert.deepEqual(all.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [[a, 2], [b, 1]]);
    assert.equal(all.Layers?.[0].LayerArn, `arn:aws:lambda:us-east-1:345678901234:layer:${a}`);
    const py = await c.send(new ListLayersCommand({ CompatibleRuntime: "python3.12" }));
    // The newest version that matches, per layer.
    assert.deepEqual(py.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [[a, 1], [b, 1]]);
    const arm = await c.send(new ListLayersCommand({ CompatibleArchitecture: "arm64" }));
    assert.deepEqual(arm.Layers?.map((l) => l.LayerName), [a]);
    const page1 = await c.send(new ListLayersCommand({ MaxItems: 1 }));
    assert.equal(page1.Layers?.length, 1);
    const page2 = await c.send(new ListLayersCommand({ MaxItems: 1, Marker: page1.NextMarker }));
    assert.deepEqual(page2.Layers?.map((l) => l.LayerName), [b]);
    assert.equal(page2.NextMarker, undefined);

    const versions = await c.send(new ListLayerVersionsCommand({ LayerName: a }));
    assert.deepEqual(versions.LayerVersions?.map((v) => v.Version), [2, 1]);
    const vPage = await c.send(new ListLayerVersionsCommand({ LayerName: a, MaxItems: 1 }));
    const vPage2 = await c.send(new ListLayerVersionsCommand({ LayerName: a, MaxItems: 1, Marker: vPage.NextMarker }));
    assert.deepEqual([vPage.LayerVersions?.[0].Version, vPage2.LayerVersions?.[0].Version], [2, 1]);
    const none = await c.send(new ListLayerVersionsCommand({ LayerName: unique("nothing") }));
    assert.deepEqual(none.LayerVersions, []);
    await expectAwsError(c.send(new ListLayersCommand({ CompatibleRuntime: "cobol85" as never })), "ValidationException", 400, /compatibleRuntime/);
    c.destroy();
  });

  test("bad input: version numbers, names, ARNs, zips, missing versions", async () => {
    const name = unique("bad");
    await publish(name, { f: "1" });
    await expectAwsError(suite.lambda.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 0 })), "InvalidParameterValueException", 400, /^Layer Version Cannot be less than 1$/);
    await expectAwsError(suite.lambda.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 9 })), "ResourceNotFoundException", 404, /^The resource you requested does not exist\.$/);
    await expectAwsError(suite.lambda.send(new GetLayerVersionByArnCommand({ Arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${name}` })), "ValidationException", 400, /at 'arn'/);
    await expectAwsError(publish("bad name!", { f: "1" }), "ValidationException", 400, /at 'layerName'/);
    await expectAwsError(
      suite.lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: Buffer.from("not a zip") } })),
      "InvalidParameterValueException",
      400,
      /Could not unzip uploaded file/,
    );
    await expectAwsError(publish(name, { f: "1" }, { CompatibleArchitectures: ["sparc"] }), "ValidationException", 400, /compatibleArchitectures/);
    // Nothing half-made: the failed publishes did not take version numbers.
    assert.equal((await publish(name, { f: "2" })).Version, 2);
  });

  test("deleting a version: gone for readers and new functions, still there for functions that use it", async () => {
    const name = unique("del");
    const v = await publish(name, { "nodejs/node_modules/kept/index.js": "module.exports = 'still here';" });
    const fn = unique("uses-deleted");
    await createNode(suite.lambda, fn, { "index.js": "exports.handler = async () => require('kept');" }, { Layers: [v.LayerVersionArn!] });
    await suite.lambda.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    // Deleting again (or a version that never was) succeeds.
    await suite.lambda.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    await expectAwsError(suite.lambda.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })), "ResourceNotFoundException", 404);
    assert.deepEqual((await suite.lambda.send(new ListLayerVersionsCommand({ LayerName: name }))).LayerVersions, []);
    await expectAwsError(
      createNode(suite.lambda, unique("late"), { "index.js": "exports.handler = async () => 1;" }, { Layers: [v.LayerVersionArn!] }),
      "InvalidParameterValueException",
      400,
      new RegExp(`^Layer version ${v.LayerVersionArn} does not exist\\.$`),
    );
    // A new environment (after a configuration change) still gets the deleted version's content.
    await suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Timeout: 5 }));
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: fn }));
    assert.equal(decode(r.Payload), "still here", Buffer.from(r.Payload ?? []).toString());
    // Version numbers are not reused.
    assert.equal((await publish(name, { f: "x" })).Version, 2);
  });
});

describe("functions with layers", () => {
  test("Node.js: require and import find the layers' packages, in Lambda's order, and later layers win", async () => {
    const a = await publish(unique("node-a"), {
      "nodejs/node_modules/greet/package.json": JSON.stringify({ name: "greet", main: "index.js" }),
      "nodejs/node_modules/greet/index.js": "exports.greet = (n) => 'hello ' + n + ' from layer A';",
      "shared.txt": "A",
      "bin/layer-tool": { data: "#!/bin/sh\necho tool-from-layer\n", mode: 0o755 },
    });
    const b = await publish(unique("node-b"), {
      "nodejs/node20/node_modules/esm-lib/package.json": JSON.stringify({ name: "esm-lib", type: "module", exports: "./index.js" }),
      "nodejs/node20/node_modules/esm-lib/index.js": "export const answer = 42;",
      // A layer's copy of a package the runtime also provides wins over the runtime's (NODE_PATH order).
      "nodejs/node_modules/@aws-sdk/client-sts/package.json": JSON.stringify({ name: "@aws-sdk/client-sts", main: "index.js" }),
      "nodejs/node_modules/@aws-sdk/client-sts/index.js": "exports.fromLayer = true;",
      "shared.txt": "B",
    });
    const name = unique("layered-node");
    const created = await createNode(
      suite.lambda,
      name,
      {
        "index.mjs": `
          import { greet } from "greet";
          import { answer } from "esm-lib";
          import * as sts from "@aws-sdk/client-sts";
          import { createRequire } from "node:module";
          import { readFileSync } from "node:fs";
          import { execFileSync } from "node:child_process";
          const require = createRequire(import.meta.url);
          export const handler = async () => ({
            greet: greet("Ada"),
            answer,
            stsFromLayer: sts.fromLayer === true,
            cjsGreet: require("greet").greet("Bob"),
            cjsSts: require("@aws-sdk/client-sts").fromLayer === true,
            shared: readFileSync(process.env.CLOUDBOX_OPT_DIR + "/shared.txt", "utf8"),
            tool: execFileSync("layer-tool").toString().trim(),
            nodePath: process.env.NODE_PATH.split(":").slice(0, 2).map((p) => p.replace(process.env.CLOUDBOX_OPT_DIR, "/opt")),
          });`,
      },
      { Layers: [a.LayerVersionArn!, b.LayerVersionArn!] },
    );
    assert.deepEqual(created.Layers, [
      { Arn: a.LayerVersionArn, CodeSize: a.Content?.CodeSize },
      { Arn: b.LayerVersionArn, CodeSize: b.Content?.CodeSize },
    ]);
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(r.FunctionError, undefined, Buffer.from(r.Payload ?? []).toString());
    assert.deepEqual(decode(r.Payload), {
      greet: "hello Ada from layer A",
      answer: 42,
      stsFromLayer: true,
      cjsGreet: "hello Bob from layer A",
      cjsSts: true,
      shared: "B",
      tool: "tool-from-layer",
      nodePath: ["/opt/nodejs/node20/node_modules", "/opt/nodejs/node_modules"],
    });
    // Without layers, the runtime's own AWS SDK answers as before.
    const plain = unique("no-layers");
    await createNode(suite.lambda, plain, { "index.mjs": `import * as sts from "@aws-sdk/client-sts"; export const handler = async () => typeof sts.STSClient;` });
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: plain }))).Payload), "function");
  });

  test("Python: python/ and python/lib/python3.12/site-packages (with its .pth files) come right after the task root", { skip: !hasPython && "python3 not installed" }, async () => {
    const layer = await publish(unique("py"), {
      "python/pymod.py": "VALUE = 'py-layer'\n",
      "python/lib/python3.12/site-packages/sitepkg/__init__.py": "NAME = 'site'\n",
      "python/lib/python3.12/site-packages/extra.pth": "extradir\n",
      "python/lib/python3.12/site-packages/extradir/extramod.py": "X = 'from-pth'\n",
    });
    const name = unique("layered-py");
    await createPython(
      suite.lambda,
      name,
      {
        "app.py": [
          "import os, sys, pymod, sitepkg, extramod",
          "def handler(event, context):",
          "    opt = os.environ['CLOUDBOX_OPT_DIR']",
          "    root = os.environ['LAMBDA_TASK_ROOT']",
          "    paths = [p.replace(opt, '/opt').replace(root, '/var/task') for p in sys.path if p.startswith(opt) or p == root]",
          "    return {'pymod': pymod.VALUE, 'site': sitepkg.NAME, 'extra': extramod.X, 'paths': paths}",
        ].join("\n"),
      },
      { Layers: [layer.LayerVersionArn!] },
    );
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(r.FunctionError, undefined, Buffer.from(r.Payload ?? []).toString());
    assert.deepEqual(decode(r.Payload), {
      pymod: "py-layer",
      site: "site",
      extra: "from-pth",
      paths: ["/var/task", "/opt/python/lib/python3.12/site-packages", "/opt/python/lib/python3.12/site-packages/extradir", "/opt/python"],
    });
  });

  test("provided.al2023: the bootstrap can come from a layer", async () => {
    const bootstrap = `#!/bin/sh
exec "${process.execPath}" -e '
const http = require("http");
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const call = (method, path, body) => new Promise((res) => { const r = http.request({ host, port, method, path }, (m) => { let d = ""; m.on("data", (c) => d += c); m.on("end", () => res({ h: m.headers, d })); }); r.end(body); });
(async () => { for (;;) { const n = await call("GET", "/2018-06-01/runtime/invocation/next"); const id = n.h["lambda-runtime-aws-request-id"];
  await call("POST", "/2018-06-01/runtime/invocation/" + id + "/response", JSON.stringify({ from: "layer bootstrap", task: require("fs").readFileSync(process.env.LAMBDA_TASK_ROOT + "/handler.txt", "utf8") })); } })();
'
`;
    const layer = await publish(unique("runtime"), { bootstrap: { data: bootstrap, mode: 0o755 } });
    const name = unique("layered-custom");
    await suite.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name, Runtime: "provided.al2023", Handler: "x", Role: ROLE, Layers: [layer.LayerVersionArn!],
        Code: { ZipFile: makeZip({ "handler.txt": "mine" }) },
      }),
    );
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.deepEqual(decode(r.Payload), { from: "layer bootstrap", task: "mine" }, Buffer.from(r.Payload ?? []).toString());
  });

  test("bad Layers: too many, missing, malformed, other Region, two versions of one layer; UpdateFunctionConfiguration too", async () => {
    const name = unique("many");
    const v1 = await publish(name, { f: "1" });
    const v2 = await publish(name, { f: "2" });
    const others = await Promise.all([0, 1, 2, 3, 4].map(() => publish(unique("l"), { f: "x" })));
    const fn = unique("bad-layers");
    const code = { "index.js": "exports.handler = async () => 1;" };
    await expectAwsError(createNode(suite.lambda, fn, code, { Layers: others.map((o) => o.LayerVersionArn!).concat(v1.LayerVersionArn!) }), "InvalidParameterValueException", 400, /^Cannot reference more than 5 layers\.$/);
    const missing = `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${name}:7`;
    await expectAwsError(createNode(suite.lambda, fn, code, { Layers: [missing] }), "InvalidParameterValueException", 400, new RegExp(`^Layer version ${missing} does not exist\\.$`));
    await expectAwsError(createNode(suite.lambda, fn, code, { Layers: ["not-an-arn"] }), "ValidationException", 400, /at 'layers' failed to satisfy constraint/);
    await expectAwsError(
      createNode(suite.lambda, fn, code, { Layers: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:layer:${name}:1`] }),
      "InvalidParameterValueException",
      400,
      /^Layers are not in the same region as the function\. Layers are expected to be in region us-east-1\.$/,
    );
    await expectAwsError(
      createNode(suite.lambda, fn, code, { Layers: [v1.LayerVersionArn!, v2.LayerVersionArn!] }),
      "InvalidParameterValueException",
      400,
      /^Two different versions of the same layer are not allowed to be referenced in the same function\./,
    );
    // None of it made a function.
    await expectAwsError(suite.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn })), "ResourceNotFoundException", 404);
    await createNode(suite.lambda, fn, code, { Layers: [v1.LayerVersionArn!] });
    await expectAwsError(suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Layers: [missing] })), "InvalidParameterValueException", 400);
    const updated = await suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Layers: [v2.LayerVersionArn!] }));
    assert.deepEqual(updated.Layers?.map((l) => l.Arn), [v2.LayerVersionArn]);
    const cleared = await suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Layers: [] }));
    assert.equal(cleared.Layers, undefined);
  });
});

describe("layer version policy and other accounts", () => {
  test("another account may use a layer only once the policy allows it", async () => {
    const other = "456789012345";
    const otherLambda = lambdaClient(suite.cb, { credentials: { accessKeyId: other, secretAccessKey: "x" } });
    const name = unique("shared");
    const v = await publish(name, { "nodejs/node_modules/shared-lib/index.js": "module.exports = 'shared';" });
    const fn = unique("borrower");
    const code = { "index.js": "exports.handler = async () => require('shared-lib');" };
    await expectAwsError(
      createNode(otherLambda, fn, code, { Role: `arn:aws:iam::${other}:role/r`, Layers: [v.LayerVersionArn!] }),
      "AccessDeniedException",
      403,
      /is not authorized to perform: lambda:GetLayerVersion on resource/,
    );
    await expectAwsError(otherLambda.send(new GetLayerVersionByArnCommand({ Arn: v.LayerVersionArn })), "AccessDeniedException", 403);
    await expectAwsError(suite.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: name, VersionNumber: 1 })), "ResourceNotFoundException", 404, /^No policy is associated with the given resource\.$/);

    const added = await suite.lambda.send(
      new AddLayerVersionPermissionCommand({ LayerName: name, VersionNumber: 1, StatementId: "borrow", Action: "lambda:GetLayerVersion", Principal: other }),
    );
    assert.deepEqual(JSON.parse(added.Statement!), {
      Sid: "borrow", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${other}:root` }, Action: "lambda:GetLayerVersion", Resource: v.LayerVersionArn,
    });
    assert.ok(added.RevisionId);
    await expectAwsError(
      suite.lambda.send(new AddLayerVersionPermissionCommand({ LayerName: name, VersionNumber: 1, StatementId: "borrow", Action: "lambda:GetLayerVersion", Principal: "*" })),
      "ResourceConflictException",
      409,
      /^The statement id \(borrow\) provided already exists/,
    );
    await expectAwsError(
      suite.lambda.send(new AddLayerVersionPermissionCommand({ LayerName: name, VersionNumber: 1, StatementId: "x", Action: "lambda:InvokeFunction", Principal: "*" })),
      "ValidationException",
      400,
      /at 'action'/,
    );
    await expectAwsError(
      suite.lambda.send(new AddLayerVersionPermissionCommand({ LayerName: name, VersionNumber: 1, StatementId: "y", Action: "lambda:GetLayerVersion", Principal: "*", RevisionId: "stale" })),
      "PreconditionFailedException",
      412,
    );
    const policy = await suite.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: name, VersionNumber: 1 }));
    assert.equal(policy.RevisionId, added.RevisionId);
    assert.deepEqual(JSON.parse(policy.Policy!).Statement.map((s: { Sid: string }) => s.Sid), ["borrow"]);

    // Now the other account reads it and runs a function with it.
    assert.equal((await otherLambda.send(new GetLayerVersionByArnCommand({ Arn: v.LayerVersionArn }))).Version, 1);
    await createNode(otherLambda, fn, code, { Role: `arn:aws:iam::${other}:role/r`, Layers: [v.LayerVersionArn!] });
    assert.equal(decode((await otherLambda.send(new InvokeCommand({ FunctionName: fn }))).Payload), "shared");

    await suite.lambda.send(new RemoveLayerVersionPermissionCommand({ LayerName: name, VersionNumber: 1, StatementId: "borrow" }));
    await expectAwsError(
      suite.lambda.send(new RemoveLayerVersionPermissionCommand({ LayerName: name, VersionNumber: 1, StatementId: "borrow" })),
      "ResourceNotFoundException",
      404,
      /^Statement borrow is not found in resource policy\.$/,
    );
    await expectAwsError(otherLambda.send(new GetLayerVersionByArnCommand({ Arn: v.LayerVersionArn })), "AccessDeniedException", 403);
    otherLambda.destroy();
  });
});

describe("AWS CLI v2", { skip: !findAwsCliV2() && "AWS CLI v2 not installed" }, () => {
  test("publish-layer-version, list-layer-versions, create-function --layers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cloudbox-layer-cli-"));
    const zipPath = join(dir, "layer.zip");
    writeFileSync(zipPath, makeZip({ "nodejs/node_modules/cli-lib/index.js": "module.exports = 'cli layer';" }));
    const fnZip = join(dir, "fn.zip");
    writeFileSync(fnZip, makeZip({ "index.js": "exports.handler = async () => require('cli-lib');" }));
    const env = { AWS_ACCESS_KEY_ID: ACCOUNT };
    const name = unique("cli-layer");
    const published = await awsCli(suite.cb.endpoint, ["lambda", "publish-layer-version", "--layer-name", name, "--zip-file", `fileb://${zipPath}`, "--compatible-runtimes", "nodejs20.x"], env);
    assert.equal(published.code, 0, published.stderr);
    assert.equal(published.json.Version, 1);
    const listed = await awsCli(suite.cb.endpoint, ["lambda", "list-layer-versions", "--layer-name", name], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.json.LayerVersions.map((v: { LayerVersionArn: string }) => v.LayerVersionArn), [published.json.LayerVersionArn]);
    const fn = unique("cli-layered");
    const created = await awsCli(
      suite.cb.endpoint,
      ["lambda", "create-function", "--function-name", fn, "--runtime", "nodejs20.x", "--handler", "index.handler", "--role", ROLE, "--zip-file", `fileb://${fnZip}`, "--layers", published.json.LayerVersionArn],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.Layers[0].Arn, published.json.LayerVersionArn);
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: fn }))).Payload), "cli layer");
  });
});
