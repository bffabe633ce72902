/**
 * The gateway end to end: internal routes, routing and its errors, body limits, NotImplemented,
 * accounts and regions, transactions per request, internal failures. Stub service definitions
 * (built on the real SDK models and codecs) keep these tests independent of the real services;
 * one test checks the real service list through health.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateActivityCommand, SFNClient } from "@aws-sdk/client-sfn";
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { AwsError, loadedService, opDefiner, type Caller, type ServiceDefinition } from "../../src/core/index.js";
import { createServiceRegistry, routeRequest } from "../../src/gateway/index.js";
import { ec2Identity } from "../../src/services/ec2/identity.js";
import { statesIdentity } from "../../src/services/states/identity.js";
import { stsIdentity } from "../../src/services/sts/identity.js";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

const sts = opDefiner<typeof import("@aws-sdk/client-sts")>();

const stubEc2: ServiceDefinition = { ...ec2Identity, internalPaths: undefined, operations: [] };

const stubStates: ServiceDefinition = { ...statesIdentity, maxBodyBytes: 1024, operations: [] };

/** GetCallerIdentity echoes the caller and region; GetSessionToken writes a row then fails, or throws a plain Error. */
const stubSts: ServiceDefinition = {
  ...stsIdentity,
  migrations: ["CREATE TABLE stub_writes (account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL)"],
  operations: [
    sts("GetCallerIdentity", (_input, ctx) => ({
      Account: ctx.accountId,
      Arn: ctx.caller.arn,
      UserId: `${ctx.caller.userId}|${ctx.region}|${ctx.caller.accessKeyId}`,
    })),
    sts("GetSessionToken", (input, ctx) => {
      ctx.store.run("INSERT INTO stub_writes (account, region, id) VALUES (?, ?, ?)", [ctx.accountId, ctx.region, ctx.requestId]);
      if (input.SerialNumber === "plain-error") throw new Error("a bug with a secret stack");
      throw new AwsError("AccessDenied", "no session tokens here", { status: 403 });
    }),
  ],
  resolveCaller: (_store, accessKeyId): Caller | undefined =>
    accessKeyId === "ASIAHOOKEDKEY0000000"
      ? { accessKeyId, accountId: "333333333333", arn: "arn:aws:sts::333333333333:assumed-role/r/s", userId: "AROAEXAMPLE:s" }
      : undefined,
};

const client = <C>(Ctor: new (config: object) => C, cb: Cloudbox, extra: object = {}): C =>
  new Ctor({ ...cb.clientConfig, maxAttempts: 1, ...extra });

