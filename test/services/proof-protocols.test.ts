/**
 * One real operation per remaining protocol family, with the SDK v3 client and the AWS CLI v2:
 * events:ListEventBuses (json 1.1), states:ListStateMachines (json 1.0),
 * lambda:ListFunctions (rest-json), s3:ListBuckets (rest-xml).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventBridgeClient, EventBridgeServiceException, ListEventBusesCommand } from "@aws-sdk/client-eventbridge";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli, findAwsCliV2 } from "../helpers/aws-cli.js";

const account = (id: string) => ({ accessKeyId: id, secretAccessKey: "test" });

describe("proof operations", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox();
  });
  after(() => cb.stop());

  describe("events:ListEventBuses (json 1.1)", () => {
    const events = (accountId = "111111111111", region = "us-east-1") =>
      new EventBridgeClient({ ...cb.clientConfig, region, credentials: account(accountId) });

    it("the default bus exists in every account and Region", async () => {
      for (const [acct, region] of [["111111111111", "us-east-1"], ["222222222222", "eu-west-1"]]) {
        const out = await events(acct, region).send(new ListEventBusesCommand({}));
        assert.deepEqual(out.EventBuses!.map((b) => [b.Name, b.Arn]), [["default", `arn:aws:events:${region}:${acct}:event-bus/default`]]);
        assert.equal(out.NextToken, undefined);
      }
    });

    it("NamePrefix filters", async () => {
      assert.equal((await events().send(new ListEventBusesCommand({ NamePrefix: "def" }))).EventBuses!.length, 1);
      assert.equal((await events().send(new ListEventBusesCommand({ NamePrefix: "orders" }))).EventBuses!.length, 0);
    });

    it("Limit pages with NextToken", async () => {
      const out = await events().send(new ListEventBusesCommand({ Limit: 1 }));
      assert.equal(out.EventBuses!.length, 1);
      assert.equal(out.NextToken, undefined);
    });

    it("Limit out of range and a bad NextToken are ValidationException (400)", async () => {
      for (const input of [{ Limit: 0 }, { Limit: 101 }, { NextToken: "bm90LWEtdG9rZW4=" }]) {
        await assert.rejects(events().send(new ListEventBusesCommand(input)), (e: unknown) => {
          assert.ok(e instanceof EventBridgeServiceException);
          assert.equal(e.name, "ValidationException");
          assert.equal(e.$metadata.httpStatusCode, 400);
          return true;
        });
      }
    });
  });

  it("states:ListStateMachines (json 1.0) lists none", async () => {
    const out = await new SFNClient({ ...cb.clientConfig, credentials: account("111111111111") }).send(new ListStateMachinesCommand({}));
    assert.deepEqual(out.stateMachines, []);
  });

  it("lambda:ListFunctions (rest-json) lists none", async () => {
    const out = await new LambdaClient({ ...cb.clientConfig, credentials: account("111111111111") }).send(new ListFunctionsCommand({ MaxItems: 10 }));
    assert.deepEqual(out.Functions, []);
  });

  it("s3:ListBuckets (rest-xml) lists none, with the account's owner", async () => {
    const s3 = (acct: string) => new S3Client({ ...cb.clientConfig, forcePathStyle: true, credentials: account(acct) });
    const one = await s3("111111111111").send(new ListBucketsCommand({}));
    const two = await s3("222222222222").send(new ListBucketsCommand({}));
    assert.deepEqual(one.Buckets ?? [], []);
    assert.match(one.Owner!.ID!, /^[0-9a-f]{64}$/);
    assert.equal(one.Owner!.DisplayName, "cloudbox-111111111111");
    assert.notEqual(one.Owner!.ID, two.Owner!.ID);
  });

  describe("AWS CLI v2", { skip: findAwsCliV2() ? false : "AWS CLI v2 not installed" }, () => {
    it("aws events list-event-buses", async () => {
      const r = await awsCli(cb.endpoint, ["events", "list-event-buses", "--region", "eu-west-1"], { AWS_ACCESS_KEY_ID: "111111111111" });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json.EventBuses, [{ Name: "default", Arn: "arn:aws:events:eu-west-1:111111111111:event-bus/default" }]);
    });

    it("aws stepfunctions list-state-machines", async () => {
      const r = await awsCli(cb.endpoint, ["stepfunctions", "list-state-machines"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json.stateMachines, []);
    });

    it("aws lambda list-functions", async () => {
      const r = await awsCli(cb.endpoint, ["lambda", "list-functions"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json.Functions, []);
    });

    it("aws s3api list-buckets", async () => {
      const r = await awsCli(cb.endpoint, ["s3api", "list-buckets"], { AWS_ACCESS_KEY_ID: "111111111111" });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json.Buckets ?? [], []);
      assert.equal(r.json.Owner.DisplayName, "cloudbox-111111111111");
    });

    it("aws s3 ls prints nothing and succeeds", async () => {
      const r = await awsCli(cb.endpoint, ["s3", "ls"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), "");
    });
  });
});
