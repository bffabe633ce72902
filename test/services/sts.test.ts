/**
 * STS end to end with the real SDK v3 client and the AWS CLI v2: GetCallerIdentity,
 * cross-account AssumeRole, GetSessionToken, validation errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli, findAwsCliV2 } from "../helpers/aws-cli.js";

const account = (id: string) => ({ accessKeyId: id, secretAccessKey: "test" });

describe("sts", () => {
  let cb: Cloudbox;
  let sts: (creds?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => STSClient;
  before(async () => {
    cb = await startCloudbox();
    sts = (creds = account("111111111111")) => new STSClient({ ...cb.clientConfig, credentials: creds });
  });
  after(() => cb.stop());

  const expectError = async (p: Promise<unknown>, code: string, status: number, message?: RegExp) => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof STSServiceException, `expected an STS error, got ${String(e)}`);
      assert.equal(e.name, code);
      assert.equal(e.$metadata.httpStatusCode, status);
      if (message) assert.match(e.message, message);
      return true;
    });
  };

  it("GetCallerIdentity: a 12-digit access key is that account's root", async () => {
    const out = await sts().send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, "111111111111");
    assert.equal(out.Arn, "arn:aws:iam::111111111111:root");
    assert.equal(out.UserId, "111111111111");
  });

  it("GetCallerIdentity: any other key is the default account", async () => {
    const out = await sts(account("test")).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, "000000000000");
  });

  it("AssumeRole across accounts: the temporary credentials act in the role's account", async () => {
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "cross-account" }));
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(c.SecretAccessKey && c.SecretAccessKey.length >= 40);
    assert.ok(c.SessionToken && c.SessionToken.length > 100);
    assert.ok(c.Expiration instanceof Date);
    const ttl = c.Expiration.getTime() - Date.now();
    assert.ok(ttl > 3500_000 && ttl <= 3601_000, `expiration in ${ttl} ms`);
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z0-9]{17}:cross-account$/);
    assert.equal(out.AssumedRoleUser!.Arn, "arn:aws:sts::222222222222:assumed-role/x/cross-account");

    const who = await sts({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken }).send(
      new GetCallerIdentityCommand({}),
    );
    assert.equal(who.Account, "222222222222");
    assert.equal(who.Arn, "arn:aws:sts::222222222222:assumed-role/x/cross-account");
    assert.equal(who.UserId, out.AssumedRoleUser!.AssumedRoleId);
  });

  it("AssumeRole: role paths, DurationSeconds, a stable role id", async () => {
    const a = await sts().send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::333333333333:role/team/deploy", RoleSessionName: "a@b.c", DurationSeconds: 900 }));
    const b = await sts().send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::333333333333:role/team/deploy", RoleSessionName: "other" }));
    assert.equal(a.AssumedRoleUser!.Arn, "arn:aws:sts::333333333333:assumed-role/deploy/a@b.c");
    assert.equal(a.AssumedRoleUser!.AssumedRoleId!.split(":")[0], b.AssumedRoleUser!.AssumedRoleId!.split(":")[0]);
    const ttl = a.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(ttl > 800_000 && ttl <= 901_000, `expiration in ${ttl} ms`);
  });

  it("AssumeRole: expired credentials no longer act as the role", async () => {
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::444444444444:role/short", RoleSessionName: "short", DurationSeconds: 900 }));
    const c = out.Credentials!;
    const temp = sts({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken });
    assert.equal((await temp.send(new GetCallerIdentityCommand({}))).Account, "444444444444");
    // The gateway's resolveCaller hook has no clock argument yet and reads the wall clock, so this
    // cannot be tested by advancing cb.clock without waiting 15 minutes; checked in the unit test
    // of resolveStsCaller instead (test/services/sts-unit.test.ts).
  });

  const invalid: Array<[string, ConstructorParameters<typeof AssumeRoleCommand>[0], RegExp]> = [
    ["session name too short", { RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "a" }, /Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2/],
    ["session name too long", { RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "s".repeat(65) }, /at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64/],
    ["session name with a space", { RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "bad name" }, /^1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\*$/],
    ["duration below 900", { RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "ok", DurationSeconds: 899 }, /Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/],
    ["duration above 43200", { RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "ok", DurationSeconds: 43201 }, /Member must have value less than or equal to 43200/],
    ["two violations", { RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "a", DurationSeconds: 1 }, /^2 validation errors detected: /],
    ["role ARN too short", { RoleArn: "arn:aws:iam::1:role", RoleSessionName: "ok" }, /at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20/],
    ["a user ARN", { RoleArn: "arn:aws:iam::222222222222:user/bob", RoleSessionName: "ok" }, /^arn:aws:iam::222222222222:user\/bob is invalid$/],
    ["account not 12 digits", { RoleArn: "arn:aws:iam::2222:role/some-role", RoleSessionName: "ok" }, /is invalid$/],
  ];
  for (const [name, input, message] of invalid) {
    it(`AssumeRole ValidationError (400): ${name}`, () => expectError(sts().send(new AssumeRoleCommand(input)), "ValidationError", 400, message));
  }

  // The wire code is MalformedPolicyDocument (awsQueryError); the SDK names its modeled class
  // MalformedPolicyDocumentException. The CLI test below checks the wire code.
  it("AssumeRole MalformedPolicyDocument (400): a session policy that is not JSON", () =>
    expectError(sts().send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::222222222222:role/x", RoleSessionName: "ok", Policy: "{not json" })), "MalformedPolicyDocumentException", 400));

  it("GetSessionToken: temporary credentials for the same caller", async () => {
    const out = await sts(account("555555555555")).send(new GetSessionTokenCommand({ DurationSeconds: 1800 }));
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    const ttl = c.Expiration!.getTime() - Date.now();
    assert.ok(ttl > 1700_000 && ttl <= 1801_000);
    const temp = sts({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken });
    const who = await temp.send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Account, who.Arn, who.UserId], ["555555555555", "arn:aws:iam::555555555555:root", "555555555555"]);
    // Session credentials cannot call GetSessionToken again.
    await expectError(temp.send(new GetSessionTokenCommand({})), "AccessDenied", 403);
  });

  it("GetSessionToken ValidationError (400): DurationSeconds out of range", () =>
    expectError(sts().send(new GetSessionTokenCommand({ DurationSeconds: 129601 })), "ValidationError", 400, /less than or equal to 129600/));

  describe("AWS CLI v2", { skip: findAwsCliV2() ? false : "AWS CLI v2 not installed" }, () => {
    it("aws sts get-caller-identity with account 111111111111", async () => {
      const r = await awsCli(cb.endpoint, ["sts", "get-caller-identity"], { AWS_ACCESS_KEY_ID: "111111111111" });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.Account, "111111111111");
      assert.equal(r.json.Arn, "arn:aws:iam::111111111111:root");
    });

    it("aws sts assume-role, then get-caller-identity with the temporary credentials", async () => {
      const r = await awsCli(cb.endpoint, ["sts", "assume-role", "--role-arn", "arn:aws:iam::222222222222:role/x", "--role-session-name", "cli"], {
        AWS_ACCESS_KEY_ID: "111111111111",
      });
      assert.equal(r.code, 0, r.stderr);
      const c = r.json.Credentials;
      const who = await awsCli(cb.endpoint, ["sts", "get-caller-identity"], {
        AWS_ACCESS_KEY_ID: c.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
        AWS_SESSION_TOKEN: c.SessionToken,
      });
      assert.equal(who.code, 0, who.stderr);
      assert.equal(who.json.Account, "222222222222");
      assert.equal(who.json.Arn, "arn:aws:sts::222222222222:assumed-role/x/cli");
    });

    it("aws sts assume-role with a bad session name fails with ValidationError", async () => {
      const r = await awsCli(cb.endpoint, ["sts", "assume-role", "--role-arn", "arn:aws:iam::222222222222:role/x", "--role-session-name", "bad name"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /\(ValidationError\)/);
    });

    it("aws sts assume-role with a malformed policy fails with MalformedPolicyDocument", async () => {
      const r = await awsCli(cb.endpoint, ["sts", "assume-role", "--role-arn", "arn:aws:iam::222222222222:role/x", "--role-session-name", "ok", "--policy", "{not json"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /\(MalformedPolicyDocument\)/);
    });
  });
});
