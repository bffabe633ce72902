/**
 * The json (1.0, 1.1), rest-json and rest-xml codecs against the real SDK v3 clients, with no
 * server: the client's request handler converts the SDK's HttpRequest into ours, runs our codec
 * (resolveOperation + parseInput), records what it parsed, and answers with bytes our codec
 * serialized (an output or an AwsError). The SDK must then yield the same output, or throw an
 * error named by the code with the status.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { HttpResponse as SdkHttpResponse } from "@smithy/core/protocols";
import { AwsError, type HttpRequest, type HttpResponse } from "../../src/core/index.js";
import type { ProtocolCodec } from "../../src/protocol/codec.js";
import { jsonCodec } from "../../src/protocol/json.js";
import { loadServiceModel, type ServiceModel } from "../../src/protocol/model.js";
import { restJsonCodec } from "../../src/protocol/rest-json.js";
import { restXmlCodec } from "../../src/protocol/rest-xml.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const sfnSdk = await import("@aws-sdk/client-sfn");
const ebSdk = await import("@aws-sdk/client-eventbridge");
const lambdaSdk = await import("@aws-sdk/client-lambda");
const s3Sdk = await import("@aws-sdk/client-s3");

const models = {
  states: loadServiceModel({ name: "states", protocol: "json", sdk: sfnSdk as never, clientClass: "SFNClient" }),
  events: loadServiceModel({ name: "events", protocol: "json", sdk: ebSdk as never, clientClass: "EventBridgeClient" }),
  lambda: loadServiceModel({ name: "lambda", protocol: "rest-json", sdk: lambdaSdk as never, clientClass: "LambdaClient" }),
  s3: loadServiceModel({ name: "s3", protocol: "rest-xml", sdk: s3Sdk as never, clientClass: "S3Client" }),
};

// ---------------------------------------------------------------------------------------------
// The in-memory request handler

const encodeQ = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

const collect = async (body: unknown): Promise<Buffer> => {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const parts: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) parts.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(parts);
  }
  throw new Error(`unsupported body type ${typeof body}`);
};

interface SdkRequest {
  method: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

export const toOurRequest = async (r: SdkRequest): Promise<HttpRequest> => {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(r.query ?? {})) {
    if (v === null || v === undefined) parts.push(encodeQ(k));
    else if (Array.isArray(v)) for (const x of v) parts.push(`${encodeQ(k)}=${encodeQ(x)}`);
    else parts.push(`${encodeQ(k)}=${encodeQ(v)}`);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  headers.host ??= r.port ? `${r.hostname}:${r.port}` : r.hostname;
  return { method: r.method, path: r.path, query: parts.join("&"), headers, body: await collect(r.body) };
};

type Responder = (opName: string, input: Record<string, unknown>) => Record<string, unknown> | AwsError;

interface Exchange {
  op?: string;
  input?: Record<string, unknown>;
  request?: HttpRequest;
  response?: HttpResponse;
}

/** A request handler running our codec; `respond` chooses the output (or error) per call. */
const codecHandler = (model: ServiceModel, codec: ProtocolCodec, seen: Exchange, respond: Responder) => ({
  async handle(sdkReq: SdkRequest) {
    const req = await toOurRequest(sdkReq);
    seen.request = req;
    seen.op = undefined;
    seen.input = undefined;
    const meta = { requestId: "req-0123456789" };
    let res: HttpResponse;
    let op;
    try {
      op = codec.resolveOperation(model, req);
      seen.op = op.name;
      const input = codec.parseInput(model, op, req);
      seen.input = input;
      const out = respond(op.name, input);
      res = out instanceof AwsError ? codec.serializeError(model, op, out, meta) : codec.serializeOutput(model, op, out, meta);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      res = codec.serializeError(model, op, e, meta);
    }
    seen.response = res;
    const body = typeof res.body === "string" ? Buffer.from(res.body) : res.body;
    return {
      response: new SdkHttpResponse({ statusCode: res.status, headers: { ...res.headers }, body: Readable.from(body.length ? [body] : []) }),
    };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs() {
    return {};
  },
});

const baseConfig = {
  region: "us-east-1",
  endpoint: "http://localhost:4566",
  credentials: { accessKeyId: "111111111111", secretAccessKey: "test" },
  maxAttempts: 1,
};

/** Builds a client of `Ctor` wired to our codec; returns it with the record of the last exchange. */
const wire = <C>(Ctor: new (cfg: never) => C, model: ServiceModel, codec: ProtocolCodec, respond: Responder, extra: Record<string, unknown> = {}) => {
  const seen: Exchange = {};
  const client = new Ctor({ ...baseConfig, ...extra, requestHandler: codecHandler(model, codec, seen, respond) } as never);
  return { client, seen };
};

const strip = <T extends { $metadata?: unknown }>(o: T): Omit<T, "$metadata"> => {
  const { $metadata: _m, ...rest } = o;
  return rest;
};

/** Expects `promise` to reject with an SDK error named `code` with HTTP `status`. */
const expectSdkError = async (promise: Promise<unknown>, code: string, status: number, message?: string | RegExp) => {
  await assert.rejects(promise, (e: unknown) => {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, code, `error name (message: ${err.message})`);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
};

const raw = (method: string, path: string, headers: Record<string, string>, body = "", query = ""): HttpRequest => ({
  method,
  path,
  query,
  headers,
  body: Buffer.from(body),
});

// ---------------------------------------------------------------------------------------------
// json 1.0: Step Functions

describe("json 1.0 (Step Functions)", () => {
  const model = models.states;
  const created = new Date("2024-05-06T07:08:09.123Z");

  it("ListStateMachines: input, output with timestamps, content type", async () => {
    const output = {
      stateMachines: [{ stateMachineArn: "arn:aws:states:us-east-1:111111111111:stateMachine:a", name: "a", type: "STANDARD", creationDate: created }],
      nextToken: "tok-2",
    };
    const { client, seen } = wire(sfnSdk.SFNClient, model, jsonCodec, () => output);
    const got = await client.send(new sfnSdk.ListStateMachinesCommand({ maxResults: 5, nextToken: "tok-1" }));
    assert.equal(seen.op, "ListStateMachines");
    assert.deepEqual(seen.input, { maxResults: 5, nextToken: "tok-1" });
    assert.equal(seen.request!.headers["content-type"], "application/x-amz-json-1.0");
    assert.equal(seen.response!.headers["content-type"], "application/x-amz-json-1.0");
    assert.equal(seen.response!.headers["x-amzn-requestid"], "req-0123456789");
    assert.deepEqual(strip(got), output);
    assert.equal(got.$metadata.requestId, "req-0123456789");
    // epoch seconds on the wire, fractional
    assert.match(String(seen.response!.body), /"creationDate":1714979289\.123/);
  });

  it("ListStateMachines: empty input, empty list", async () => {
    const { client, seen } = wire(sfnSdk.SFNClient, model, jsonCodec, () => ({ stateMachines: [] }));
    const got = await client.send(new sfnSdk.ListStateMachinesCommand({}));
    assert.deepEqual(seen.input, {});
    assert.deepEqual(strip(got), { stateMachines: [] });
  });

  it("CreateStateMachine: nested structures, lists, tags", async () => {
    const input = {
      name: "my-machine",
      definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }),
      roleArn: "arn:aws:iam::111111111111:role/r",
      type: "EXPRESS" as const,
      loggingConfiguration: { level: "ALL" as const, includeExecutionData: true, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: "arn:aws:logs:us-east-1:1:log-group:g:*" } }] },
      tags: [{ key: "k", value: "v" }],
      tracingConfiguration: { enabled: false },
    };
    const output = { stateMachineArn: "arn:aws:states:us-east-1:111111111111:stateMachine:my-machine", creationDate: created };
    const { client, seen } = wire(sfnSdk.SFNClient, model, jsonCodec, () => output);
    const got = await client.send(new sfnSdk.CreateStateMachineCommand(input));
    assert.equal(seen.op, "CreateStateMachine");
    assert.deepEqual(seen.input, input);
    assert.deepEqual(strip(got), output);
  });

  it("DescribeExecution: timestamps both ways", async () => {
    const output = {
      executionArn: "arn:aws:states:us-east-1:111111111111:execution:m:e",
      stateMachineArn: "arn:aws:states:us-east-1:111111111111:stateMachine:m",
      name: "e",
      status: "SUCCEEDED",
      startDate: new Date(1700000000000),
      stopDate: new Date(1700000001500),
      input: "{}",
      output: '{"ok":true}',
      inputDetails: { included: true },
    };
    const { client, seen } = wire(sfnSdk.SFNClient, model, jsonCodec, () => output);
    const got = await client.send(new sfnSdk.DescribeExecutionCommand({ executionArn: output.executionArn, includedData: "ALL_DATA" }));
    assert.deepEqual(seen.input, { executionArn: output.executionArn, includedData: "ALL_DATA" });
    assert.deepEqual(strip(got), output);
  });

  it("modelled error: namespace-qualified __type, status, message", async () => {
    const { client, seen } = wire(sfnSdk.SFNClient, model, jsonCodec, () =>
      new AwsError("StateMachineDoesNotExist", "State Machine Does Not Exist: 'arn:x'", { status: 400 }),
    );
    await expectSdkError(client.send(new sfnSdk.DescribeStateMachineCommand({ stateMachineArn: "arn:x" })), "StateMachineDoesNotExist", 400, "State Machine Does Not Exist: 'arn:x'");
    const body = JSON.parse(String(seen.response!.body));
    assert.equal(body.__type, "com.amazonaws.sfn#StateMachineDoesNotExist");
    assert.equal(seen.response!.headers["x-amzn-errortype"], "StateMachineDoesNotExist");
  });

  it("missing required member: ValidationException with Coral's message", async () => {
    const { client } = wire(sfnSdk.SFNClient, model, jsonCodec, () => ({}));
    await expectSdkError(
      client.send(new sfnSdk.DescribeExecutionCommand({} as never)),
      "ValidationException",
      400,
      "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
    );
  });

  it("unknown target, missing target, malformed JSON, wrong types", () => {
    const h = { "content-type": "application/x-amz-json-1.0" };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof AwsError, String(e));
        return `${e.code} ${e.status} ${e.message}`;
      }
      return "no error";
    };
    assert.match(code(() => jsonCodec.resolveOperation(model, raw("POST", "/", { ...h, "x-amz-target": "AWSStepFunctions.Nope" }))), /^UnknownOperationException 400/);
    assert.match(code(() => jsonCodec.resolveOperation(model, raw("POST", "/", h))), /^UnknownOperationException 400/);
    assert.match(code(() => jsonCodec.resolveOperation(model, raw("POST", "/", { ...h, "x-amz-target": "Other.ListStateMachines" }))), /^UnknownOperationException 400/);
    const op = jsonCodec.resolveOperation(model, raw("POST", "/", { ...h, "x-amz-target": "AWSStepFunctions.ListStateMachines" }));
    assert.equal(op.name, "ListStateMachines");
    assert.match(code(() => jsonCodec.parseInput(model, op, raw("POST", "/", h, "{not json"))), /^SerializationException 400 Malformed JSON/);
    assert.match(code(() => jsonCodec.parseInput(model, op, raw("POST", "/", h, "[1]"))), /^SerializationException 400/);
    assert.match(code(() => jsonCodec.parseInput(model, op, raw("POST", "/", h, '{"maxResults":"5"}'))), /^SerializationException 400 .*'maxResults'.*number/);
    assert.deepEqual(jsonCodec.parseInput(model, op, raw("POST", "/", h, "")), {});
    const create = model.operations.get("CreateStateMachine")!;
    assert.match(
      code(() => jsonCodec.parseInput(model, create, raw("POST", "/", h, '{"definition":"{}"}'))),
      /^ValidationException 400 2 validation errors detected: Value null at 'name' .*; Value null at 'roleArn'/,
    );
    assert.match(code(() => jsonCodec.parseInput(model, create, raw("POST", "/", h, '{"name":"a","definition":"{}","roleArn":"r","tags":{}}'))), /^SerializationException 400 .*'tags'.*array/);
    // Errors raised before an operation is known serialize too.
    const res = jsonCodec.serializeError(model, undefined, new AwsError("UnknownOperationException", "Unknown operation", { status: 400 }), { requestId: "r" });
    assert.equal(JSON.parse(String(res.body)).__type, "com.amazon.coral.service#UnknownOperationException");
  });
});