describe("gateway", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox({ services: [stubEc2, stubStates, stubSts], maxBodyBytes: 64 * 1024 });
  });
  after(() => cb.stop());

  test("GET /_cloudbox/health reports name, version, uptime, memory and services", async () => {
    const res = await fetch(`${cb.endpoint}/_cloudbox/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /json/);
    const h = (await res.json()) as Record<string, any>;
    assert.equal(h.name, "cloudbox");
    assert.match(h.version, /^\d+\.\d+\.\d+/);
    assert.equal(typeof h.uptime, "number");
    assert.ok(h.rss > 1_000_000);
    assert.deepEqual(
      h.services.map((s: any) => [s.name, s.protocol]),
      [
        ["ec2", "ec2"],
        ["states", "json"],
        ["sts", "query"],
      ],
    );
    assert.deepEqual(h.services[2].operations, ["GetCallerIdentity", "GetSessionToken"]);
  });

  test("internal routes: wrong method and unknown route", async () => {
    assert.equal((await fetch(`${cb.endpoint}/_cloudbox/reset`)).status, 405);
    const res = await fetch(`${cb.endpoint}/_cloudbox/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as any).__type, "NotFound");
  });

  test("a request no service claims gets an AWS JSON error", async () => {
    const res = await fetch(`${cb.endpoint}/some/path?x=1`, { method: "POST", body: "hello" });
    assert.equal(res.status, 400);
    assert.ok(res.headers.get("x-amzn-requestid"));
    const body = (await res.json()) as any;
    assert.equal(body.__type, "UnrecognizedClientException");
    assert.equal(typeof body.message, "string");
    // Signed for a service Cloudbox does not serve.
    const signed = await fetch(`${cb.endpoint}/`, {
      method: "POST",
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/nosuchservice/aws4_request, SignedHeaders=host, Signature=00" },
    });
    assert.equal(signed.status, 400);
    assert.equal(((await signed.json()) as any).__type, "UnrecognizedClientException");
  });

  test("an unsigned query request is routed by its form body's Version", async () => {
    const res = await fetch(`${cb.endpoint}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<Account>000000000000<\/Account>/);
  });

  test("an operation in the model but not implemented answers 501 NotImplemented through the SDK", async () => {
    const ec2 = client(EC2Client, cb);
    await assert.rejects(ec2.send(new DescribeVpcsCommand({})), (e: any) => {
      assert.equal(e.name, "NotImplemented");
      assert.equal(e.$metadata?.httpStatusCode, 501);
      assert.match(e.message, /DescribeVpcs/);
      assert.match(e.message, /ec2/);
      return true;
    });
  });

  test("a body over the service's limit answers 413 in the service's protocol", async () => {
    const sfn = client(SFNClient, cb);
    await assert.rejects(sfn.send(new CreateActivityCommand({ name: "x".repeat(4096) })), (e: any) => {
      assert.equal(e.name, "RequestEntityTooLarge");
      assert.equal(e.$metadata?.httpStatusCode, 413);
      return true;
    });
  });

  test("a body over the default limit with no known service answers 413 as plain AWS JSON", async () => {
    const res = await fetch(`${cb.endpoint}/`, { method: "POST", body: Buffer.alloc(200 * 1024, 97) });
    assert.equal(res.status, 413);
    const body = (await res.json()) as any;
    assert.equal(body.__type, "RequestEntityTooLarge");
    // The connection is still usable for the next request.
    assert.equal((await fetch(`${cb.endpoint}/_cloudbox/health`)).status, 200);
  });

  test("accounts: a 12-digit key is that account, others the default, a service hook first", async () => {
    const who = async (accessKeyId: string, region = "us-east-1") => {
      const out = await client(STSClient, cb, { region, credentials: { accessKeyId, secretAccessKey: "x" } }).send(new GetCallerIdentityCommand({}));
      return { account: out.Account, arn: out.Arn, userId: out.UserId };
    };
    assert.deepEqual(await who("111111111111"), {
      account: "111111111111",
      arn: "arn:aws:iam::111111111111:root",
      userId: "111111111111|us-east-1|111111111111",
    });
    assert.deepEqual(await who("test", "eu-west-1"), {
      account: "000000000000",
      arn: "arn:aws:iam::000000000000:root",
      userId: "000000000000|eu-west-1|test",
    });
    assert.equal((await who("ASIAHOOKEDKEY0000000")).account, "333333333333");
  });

  test("a synchronous handler runs in one transaction: its writes roll back when it fails", async () => {
    const stsClient = client(STSClient, cb);
    await assert.rejects(stsClient.send(new GetSessionTokenCommand({})), (e: any) => {
      assert.equal(e.name, "AccessDenied");
      assert.equal(e.$metadata?.httpStatusCode, 403);
      return true;
    });
    assert.equal(cb.store.all("SELECT * FROM stub_writes").length, 0);
  });

  test("an unexpected error is a 500 InternalFailure without a stack trace", async () => {
    const res = await client(STSClient, cb)
      .send(new GetSessionTokenCommand({ SerialNumber: "plain-error" }))
      .then(
        () => assert.fail("should reject"),
        (e: any) => e,
      );
    assert.equal(res.name, "InternalFailure");
    assert.equal(res.$metadata?.httpStatusCode, 500);
    assert.doesNotMatch(JSON.stringify(res), /secret stack|at .*\.ts:\d+/);
  });

  test("POST /_cloudbox/reset and cb.reset() empty the state", async () => {
    cb.store.run("INSERT INTO stub_writes (account, region, id) VALUES ('a', 'r', 'x')");
    const res = await fetch(`${cb.endpoint}/_cloudbox/reset`, { method: "POST" });
    assert.equal(res.status, 200);
    assert.equal(cb.store.all("SELECT * FROM stub_writes").length, 0);
    cb.store.run("INSERT INTO stub_writes (account, region, id) VALUES ('a', 'r', 'y')");
    await cb.reset();
    assert.equal(cb.store.all("SELECT * FROM stub_writes").length, 0);
  });

  test("an SDK client with the in-memory request handler reaches the gateway without a socket", async () => {
    const inMemory = new STSClient({ ...cb.inMemoryClientConfig, region: "eu-north-1", credentials: { accessKeyId: "444444444444", secretAccessKey: "x" } });
    const out = await inMemory.send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, "444444444444");
    assert.equal(out.UserId, "444444444444|eu-north-1|444444444444");
    await assert.rejects(new EC2Client({ ...cb.inMemoryClientConfig, maxAttempts: 1 }).send(new DescribeVpcsCommand({})), (e: any) => e.name === "NotImplemented");
  });

  test("in-memory handle() serves like the network", async () => {
    const res = await cb.handle({ method: "GET", path: "/_cloudbox/health", query: "", headers: {}, body: Buffer.alloc(0) });
    assert.equal(res.status, 200);
  });
});

describe("routing", () => {
  const registry = createServiceRegistry(
    [stubEc2, stubStates, stubSts, { ...stubEc2, name: "s3", signingName: "s3", endpointPrefix: "s3", protocol: "rest-xml" as const }].map(loadedService),
  );
  const route = (headers: Record<string, string>, query = "") => {
    const r = routeRequest({ method: "POST", path: "/", query, headers, body: Buffer.alloc(0) }, registry);
    return { service: r.service?.def.name, accessKeyId: r.accessKeyId, region: r.region };
  };

  test("by the SigV4 credential scope", () => {
    assert.deepEqual(route({ authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-3/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc" }), {
      service: "ec2",
      accessKeyId: "AKIDEXAMPLE",
      region: "eu-west-3",
    });
  });

  test("by a presigned URL's X-Amz-Credential", () => {
    assert.deepEqual(route({}, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=222222222222%2F20240101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=00"), {
      service: "s3",
      accessKeyId: "222222222222",
      region: "us-west-2",
    });
  });

  test("by X-Amz-Target", () => {
    assert.equal(route({ "x-amz-target": "AWSStepFunctions.ListStateMachines" }).service, "states");
    assert.equal(route({ "x-amz-target": "Nope.ListThings" }).service, undefined);
  });

  test("by host name", () => {
    assert.deepEqual(route({ host: "states.ap-south-1.amazonaws.com" }), { service: "states", accessKeyId: undefined, region: "ap-south-1" });
    assert.deepEqual(route({ host: "my-bucket.s3.eu-central-1.amazonaws.com:443" }), { service: "s3", accessKeyId: undefined, region: "eu-central-1" });
    assert.equal(route({ host: "ec2.s3.amazonaws.com" }).service, "s3");
    assert.deepEqual(route({ host: "s3-us-west-2.amazonaws.com" }), { service: "s3", accessKeyId: undefined, region: "us-west-2" });
    assert.equal(route({ host: "sts.amazonaws.com" }).service, "sts");
    assert.equal(route({ host: "127.0.0.1:4566" }).service, undefined);
  });
});

describe("runtime options", () => {
  test("defaultAccountId applies to access keys that are not 12 digits", async () => {
    const cb = await startCloudbox({ services: [stubSts], defaultAccountId: "999999999999" });
    try {
      const out = await client(STSClient, cb).send(new GetCallerIdentityCommand({}));
      assert.equal(out.Account, "999999999999");
    } finally {
      await cb.stop();
    }
  });

  test("an invalid default account is refused", async () => {
    await assert.rejects(startCloudbox({ services: [], defaultAccountId: "12" }), /12 digits/);
  });

  test("by default every Cloudbox service is served, each loading with its first request, and health lists them", async () => {
    const cb = await startCloudbox();
    try {
      const health = async () => (await (await fetch(`${cb.endpoint}/_cloudbox/health`)).json()) as any;
      const before = await health();
      const names = before.services.map((s: any) => s.name);
      for (const name of ["sts", "ec2", "s3", "lambda", "states"]) assert.ok(names.includes(name), `${name} in ${names}`);
      const sts = (h: any) => h.services.find((s: any) => s.name === "sts");
      assert.deepEqual([sts(before).loaded, sts(before).operations], [false, []]);
      await client(STSClient, cb).send(new GetCallerIdentityCommand({}));
      const after = await health();
      assert.equal(sts(after).loaded, true);
      assert.ok(sts(after).operations.includes("GetCallerIdentity"));
      // Step Functions loads at startup only when the store may hold executions to resume
      // (test/states/restart.test.ts); a fresh store leaves it for its first request.
      await cb.ready;
      assert.equal((await health()).services.find((s: any) => s.name === "states").loaded, false);
      assert.equal(after.services.find((s: any) => s.name === "ec2").loaded, false);
      assert.equal(cb.clientConfig.endpoint, cb.endpoint);
      assert.equal(cb.clientConfig.region, "us-east-1");
    } finally {
      await cb.stop();
      await cb.stop();
    }
  });
});

describe("service runtime hooks", () => {
  test("start and stop hooks, internal routes, ctx.runtime, in-memory sdkConfig", async () => {
    const events: string[] = [];
    let runtimeSeen: unknown;
    const hooked: ServiceDefinition = {
      ...stubSts,
      operations: [
        sts("GetCallerIdentity", (_input, ctx) => {
          runtimeSeen = ctx.runtime;
          return { Account: ctx.accountId, Arn: ctx.caller.arn, UserId: ctx.caller.userId };
        }),
      ],
      start: (runtime) => {
        events.push(`start ${runtime.endpoint().startsWith("http://127.0.0.1:")}`);
      },
      stop: () => {
        events.push("stop");
      },
      internalPaths: ["stub/"],
      internalRoute: (req) =>
        req.path === "/_cloudbox/stub/ping" ? { status: 200, headers: { "content-type": "text/plain" }, body: "pong" } : undefined,
    };
    const cb = await startCloudbox({ services: [hooked] });
    try {
      assert.deepEqual(events, ["start true"]);
      const ping = await fetch(`${cb.endpoint}/_cloudbox/stub/ping`);
      assert.equal(await ping.text(), "pong");
      assert.equal((await fetch(`${cb.endpoint}/_cloudbox/stub/other`)).status, 404);
      // A client from runtime.sdkConfig acts as the account it names, in memory.
      const out = await new STSClient(cb.runtime.sdkConfig({ accountId: "555555555555", region: "ap-southeast-2" }) as STSClientConfig).send(new GetCallerIdentityCommand({}));
      assert.equal(out.Account, "555555555555");
      assert.equal(runtimeSeen, cb.runtime);
    } finally {
      await cb.stop();
    }
    assert.deepEqual(events, ["start true", "stop"]);
  });
});
