/**
 * Step Functions state machines end to end with the real SDK v3 and the AWS CLI v2: create
 * (idempotency, errors), describe, update + publish, versions, aliases, list paging, delete,
 * ValidateStateMachineDefinition, tags.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  ListStateMachineVersionsCommand,
  ListTagsForResourceCommand,
  PublishStateMachineVersionCommand,
  StartExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from "@aws-sdk/client-sfn";
import { awsCli } from "../helpers/aws-cli.js";
import { ACCOUNT, ROLE, finished, sfnClient, sfnSuite, unique } from "./helpers.js";

const suite = sfnSuite();
const pass = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });

const rejects = async (p: Promise<unknown>, name: string, message?: RegExp) => {
  await assert.rejects(p, (e: any) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    if (message) assert.match(e.message, message);
    return true;
  });
};

describe("CreateStateMachine", () => {
  test("creates, describes, and is idempotent with the same definition", async () => {
    const name = unique("sm");
    const c = await suite.sfn.send(new CreateStateMachineCommand({ name, definition: pass, roleArn: ROLE, tags: [{ key: "team", value: "a" }] }));
    assert.equal(c.stateMachineArn, `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`);
    const again = await suite.sfn.send(new CreateStateMachineCommand({ name, definition: pass, roleArn: ROLE }));
    assert.equal(again.stateMachineArn, c.stateMachineArn);
    const d = await suite.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineArn }));
    assert.equal(d.name, name);
    assert.equal(d.type, "STANDARD");
    assert.equal(d.status, "ACTIVE");
    assert.equal(d.definition, pass);
    assert.equal(d.roleArn, ROLE);
    assert.deepEqual(d.loggingConfiguration, { level: "OFF", includeExecutionData: false });
    assert.deepEqual(d.tracingConfiguration, { enabled: false });
    assert.ok(d.creationDate instanceof Date);
    const tags = await suite.sfn.send(new ListTagsForResourceCommand({ resourceArn: c.stateMachineArn }));
    assert.deepEqual(tags.tags, [{ key: "team", value: "a" }]);
  });

  test("a different definition under the same name is StateMachineAlreadyExists", async () => {
    const name = unique("sm");
    const c = await suite.sfn.send(new CreateStateMachineCommand({ name, definition: pass, roleArn: ROLE }));
    const other = JSON.stringify({ StartAt: "Q", States: { Q: { Type: "Succeed" } } });
    await rejects(suite.sfn.send(new CreateStateMachineCommand({ name, definition: other, roleArn: ROLE })), "StateMachineAlreadyExists", new RegExp(c.stateMachineArn!));
  });

  test("InvalidDefinition with AWS's message format", async () => {
    const bad = JSON.stringify({ StartAt: "Missing", States: { P: { Type: "Pass", End: true } } });
    await rejects(suite.sfn.send(new CreateStateMachineCommand({ name: unique("bad"), definition: bad, roleArn: ROLE })), "InvalidDefinition", /^Invalid State Machine Definition: '/);
    await rejects(suite.sfn.send(new CreateStateMachineCommand({ name: unique("bad"), definition: "{not json", roleArn: ROLE })), "InvalidDefinition");
  });

  test("InvalidName and a role that is not an IAM role ARN", async () => {
    await rejects(suite.sfn.send(new CreateStateMachineCommand({ name: "has space", definition: pass, roleArn: ROLE })), "InvalidName");
    await rejects(suite.sfn.send(new CreateStateMachineCommand({ name: "x".repeat(81), definition: pass, roleArn: ROLE })), "InvalidName");
    await rejects(suite.sfn.send(new CreateStateMachineCommand({ name: unique("r"), definition: pass, roleArn: "arn:aws:iam::123456789012:user/bob" })), "InvalidArn");
  });

  test("EXPRESS with logging configuration", async () => {
    const name = unique("ex");
    const logging = { level: "ALL" as const, includeExecutionData: true, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:g:*` } }] };
    const c = await suite.sfn.send(new CreateStateMachineCommand({ name, definition: pass, roleArn: ROLE, type: "EXPRESS", loggingConfiguration: logging, tracingConfiguration: { enabled: true } }));
    const d = await suite.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineArn }));
    assert.equal(d.type, "EXPRESS");
    assert.deepEqual(d.loggingConfiguration, logging);
    assert.deepEqual(d.tracingConfiguration, { enabled: true });
    await rejects(
      suite.sfn.send(new CreateStateMachineCommand({ name: unique("ex"), definition: pass, roleArn: ROLE, loggingConfiguration: { level: "ERROR" } })),
      "InvalidLoggingConfiguration",
    );
  });
});

describe("Update, versions, aliases, delete", () => {
  test("update with publish creates versions; an alias routes to a version", async () => {
    const name = unique("ver");
    const c = await suite.sfn.send(new CreateStateMachineCommand({ name, definition: pass, roleArn: ROLE, publish: true }));
    assert.equal(c.stateMachineVersionArn, `${c.stateMachineArn}:1`);
    const def2 = JSON.stringify({ StartAt: "P2", States: { P2: { Type: "Pass", Result: 2, End: true } } });
    const u = await suite.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: def2, publish: true, versionDescription: "two" }));
    assert.equal(u.stateMachineVersionArn, `${c.stateMachineArn}:2`);
    // Publishing an unchanged revision returns the latest version.
    const p = await suite.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: c.stateMachineArn }));
    assert.equal(p.stateMachineVersionArn, `${c.stateMachineArn}:2`);
    const v1 = await suite.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${c.stateMachineArn}:1` }));
    assert.equal(v1.definition, pass);
    const versions = await suite.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: c.stateMachineArn }));
    assert.deepEqual(versions.stateMachineVersions?.map((v) => v.stateMachineVersionArn), [`${c.stateMachineArn}:2`, `${c.stateMachineArn}:1`]);
    const a = await suite.sfn.send(
      new CreateStateMachineAliasCommand({ name: "prod", routingConfiguration: [{ stateMachineVersionArn: `${c.stateMachineArn}:1`, weight: 100 }] }),
    );
    assert.equal(a.stateMachineAliasArn, `${c.stateMachineArn}:prod`);
    const da = await suite.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
    assert.equal(da.name, "prod");
    const run = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: a.stateMachineAliasArn, input: "{\"a\":1}" }));
    const done = await finished(suite.sfn, run.executionArn!);
    assert.equal(done.output, "{\"a\":1}"); // version 1 is the Pass without Result
    assert.equal(done.stateMachineAliasArn, a.stateMachineAliasArn);
    assert.equal(done.stateMachineVersionArn, `${c.stateMachineArn}:1`);
  });

  test("delete, then describe is StateMachineDoesNotExist; InvalidArn for a bad ARN", async () => {
    const c = await suite.sfn.send(new CreateStateMachineCommand({ name: unique("del"), definition: pass, roleArn: ROLE }));
    await suite.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: c.stateMachineArn }));
    await rejects(suite.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineArn })), "StateMachineDoesNotExist", /^State Machine Does Not Exist: '/);
    await rejects(suite.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: "arn:aws:sqs:us-east-1:1:x" })), "InvalidArn");
  });

  test("ListStateMachines pages with maxResults and nextToken", async () => {
    const region = "eu-west-3";
    const client = sfnClient(suite.cb, { region });
    const names = [0, 1, 2, 3, 4].map(() => unique("page"));
    for (const name of names) await client.send(new CreateStateMachineCommand({ name, definition: pass, roleArn: ROLE }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      seen.push(...page.stateMachines!.map((m) => m.name!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), [...names].sort());
    client.destroy();
  });
});

describe("ValidateStateMachineDefinition and tags", () => {
  test("OK and FAIL with diagnostics", async () => {
    const ok = await suite.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: pass }));
    assert.equal(ok.result, "OK");
    assert.deepEqual(ok.diagnostics, []);
    const bad = await suite.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify({ StartAt: "X", States: {} }) }));
    assert.equal(bad.result, "FAIL");
    assert.ok(bad.diagnostics!.length >= 1);
    assert.equal(bad.diagnostics![0].severity, "ERROR");
  });

  test("TagResource / UntagResource", async () => {
    const c = await suite.sfn.send(new CreateStateMachineCommand({ name: unique("tag"), definition: pass, roleArn: ROLE }));
    await suite.sfn.send(new TagResourceCommand({ resourceArn: c.stateMachineArn, tags: [{ key: "a", value: "1" }, { key: "b", value: "2" }] }));
    await suite.sfn.send(new UntagResourceCommand({ resourceArn: c.stateMachineArn, tagKeys: ["a"] }));
    const t = await suite.sfn.send(new ListTagsForResourceCommand({ resourceArn: c.stateMachineArn }));
    assert.deepEqual(t.tags, [{ key: "b", value: "2" }]);
  });
});

describe("AWS CLI v2", () => {
  test("create-state-machine, start-execution, describe-execution", async (t) => {
    const name = unique("cli");
    const created = await awsCli(suite.cb.endpoint, ["stepfunctions", "create-state-machine", "--name", name, "--definition", pass, "--role-arn", ROLE]);
    if (created.code === 127 || /not found|No AWS CLI/i.test(created.stderr)) return t.skip("no AWS CLI v2");
    assert.equal(created.code, 0, created.stderr);
    const arn = created.json.stateMachineArn as string;
    assert.match(arn, new RegExp(`:stateMachine:${name}$`));
    const started = await awsCli(suite.cb.endpoint, ["stepfunctions", "start-execution", "--state-machine-arn", arn, "--input", "{\"k\":\"v\"}"]);
    assert.equal(started.code, 0, started.stderr);
    const described = await awsCli(suite.cb.endpoint, ["stepfunctions", "describe-execution", "--execution-arn", started.json.executionArn]);
    assert.equal(described.code, 0, described.stderr);
    assert.ok(["RUNNING", "SUCCEEDED"].includes(described.json.status));
    const missing = await awsCli(suite.cb.endpoint, ["stepfunctions", "describe-state-machine", "--state-machine-arn", `${arn}-nope`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /StateMachineDoesNotExist/);
  });
});