// ---------------------------------------------------------------------------------------------
// json 1.1: EventBridge

describe("json 1.1 (EventBridge)", () => {
  const model = models.events;

  it("ListEventBuses", async () => {
    const output = { EventBuses: [{ Name: "default", Arn: "arn:aws:events:us-east-1:111111111111:event-bus/default", CreationTime: new Date(1600000000000) }] };
    const { client, seen } = wire(ebSdk.EventBridgeClient, model, jsonCodec, () => output);
    const got = await client.send(new ebSdk.ListEventBusesCommand({ NamePrefix: "de", Limit: 10 }));
    assert.equal(seen.request!.headers["x-amz-target"], "AWSEvents.ListEventBuses");
    assert.equal(seen.request!.headers["content-type"], "application/x-amz-json-1.1");
    assert.deepEqual(seen.input, { NamePrefix: "de", Limit: 10 });
    assert.equal(seen.response!.headers["content-type"], "application/x-amz-json-1.1");
    assert.deepEqual(strip(got), output);
  });

  it("PutEvents: list of structures with timestamps", async () => {
    const input = {
      Entries: [
        { Source: "my.app", DetailType: "Thing Happened", Detail: '{"a":1}', EventBusName: "default", Time: new Date(1700000000000), Resources: ["arn:1", "arn:2"] },
        { Source: "my.app", DetailType: "Other", Detail: "{}" },
      ],
    };
    const output = { FailedEntryCount: 1, Entries: [{ EventId: "e-1" }, { ErrorCode: "InternalFailure", ErrorMessage: "boom" }] };
    const { client, seen } = wire(ebSdk.EventBridgeClient, model, jsonCodec, () => output);
    const got = await client.send(new ebSdk.PutEventsCommand(input));
    assert.deepEqual(seen.input, input);
    assert.deepEqual(strip(got), output);
  });

  it("modelled error (bare __type in 1.1) and nested required members", async () => {
    const { client, seen } = wire(ebSdk.EventBridgeClient, model, jsonCodec, () => new AwsError("ResourceNotFoundException", "Event bus nope does not exist.", { status: 400 }));
    await expectSdkError(client.send(new ebSdk.DescribeEventBusCommand({ Name: "nope" })), "ResourceNotFoundException", 400, "Event bus nope does not exist.");
    assert.equal(JSON.parse(String(seen.response!.body)).__type, "ResourceNotFoundException");
    await expectSdkError(
      client.send(new ebSdk.PutRuleCommand({} as never)),
      "ValidationException",
      400,
      /^1 validation error detected: Value null at 'name'/,
    );
    await expectSdkError(
      client.send(new ebSdk.PutTargetsCommand({ Rule: "r", Targets: [{ Id: "1" } as never] })),
      "ValidationException",
      400,
      /Value null at 'targets\.1\.member\.arn'/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// rest-json: Lambda

describe("rest-json (Lambda)", () => {
  const model = models.lambda;

  it("ListFunctions: query parameters, trailing-slash route", async () => {
    const output = {
      Functions: [{ FunctionName: "f", FunctionArn: "arn:aws:lambda:us-east-1:111111111111:function:f", Runtime: "nodejs20.x", MemorySize: 128, LastModified: "2024-01-01T00:00:00.000+0000" }],
      NextMarker: "m2",
    };
    const { client, seen } = wire(lambdaSdk.LambdaClient, model, restJsonCodec, () => output);
    const got = await client.send(new lambdaSdk.ListFunctionsCommand({ MasterRegion: "ALL", FunctionVersion: "ALL", Marker: "m 1/+", MaxItems: 10 }));
    assert.equal(seen.op, "ListFunctions");
    assert.deepEqual(seen.input, { MasterRegion: "ALL", FunctionVersion: "ALL", Marker: "m 1/+", MaxItems: 10 });
    assert.equal(seen.response!.headers["x-amzn-requestid"], "req-0123456789");
    assert.deepEqual(strip(got), output);
    const empty = await client.send(new lambdaSdk.ListFunctionsCommand({}));
    assert.deepEqual(seen.input, {});
    assert.deepEqual(strip(empty), output);
  });

  it("Invoke: blob payload both ways, headers, status code member", async () => {
    const payloadIn = new TextEncoder().encode('{"hello":"world"}');
    const payloadOut = new TextEncoder().encode('{"statusCode":200}');
    const output = { StatusCode: 202, FunctionError: "Unhandled", LogResult: Buffer.from("log").toString("base64"), Payload: payloadOut, ExecutedVersion: "$LATEST" };
    const { client, seen } = wire(lambdaSdk.LambdaClient, model, restJsonCodec, () => output);
    const input = { FunctionName: "my-fn", InvocationType: "RequestResponse" as const, LogType: "Tail" as const, ClientContext: "e30=", Payload: payloadIn, Qualifier: "1" };
    const got = await client.send(new lambdaSdk.InvokeCommand(input));
    assert.equal(seen.op, "Invoke");
    assert.deepEqual(seen.input, input);
    assert.equal(seen.response!.status, 202);
    const { Payload, ...rest } = strip(got);
    const { Payload: _p, ...expected } = output;
    assert.deepEqual(rest, expected);
    assert.equal(Buffer.from(Payload!).toString(), '{"statusCode":200}');
  });

  it("CreateFunction: nested structures, maps, ZipFile blob", async () => {
    const input = {
      FunctionName: "my-fn",
      Runtime: "nodejs20.x" as const,
      Role: "arn:aws:iam::111111111111:role/r",
      Handler: "index.handler",
      Code: { ZipFile: new Uint8Array([80, 75, 3, 4, 0, 255]) },
      Environment: { Variables: { A: "1", B: "two words" } },
      Tags: { team: "x" },
      Timeout: 3,
      MemorySize: 256,
      Publish: true,
      Layers: ["arn:aws:lambda:us-east-1:1:layer:l:1"],
      VpcConfig: { SubnetIds: ["subnet-1"], SecurityGroupIds: ["sg-1"] },
      Architectures: ["arm64" as const],
    };
    const output = {
      FunctionName: "my-fn",
      FunctionArn: "arn:aws:lambda:us-east-1:111111111111:function:my-fn",
      Runtime: "nodejs20.x",
      State: "Pending",
      Environment: { Variables: { A: "1", B: "two words" } },
      Layers: [{ Arn: "arn:aws:lambda:us-east-1:1:layer:l:1", CodeSize: 10 }],
      CodeSize: 6,
      Architectures: ["arm64"],
    };
    const { client, seen } = wire(lambdaSdk.LambdaClient, model, restJsonCodec, () => output);
    const got = await client.send(new lambdaSdk.CreateFunctionCommand(input));
    assert.equal(seen.op, "CreateFunction");
    assert.deepEqual(seen.input, input);
    assert.equal(seen.response!.status, 201);
    assert.deepEqual(strip(got), output);
  });

  it("GetFunction: label with an ARN, query member", async () => {
    const arn = "arn:aws:lambda:us-east-1:111111111111:function:my-fn";
    const output = { Configuration: { FunctionName: "my-fn", FunctionArn: arn }, Code: { RepositoryType: "S3", Location: "https://x" }, Tags: { a: "b" } };
    const { client, seen } = wire(lambdaSdk.LambdaClient, model, restJsonCodec, () => output);
    const got = await client.send(new lambdaSdk.GetFunctionCommand({ FunctionName: arn, Qualifier: "$LATEST" }));
    assert.equal(seen.op, "GetFunction");
    assert.deepEqual(seen.input, { FunctionName: arn, Qualifier: "$LATEST" });
    assert.deepEqual(strip(got), output);
    // GetFunctionConfiguration shares the prefix: the more specific template wins.
    await client.send(new lambdaSdk.GetFunctionConfigurationCommand({ FunctionName: "my-fn" }));
    assert.equal(seen.op, "GetFunctionConfiguration");
  });

  it("errors: modelled with fields and header member, unmodelled, no route", async () => {
    let err: AwsError = new AwsError("ResourceNotFoundException", "Function not found: arn:x", { status: 404, fields: { Type: "User" } });
    const { client, seen } = wire(lambdaSdk.LambdaClient, model, restJsonCodec, () => err);
    await assert.rejects(client.send(new lambdaSdk.GetFunctionCommand({ FunctionName: "x" })), (e: any) => {
      assert.equal(e.name, "ResourceNotFoundException");
      assert.equal(e.$metadata.httpStatusCode, 404);
      assert.equal(e.message, "Function not found: arn:x");
      assert.equal(e.Type, "User");
      return true;
    });
    assert.equal(seen.response!.headers["x-amzn-errortype"], "ResourceNotFoundException");
    err = new AwsError("TooManyRequestsException", "Rate exceeded", { status: 429, fields: { retryAfterSeconds: "5", Type: "User", Reason: "CallerRateLimitExceeded" } });
    await assert.rejects(client.send(new lambdaSdk.GetFunctionCommand({ FunctionName: "x" })), (e: any) => {
      assert.equal(e.name, "TooManyRequestsException");
      assert.equal(e.$metadata.httpStatusCode, 429);
      assert.equal(e.retryAfterSeconds, "5");
      assert.equal(e.Reason, "CallerRateLimitExceeded");
      return true;
    });
    assert.equal(seen.response!.headers["retry-after"], "5");
    err = new AwsError("NotImplemented", "not yet", { status: 501 });
    await expectSdkError(client.send(new lambdaSdk.ListFunctionsCommand({})), "NotImplemented", 501, "not yet");
    // malformed JSON body, wrong type
    const create = model.operations.get("CreateFunction")!;
    const req = (body: string) => raw("POST", "/2015-03-31/functions", { "content-type": "application/json" }, body);
    assert.throws(() => restJsonCodec.parseInput(model, create, req("{")), (e: any) => e.code === "SerializationException" && e.status === 400);
    assert.throws(() => restJsonCodec.parseInput(model, create, req('{"FunctionName":1}')), (e: any) => e.code === "SerializationException");
    assert.throws(
      () => restJsonCodec.parseInput(model, create, req('{"FunctionName":"f"}')),
      (e: any) => e.code === "ValidationException" && /^2 validation errors detected: Value null at 'role'.*'code'/.test(e.message),
    );
    // no route / wrong method
    assert.throws(() => restJsonCodec.resolveOperation(model, raw("GET", "/nope", {})), (e: any) => e.code === "UnknownOperationException" && e.status === 404);
    assert.throws(() => restJsonCodec.resolveOperation(model, raw("PATCH", "/2015-03-31/functions/", {})), (e: any) => e.status === 405);
    // bad number in a query parameter
    const list = model.operations.get("ListFunctions")!;
    assert.throws(() => restJsonCodec.parseInput(model, list, raw("GET", "/2015-03-31/functions/", {}, "", "MaxItems=abc")), (e: any) => e.code === "SerializationException");
  });
});

// ---------------------------------------------------------------------------------------------
// rest-xml: S3

const s3Suite = (style: "path" | "virtual") => () => {
  const model = models.s3;
  const extra = {
    forcePathStyle: style === "path",
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };

  it("ListBuckets: empty-body GET /, root element and namespace", async () => {
    const output = {
      Buckets: [{ Name: "b1", CreationDate: new Date("2024-01-02T03:04:05Z"), BucketRegion: "us-east-1" }],
      Owner: { DisplayName: "me", ID: "abc" },
    };
    const { client, seen } = wire(s3Sdk.S3Client, model, restXmlCodec, () => output, extra);
    const got = await client.send(new s3Sdk.ListBucketsCommand({}));
    assert.equal(seen.op, "ListBuckets");
    assert.deepEqual(seen.input, {});
    const body = String(seen.response!.body);
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?><ListAllMyBucketsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
    assert.match(body, /<Buckets><Bucket><Name>b1<\/Name><CreationDate>2024-01-02T03:04:05Z<\/CreationDate>/);
    assert.equal(seen.response!.headers["x-amz-request-id"], "req-0123456789");
    assert.ok(seen.response!.headers["x-amz-id-2"]);
    assert.deepEqual(strip(got), output);
    const empty = await wire(s3Sdk.S3Client, model, restXmlCodec, () => ({ Buckets: [] }), extra).client.send(new s3Sdk.ListBucketsCommand({}));
    assert.deepEqual(empty.Buckets ?? [], []);
  });

  it("PutObject: streaming payload, headers, metadata prefix headers", async () => {
    const { client, seen } = wire(s3Sdk.S3Client, model, restXmlCodec, () => ({ ETag: '"abc"', VersionId: "v1", ServerSideEncryption: "AES256" }), extra);
    const got = await client.send(
      new s3Sdk.PutObjectCommand({
        Bucket: "my-bucket",
        Key: "dir/a b+c%.txt",
        Body: "hello world",
        ContentType: "text/plain",
        Metadata: { color: "blue", "two-words": "x y" },
        CacheControl: "no-cache",
        Expires: new Date("2030-01-01T00:00:00Z"),
        ObjectLockRetainUntilDate: new Date("2031-01-01T00:00:00Z"),
        Tagging: "a=b&c=d",
      }),
    );
    assert.equal(seen.op, "PutObject");
    const { Body, ...input } = seen.input!;
    assert.equal(Buffer.from(Body as Uint8Array).toString(), "hello world");
    assert.ok(Body instanceof Uint8Array);
    assert.deepEqual(input, {
      Bucket: "my-bucket",
      Key: "dir/a b+c%.txt",
      ContentType: "text/plain",
      ContentLength: 11,
      Metadata: { color: "blue", "two-words": "x y" },
      CacheControl: "no-cache",
      Expires: new Date("2030-01-01T00:00:00Z"),
      ObjectLockRetainUntilDate: new Date("2031-01-01T00:00:00Z"),
      Tagging: "a=b&c=d",
    });
    assert.deepEqual(strip(got), { ETag: '"abc"', VersionId: "v1", ServerSideEncryption: "AES256" });
  });

  it("GetObject: payload out, headers, metadata, http-date", async () => {
    const output = {
      Body: Buffer.from("file contents"),
      ContentType: "text/plain",
      ContentLength: 13,
      ETag: '"e"',
      LastModified: new Date("2024-03-04T05:06:07Z"),
      Metadata: { color: "blue" },
      TagCount: 2,
      DeleteMarker: false,
    };
    const { client, seen } = wire(s3Sdk.S3Client, model, restXmlCodec, () => output, extra);
    const got = await client.send(new s3Sdk.GetObjectCommand({ Bucket: "my-bucket", Key: "k/with/slashes", Range: "bytes=0-3", IfModifiedSince: new Date("2020-01-01T00:00:00Z"), ResponseContentType: "a/b", PartNumber: 1 }));
    assert.equal(seen.op, "GetObject");
    assert.deepEqual(seen.input, { Bucket: "my-bucket", Key: "k/with/slashes", Range: "bytes=0-3", IfModifiedSince: new Date("2020-01-01T00:00:00Z"), ResponseContentType: "a/b", PartNumber: 1 });
    assert.equal(seen.response!.headers["last-modified"], "Mon, 04 Mar 2024 05:06:07 GMT");
    assert.equal(seen.response!.headers["x-amz-meta-color"], "blue");
    const { Body, ...rest } = strip(got);
    assert.equal(await Body!.transformToString(), "file contents");
    const { Body: _b, ...expected } = output;
    assert.deepEqual(rest, expected);
  });

  it("ListObjectsV2: query literal list-type=2, flattened lists", async () => {
    const output = {
      IsTruncated: true,
      Contents: [
        { Key: "a/1", LastModified: new Date("2024-01-01T00:00:00.5Z"), ETag: '"1"', Size: 1, StorageClass: "STANDARD" },
        { Key: "a/2 & <3>", LastModified: new Date("2024-01-01T00:00:00Z"), ETag: '"2"', Size: 2, StorageClass: "STANDARD", ChecksumAlgorithm: ["CRC32"] },
      ],
      Name: "my-bucket",
      Prefix: "a/",
      Delimiter: "/",
      MaxKeys: 2,
      CommonPrefixes: [{ Prefix: "a/b/" }],
      KeyCount: 3,
      NextContinuationToken: "next",
    };
    const { client, seen } = wire(s3Sdk.S3Client, model, restXmlCodec, () => output, extra);
    const got = await client.send(new s3Sdk.ListObjectsV2Command({ Bucket: "my-bucket", Prefix: "a/", Delimiter: "/", MaxKeys: 2, ContinuationToken: "tok" }));
    assert.equal(seen.op, "ListObjectsV2");
    assert.deepEqual(seen.input, { Bucket: "my-bucket", Prefix: "a/", Delimiter: "/", MaxKeys: 2, ContinuationToken: "tok" });
    assert.match(String(seen.response!.body), /<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><IsTruncated>true<\/IsTruncated><Contents><Key>a\/1<\/Key>/);
    assert.deepEqual(strip(got), output);
    // without list-type=2 it is ListObjects (v1)
    await client.send(new s3Sdk.ListObjectsCommand({ Bucket: "my-bucket" }));
    assert.equal(seen.op, "ListObjects");
  });

  it("PutBucketTagging: XML payload in; CreateBucket: XML body with location", async () => {
    const { client, seen } = wire(s3Sdk.S3Client, model, restXmlCodec, () => ({}), { ...extra, requestChecksumCalculation: "WHEN_SUPPORTED" });
    await client.send(new s3Sdk.PutBucketTaggingCommand({ Bucket: "my-bucket", Tagging: { TagSet: [{ Key: "a&b", Value: "<v>" }, { Key: "k", Value: "" }] } }));
    assert.equal(seen.op, "PutBucketTagging");
    const { ContentMD5: _md5, ChecksumAlgorithm: _alg, ...tagging } = seen.input!;
    assert.deepEqual(tagging, { Bucket: "my-bucket", Tagging: { TagSet: [{ Key: "a&b", Value: "<v>" }, { Key: "k", Value: "" }] } });
    await client.send(new s3Sdk.CreateBucketCommand({ Bucket: "my-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" }, ACL: "private" }));
    assert.equal(seen.op, "CreateBucket");
    assert.deepEqual(seen.input, { Bucket: "my-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" }, ACL: "private" });
  });

  it("errors: S3 <Error> document, HEAD without body, malformed XML", async () => {
    let err = new AwsError("NoSuchKey", "The specified key does not exist.", { status: 404, fields: { Key: "nope" } });
    const { client, seen } = wire(s3Sdk.S3Client, model, restXmlCodec, () => err, extra);
    await assert.rejects(client.send(new s3Sdk.GetObjectCommand({ Bucket: "my-bucket", Key: "nope" })), (e: any) => {
      assert.equal(e.name, "NoSuchKey");
      assert.equal(e.$metadata.httpStatusCode, 404);
      assert.equal(e.message, "The specified key does not exist.");
      return true;
    });
    assert.match(String(seen.response!.body), /^<\?xml version="1.0" encoding="UTF-8"\?><Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>nope<\/Key><RequestId>req-0123456789<\/RequestId><HostId>/);
    err = new AwsError("NoSuchBucket", "The specified bucket does not exist", { status: 404, fields: { BucketName: "my-bucket" } });
    await expectSdkError(client.send(new s3Sdk.ListObjectsV2Command({ Bucket: "my-bucket" })), "NoSuchBucket", 404, "The specified bucket does not exist");
    await expectSdkError(client.send(new s3Sdk.HeadObjectCommand({ Bucket: "my-bucket", Key: "nope" })), "NotFound", 404);
    assert.equal(seen.response!.body, "");
    err = new AwsError("AccessDenied", "Access Denied", { status: 403 });
    await expectSdkError(client.send(new s3Sdk.GetBucketPolicyCommand({ Bucket: "my-bucket" })), "AccessDenied", 403, "Access Denied");
    const put = model.operations.get("PutBucketTagging")!;
    assert.throws(
      () => restXmlCodec.parseInput(model, put, raw("PUT", "/b", {}, "<Tagging><TagSet></Tagging>", "tagging")),
      (e: any) => e.code === "MalformedXML" && e.status === 400,
    );
  });
};

describe("rest-xml (S3, path style)", s3Suite("path"));

describe("rest-xml override table", () => {
  it("GetBucketLocation: the constraint is the root element's text, as S3 sends it", async () => {
    const extra = { forcePathStyle: true };
    let output: Record<string, unknown> = { LocationConstraint: "eu-west-1" };
    const { client, seen } = wire(s3Sdk.S3Client, models.s3, restXmlCodec, () => output, extra);
    const got = await client.send(new s3Sdk.GetBucketLocationCommand({ Bucket: "b" }));
    assert.equal(seen.response!.body, '<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>');
    assert.deepEqual(strip(got), { LocationConstraint: "eu-west-1" });
    output = {};
    const east = await client.send(new s3Sdk.GetBucketLocationCommand({ Bucket: "b" }));
    assert.equal(east.LocationConstraint, undefined);
  });
});
describe("rest-xml (S3, virtual-hosted style)", s3Suite("virtual"));

describe("rest-xml routing details", () => {
  const model = models.s3;
  const route = (method: string, path: string, query = "", host = "localhost:4566") =>
    restXmlCodec.resolveOperation(model, raw(method, path, { host }, "", query)).name;

  it("routes path style, virtual-hosted style and sub-resources", () => {
    assert.equal(route("GET", "/"), "ListBuckets");
    assert.equal(route("POST", "/WriteGetObjectResponse"), "WriteGetObjectResponse");
    assert.equal(route("GET", "/b"), "ListObjects");
    assert.equal(route("GET", "/b/"), "ListObjects");
    assert.equal(route("GET", "/b", "list-type=2"), "ListObjectsV2");
    assert.equal(route("GET", "/", "list-type=2", "b.localhost:4566"), "ListObjectsV2");
    assert.equal(route("GET", "/k", "", "b.s3.amazonaws.com"), "GetObject");
    assert.equal(route("GET", "/k", "", "b.s3.us-west-2.amazonaws.com"), "GetObject");
    assert.equal(route("GET", "/b/k"), "GetObject");
    assert.equal(route("GET", "/b/k", "x-id=GetObject"), "GetObject");
    assert.equal(route("GET", "/b/k", "tagging"), "GetObjectTagging");
    assert.equal(route("PUT", "/b/k"), "PutObject");
    assert.equal(restXmlCodec.resolveOperation(model, raw("PUT", "/b/k", { host: "localhost", "x-amz-copy-source": "/a/b" })).name, "CopyObject");
    assert.equal(route("PUT", "/b/k", "partNumber=1&uploadId=u&x-id=UploadPart"), "UploadPart");
    assert.equal(route("HEAD", "/b/k"), "HeadObject");
    assert.equal(route("HEAD", "/b"), "HeadBucket");
    assert.equal(route("PUT", "/b"), "CreateBucket");
    assert.equal(route("GET", "/b", "location"), "GetBucketLocation");
    assert.equal(route("POST", "/b", "delete"), "DeleteObjects");
    assert.equal(route("POST", "/b/k", "uploads"), "CreateMultipartUpload");
    assert.equal(route("PUT", "/b/k", "partNumber=1&uploadId=u"), "UploadPart");
    const op = model.operations.get("GetObject")!;
    assert.deepEqual(restXmlCodec.parseInput(model, op, raw("GET", "/b/a%20b//c%2Fd", { host: "localhost" })), { Bucket: "b", Key: "a b//c/d" });
    assert.deepEqual(restXmlCodec.parseInput(model, op, raw("GET", "/a%20b//c", { host: "b.localhost:4566" })), { Bucket: "b", Key: "a b//c" });
  });

  it("decodes aws-chunked uploads with trailing checksums", () => {
    const op = model.operations.get("PutObject")!;
    const body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    const input = restXmlCodec.parseInput(
      model,
      op,
      raw("PUT", "/b/k", { host: "localhost", "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "11", "x-amz-trailer": "x-amz-checksum-crc32" }, body),
    );
    assert.equal(Buffer.from(input.Body as Uint8Array).toString(), "hello world");
    assert.equal(input.ChecksumCRC32, "DUoRhQ==");
    assert.equal(input.ContentEncoding, undefined);
  });
});
