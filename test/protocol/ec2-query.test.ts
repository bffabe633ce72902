/**
 * The ec2 and query codecs against the real SDK v3 clients, with no server: the client's request
 * handler hands the HttpRequest the SDK built to our codec (resolveOperation + parseInput), the
 * test checks the parsed input, and our codec serializes the output (or AwsError) that the SDK
 * then deserializes. Synthetic models (maps, flattened lists and maps, renamed members) are
 * checked against the SDK's own QueryShapeSerializer and XmlShapeDeserializer.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import {
  AssumeRoleCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  IDPRejectedClaimException,
  STSClient,
  type AssumeRoleCommandOutput,
} from "@aws-sdk/client-sts";
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  ImportKeyPairCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { QueryShapeSerializer, XmlShapeDeserializer } from "@aws-sdk/core/protocols";
import { AwsError, type HttpRequest, type HttpResponse } from "../../src/core/index.js";
import type { ProtocolCodec } from "../../src/protocol/codec.js";
import { ec2Codec } from "../../src/protocol/ec2.js";
import { loadServiceModel, shapeFromSchema, type OperationModel, type ServiceModel } from "../../src/protocol/model.js";
import { queryCodec } from "../../src/protocol/query.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const ec2Model = loadServiceModel({ name: "ec2", protocol: "ec2", sdk: await import("@aws-sdk/client-ec2"), clientClass: "EC2Client" });
const stsModel = loadServiceModel({ name: "sts", protocol: "query", sdk: await import("@aws-sdk/client-sts"), clientClass: "STSClient" });

// ---------------------------------------------------------------------------------------------
// Harness

type Handler = (op: OperationModel, input: Record<string, unknown>) => Record<string, unknown>;

interface Harness {
  /** What the next request does; `rewrite` may alter our HttpRequest before the codec sees it. */
  handler: Handler;
  rewrite?: (req: HttpRequest) => HttpRequest;
  lastInput?: Record<string, unknown>;
  lastOp?: string;
  lastResponse?: HttpResponse;
}

/** The SDK's HttpRequest as the gateway would hand it to us. */
const toOurRequest = (request: {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}): HttpRequest => {
  const query = Object.entries(request.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))
    .map(([k, v]) => (v === null ? encodeURIComponent(k!) : `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`))
    .join("&");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body as string);
  return { method: request.method, path: request.path, query, headers, body };
};

/** What the gateway does with a codec: resolve, parse, handle, serialize (errors included). */
const serve = (model: ServiceModel, codec: ProtocolCodec, h: Harness, req: HttpRequest): HttpResponse => {
  const meta = { requestId: "req-0123-4567" };
  let op: OperationModel | undefined;
  try {
    op = codec.resolveOperation(model, req);
    h.lastOp = op.name;
    const input = codec.parseInput(model, op, req);
    h.lastInput = input;
    return codec.serializeOutput(model, op, h.handler(op, input), meta);
  } catch (e) {
    if (e instanceof AwsError) return codec.serializeError(model, op, e, meta);
    throw e;
  }
};

const makeClient = <C>(Ctor: new (config: object) => C, model: ServiceModel, codec: ProtocolCodec): { client: C; h: Harness } => {
  const h: Harness = { handler: () => ({}) };
  const requestHandler = {
    async handle(request: Parameters<typeof toOurRequest>[0]) {
      let req = toOurRequest(request);
      if (h.rewrite) req = h.rewrite(req);
      const res = serve(model, codec, h, req);
      h.lastResponse = res;
      return {
        response: {
          statusCode: res.status,
          reason: undefined,
          headers: res.headers,
          body: Readable.from([Buffer.from(res.body)]),
        },
      };
    },
    httpHandlerConfigs: () => ({}),
    updateHttpClientConfig() {},
    destroy() {},
  };
  const client = new Ctor({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:4566",
    credentials: { accessKeyId: "111111111111", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler,
  });
  return { client, h };
};

/** Deep-comparable form: byte arrays as plain arrays (Buffer vs Uint8Array), no $metadata. */
const norm = (v: unknown): unknown => {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== "$metadata" && x !== undefined) out[k] = norm(x);
    return out;
  }
  return v;
};

const ec2 = makeClient(EC2Client, ec2Model, ec2Codec);
const sts = makeClient(STSClient, stsModel, queryCodec);

/** Sends a command; asserts the codec parsed exactly `input` and the SDK returned exactly `output`. */
const roundTrip = async (
  side: { client: { send(c: unknown): Promise<unknown> }; h: Harness },
  command: { input: object },
  output: Record<string, unknown>,
  expectedInput: object = command.input,
): Promise<unknown> => {
  side.h.rewrite = undefined;
  side.h.handler = () => output;
  const result = await side.client.send(command);
  assert.deepStrictEqual(norm(side.h.lastInput), norm(expectedInput));
  assert.deepStrictEqual(norm(result), norm(output));
  return result;
};

/** Sends a command whose handler throws (or whose request the codec rejects); returns the SDK error. */
const expectError = async (
  side: { client: { send(c: unknown): Promise<unknown> }; h: Harness },
  command: unknown,
  opts: { throws?: AwsError; rewrite?: (req: HttpRequest) => HttpRequest; name: string; status: number; message?: string | RegExp },
): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> => {
  side.h.rewrite = opts.rewrite;
  side.h.handler = () => {
    if (opts.throws) throw opts.throws;
    return {};
  };
  try {
    await side.client.send(command);
  } catch (e) {
    const err = e as Error & { $metadata: { httpStatusCode?: number; requestId?: string } };
    assert.equal(err.name, opts.name);
    assert.equal(err.$metadata.httpStatusCode, opts.status);
    assert.equal(err.$metadata.requestId, "req-0123-4567");
    if (typeof opts.message === "string") assert.equal(err.message, opts.message);
    else if (opts.message) assert.match(err.message, opts.message);
    return err;
  } finally {
    side.h.rewrite = undefined;
  }
  assert.fail(`expected ${opts.name}`);
};

const rawRequest = (body: string, opts: Partial<HttpRequest> = {}): HttpRequest => ({
  method: "POST",
  path: "/",
  query: "",
  headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  body: Buffer.from(body),
  ...opts,
});

const codeOf = (fn: () => unknown): { code: string; status: number; message: string } => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AwsError, `expected an AwsError, got ${String(e)}`);
    return { code: e.code, status: e.status, message: e.message };
  }
  assert.fail("expected an AwsError");
};

// ---------------------------------------------------------------------------------------------
// EC2

describe("ec2 codec with the real EC2Client", () => {
  test("DescribeAvailabilityZones: lists, filters with nested value lists, booleans", async () => {
    await roundTrip(
      ec2,
      new DescribeAvailabilityZonesCommand({
        ZoneNames: ["us-east-1a", "us-east-1b"],
        ZoneIds: ["use1-az1"],
        AllAvailabilityZones: true,
        DryRun: false,
        Filters: [
          { Name: "region-name", Values: ["us-east-1"] },
          { Name: "state", Values: ["available", "impaired", "unavailable"] },
        ],
      }),
      {
        AvailabilityZones: [
          {
            State: "available",
            OptInStatus: "opt-in-not-required",
            Messages: [{ Message: "all good" }, { Message: "a <b> & \"c\" 'd'\r\n\u0001 ünïcødé 🌍" }],
            RegionName: "us-east-1",
            ZoneName: "us-east-1a",
            ZoneId: "use1-az6",
            GroupName: "us-east-1-zg-1",
            NetworkBorderGroup: "us-east-1",
            ZoneType: "availability-zone",
          },
          {
            State: "available",
            OptInStatus: "opt-in-not-required",
            Messages: [],
            RegionName: "us-east-1",
            ZoneName: "us-east-1b",
            ZoneId: "use1-az1",
            ZoneType: "availability-zone",
          },
        ],
      },
    );
    const body = String(ec2.h.lastResponse!.body);
    assert.ok(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">'));
    assert.match(body, /<requestId>req-0123-4567<\/requestId><availabilityZoneInfo><item><optInStatus>opt-in-not-required<\/optInStatus><messageSet><item><message>all good<\/message><\/item>/);
    assert.equal(ec2.h.lastResponse!.headers["content-type"], "text/xml;charset=UTF-8");
    assert.equal(ec2.h.lastResponse!.headers["x-amzn-requestid"], "req-0123-4567");
  });

  test("DescribeRegions", async () => {
    await roundTrip(
      ec2,
      new DescribeRegionsCommand({ AllRegions: true, RegionNames: ["us-east-1", "eu-west-1"], Filters: [{ Name: "opt-in-status", Values: ["opted-in"] }] }),
      {
        Regions: [
          { RegionName: "us-east-1", Endpoint: "ec2.us-east-1.amazonaws.com", OptInStatus: "opt-in-not-required" },
          { RegionName: "af-south-1", Endpoint: "ec2.af-south-1.amazonaws.com", OptInStatus: "not-opted-in" },
        ],
      },
    );
  });

  test("RunInstances: nested structures, lists of structures, numbers, idempotency token", async () => {
    const launchTime = new Date("2024-01-02T03:04:05.678Z");
    await roundTrip(
      ec2,
      new RunInstancesCommand({
        ImageId: "ami-12345678",
        MinCount: 1,
        MaxCount: 2,
        InstanceType: "t3.micro",
        ClientToken: "token-1",
        KeyName: "my key & <stuff>",
        UserData: "IyEvYmluL2Jhc2g=",
        Placement: { AvailabilityZone: "us-east-1a", Tenancy: "default" },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 8, DeleteOnTermination: true, VolumeType: "gp3", Iops: 3000 } }],
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: "subnet-1", Groups: ["sg-1", "sg-2"], AssociatePublicIpAddress: true }],
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web = 1 + 1%" }, { Key: "empty", Value: "" }] }],
        SecurityGroupIds: ["sg-3"],
      }),
      {
        ReservationId: "r-1",
        OwnerId: "111111111111",
        Groups: [],
        Instances: [
          {
            InstanceId: "i-0123456789abcdef0",
            ImageId: "ami-12345678",
            InstanceType: "t3.micro",
            LaunchTime: launchTime,
            AmiLaunchIndex: 0,
            State: { Code: 0, Name: "pending" },
            Placement: { AvailabilityZone: "us-east-1a", Tenancy: "default" },
            Monitoring: { State: "pending" },
            EbsOptimized: false,
            SecurityGroups: [{ GroupId: "sg-3", GroupName: "default" }],
            Tags: [{ Key: "Name", Value: "web = 1 + 1%" }],
          },
        ],
      },
    );
  });

  test("DescribeInstances: timestamps, booleans and numbers in nested output", async () => {
    await roundTrip(ec2, new DescribeInstancesCommand({ InstanceIds: ["i-1", "i-2"], MaxResults: 5, NextToken: "abc/def+==" }), {
      Reservations: [
        {
          ReservationId: "r-1",
          OwnerId: "111111111111",
          Instances: [
            {
              InstanceId: "i-1",
              LaunchTime: new Date("2024-01-01T00:00:00.000Z"),
              EbsOptimized: true,
              EnaSupport: false,
              CpuOptions: { CoreCount: 2, ThreadsPerCore: 1 },
              BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { AttachTime: new Date("2024-01-01T00:00:01.500Z"), DeleteOnTermination: true, Status: "attached", VolumeId: "vol-1" } }],
              State: { Code: 16, Name: "running" },
            },
          ],
        },
      ],
      NextToken: "next & more",
    });
    assert.match(String(ec2.h.lastResponse!.body), /<launchTime>2024-01-01T00:00:00\.000Z<\/launchTime>/);
  });

  test("timestamp and blob inputs", async () => {
    await roundTrip(
      ec2,
      new DescribeSpotPriceHistoryCommand({
        StartTime: new Date("2024-01-01T00:00:00.000Z"),
        EndTime: new Date("2024-06-30T12:34:56.789Z"),
        InstanceTypes: ["t3.micro"],
      }),
      { SpotPriceHistory: [{ AvailabilityZone: "us-east-1a", InstanceType: "t3.micro", SpotPrice: "0.0104", Timestamp: new Date("2024-02-03T04:05:06.000Z") }], NextToken: "" },
    );
    await roundTrip(
      ec2,
      new ImportKeyPairCommand({ KeyName: "k", PublicKeyMaterial: new Uint8Array([0, 1, 2, 250, 255, 10]) }),
      { KeyFingerprint: "aa:bb", KeyName: "k", KeyPairId: "key-1", Tags: [] },
    );
  });

  test("an EC2 error: code, message and status reach the SDK", async () => {
    const err = await expectError(ec2, new DescribeInstancesCommand({ InstanceIds: ["i-nope"] }), {
      throws: new AwsError("InvalidInstanceID.NotFound", "The instance ID 'i-nope' does not exist", { status: 400 }),
      name: "InvalidInstanceID.NotFound",
      status: 400,
      message: "The instance ID 'i-nope' does not exist",
    });
    assert.equal((err as unknown as { $fault: string }).$fault, "client");
    assert.equal(
      String(ec2.h.lastResponse!.body),
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID &apos;i-nope&apos; does not exist</Message></Error></Errors><RequestID>req-0123-4567</RequestID></Response>',
    );
    await expectError(ec2, new DescribeRegionsCommand({}), {
      throws: new AwsError("NotImplemented", "not yet", { status: 501, fault: "server" }),
      name: "NotImplemented",
      status: 501,
    });
  });

  test("MissingParameter names the wire key", async () => {
    await expectError(ec2, new RunInstancesCommand({ ImageId: "ami-1", MaxCount: 1, ClientToken: "t" } as never), {
      name: "MissingParameter",
      status: 400,
      message: /^The request must contain the parameter MinCount\.?$/,
    });
  });

  test("InvalidAction, MissingAction, MalformedQueryString, bad values", async () => {
    await expectError(ec2, new DescribeRegionsCommand({}), {
      rewrite: (req) => ({ ...req, body: Buffer.from(String(req.body).replace("Action=DescribeRegions", "Action=DescribeUnicorns")) }),
      name: "InvalidAction",
      status: 400,
    });
    await expectError(ec2, new DescribeRegionsCommand({}), {
      rewrite: (req) => ({ ...req, body: Buffer.from(String(req.body) + "&RegionName.1=%E0%A4%A") }),
      name: "MalformedQueryString",
      status: 404, // AWS's query-protocol common errors list MalformedQueryString as 404
    });
    assert.equal(codeOf(() => ec2Codec.resolveOperation(ec2Model, rawRequest("Version=2016-11-15"))).code, "MissingAction");
    assert.deepEqual(codeOf(() => ec2Codec.resolveOperation(ec2Model, rawRequest("Action=Nope"))), {
      code: "InvalidAction",
      status: 400,
      message: "The action Nope is not valid for this web service.",
    });
    assert.equal(codeOf(() => ec2Codec.resolveOperation(ec2Model, rawRequest("Action=%ZZ"))).code, "MalformedQueryString");
    const op = ec2Model.operations.get("DescribeRegions")!;
    const bad = (body: string) => codeOf(() => ec2Codec.parseInput(ec2Model, op, rawRequest(`Action=DescribeRegions&${body}`)));
    assert.equal(bad("AllRegions=yes").code, "InvalidParameterValue");
    const dio = ec2Model.operations.get("DescribeInstances")!;
    assert.equal(codeOf(() => ec2Codec.parseInput(ec2Model, dio, rawRequest("Action=DescribeInstances&MaxResults=abc"))).code, "InvalidParameterValue");
    const dsp = ec2Model.operations.get("DescribeSpotPriceHistory")!;
    assert.equal(codeOf(() => ec2Codec.parseInput(ec2Model, dsp, rawRequest("Action=DescribeSpotPriceHistory&StartTime=yesterday"))).code, "InvalidParameterValue");
    // Deep nesting: an AwsError, never a stack overflow.
    const deep = "Filter.1." + "x.".repeat(50_000) + "y=1";
    ec2Codec.parseInput(ec2Model, op, rawRequest(`Action=DescribeRegions&${deep}`));
  });

  test("GET with the query string, sparse and unordered indexes, epoch-second timestamps, unknown parameters", () => {
    const req: HttpRequest = {
      method: "GET",
      path: "/",
      query: "Action=DescribeRegions&Version=2016-11-15&RegionName.10=c&RegionName.2=b&RegionName.1=a&Filter.3.Name=x&Filter.3.Value.7=v2&Filter.3.Value.5=v1&Bogus.1=z&AllRegions=TRUE",
      headers: {},
      body: Buffer.alloc(0),
    };
    const op = ec2Codec.resolveOperation(ec2Model, req);
    assert.equal(op.name, "DescribeRegions");
    assert.deepStrictEqual(ec2Codec.parseInput(ec2Model, op, req), {
      RegionNames: ["a", "b", "c"],
      Filters: [{ Name: "x", Values: ["v1", "v2"] }],
      AllRegions: true,
    });
    const dsp = ec2Model.operations.get("DescribeSpotPriceHistory")!;
    const parsed = ec2Codec.parseInput(ec2Model, dsp, rawRequest("Action=DescribeSpotPriceHistory&StartTime=1704067200&EndTime=2024-01-01T00%3A00%3A00%2B01%3A00"));
    assert.deepStrictEqual(parsed, { StartTime: new Date("2024-01-01T00:00:00Z"), EndTime: new Date("2023-12-31T23:00:00Z") });
    // botocore (the AWS CLI) sends microseconds; a time without a zone is UTC.
    const cli = ec2Codec.parseInput(ec2Model, dsp, rawRequest("Action=DescribeSpotPriceHistory&StartTime=2024-01-01T00%3A00%3A00.123456Z&EndTime=2024-01-01+10%3A00%3A00"));
    assert.deepStrictEqual(cli, { StartTime: new Date("2024-01-01T00:00:00.123Z"), EndTime: new Date("2024-01-01T10:00:00Z") });
  });
});

// ---------------------------------------------------------------------------------------------
// STS (query)

describe("query codec with the real STSClient", () => {
  test("GetCallerIdentity", async () => {
    await roundTrip(sts, new GetCallerIdentityCommand({}), {
      UserId: "AIDAEXAMPLE",
      Account: "111111111111",
      Arn: "arn:aws:iam::111111111111:user/alice",
    });
    const body = String(sts.h.lastResponse!.body);
    assert.equal(
      body,
      '<?xml version="1.0" encoding="UTF-8"?>\n<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AIDAEXAMPLE</UserId><Account>111111111111</Account><Arn>arn:aws:iam::111111111111:user/alice</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>req-0123-4567</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    );
  });

  test("AssumeRole: lists of structures, empty lists, numbers, timestamps in Credentials.Expiration", async () => {
    const out = (await roundTrip(
      sts,
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::222222222222:role/Admin",
        RoleSessionName: "session & co",
        DurationSeconds: 3600,
        PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }, { arn: "arn:aws:iam::aws:policy/Other" }],
        Policy: '{"Version":"2012-10-17","Statement":[]}',
        Tags: [{ Key: "team", Value: "blue" }],
        TransitiveTagKeys: [],
        ExternalId: "ext-1",
        ProvidedContexts: [{ ProviderArn: "arn:aws:iam::aws:contextProvider/IdentityCenter", ContextAssertion: "abc" }],
      }),
      {
        Credentials: {
          AccessKeyId: "ASIAEXAMPLE",
          SecretAccessKey: "secret/+=",
          SessionToken: "token",
          Expiration: new Date("2024-01-01T01:00:00.000Z"),
        },
        AssumedRoleUser: { AssumedRoleId: "AROAEXAMPLE:session", Arn: "arn:aws:sts::222222222222:assumed-role/Admin/session" },
        PackedPolicySize: 6,
        SourceIdentity: "me",
      },
    )) as AssumeRoleCommandOutput;
    assert.ok(out.Credentials!.Expiration instanceof Date);
  });

  test("a modelled STS error keeps its awsQueryError code and status", async () => {
    const err = await expectError(sts, new GetCallerIdentityCommand({}), {
      throws: new AwsError("ExpiredTokenException", "The security token included in the request is expired", { status: 400 }),
      name: "ExpiredTokenException",
      status: 400,
      message: "The security token included in the request is expired",
    });
    assert.ok(err instanceof ExpiredTokenException);
    const err2 = await expectError(sts, new GetCallerIdentityCommand({}), {
      throws: new AwsError("IDPRejectedClaimException", "rejected", { status: 400 }),
      name: "IDPRejectedClaimException",
      status: 403,
    });
    assert.ok(err2 instanceof IDPRejectedClaimException);
    assert.match(String(sts.h.lastResponse!.body), /<Type>Sender<\/Type><Code>IDPRejectedClaim<\/Code><Message>rejected<\/Message>/);
  });

  test("an unmodelled STS error, with extra fields, and a server fault", async () => {
    const err = await expectError(sts, new GetCallerIdentityCommand({}), {
      throws: new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", { status: 403, fields: { Detail: "x<y" } }),
      name: "InvalidClientTokenId",
      status: 403,
      message: "The security token included in the request is invalid.",
    });
    assert.equal((err as unknown as { $fault: string }).$fault, "client");
    assert.equal(
      String(sts.h.lastResponse!.body),
      '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message><Detail>x&lt;y</Detail></Error><RequestId>req-0123-4567</RequestId></ErrorResponse>',
    );
    const err2 = await expectError(sts, new GetCallerIdentityCommand({}), {
      throws: new AwsError("InternalFailure", "boom", { status: 500 }),
      name: "InternalFailure",
      status: 500,
    });
    assert.equal((err2 as unknown as { $fault: string }).$fault, "server");
    assert.match(String(sts.h.lastResponse!.body), /<Type>Receiver<\/Type>/);
  });

  test("missing required members: ValidationError listing each in lower camel case", async () => {
    await expectError(sts, new AssumeRoleCommand({} as never), {
      name: "ValidationError",
      status: 400,
      message:
        "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    });
    await expectError(sts, new AssumeRoleCommand({ RoleArn: "arn:aws:iam::1:role/x" } as never), {
      name: "ValidationError",
      status: 400,
      message: "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    });
  });

  test("InvalidAction and malformed query strings", async () => {
    await expectError(sts, new GetCallerIdentityCommand({}), {
      rewrite: (req) => ({ ...req, body: Buffer.from("Action=GetCallerIdentityX&Version=2011-06-15") }),
      name: "InvalidAction",
      status: 400,
    });
    await expectError(sts, new GetCallerIdentityCommand({}), {
      rewrite: (req) => ({ ...req, body: Buffer.from("Action=GetCallerIdentity&Version=2011-06-15&x=%") }),
      name: "MalformedQueryString",
      status: 404, // AWS's query-protocol common errors list MalformedQueryString as 404
    });
    await expectError(sts, new GetCallerIdentityCommand({}), {
      rewrite: (req) => ({ ...req, body: Buffer.from("Version=2011-06-15") }),
      name: "MissingAction",
      status: 400,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic query models against the SDK's own serializer and deserializer

describe("query codec on synthetic shapes (maps, flattening, renaming) against the SDK serde", () => {
  const n = "cloudbox.test";
  const StrMap = [2, n, "StrMap", 0, 0, 0];
  const NamedMap = [2, n, "NamedMap", 0, [0, { xmlName: "Name" }], [0, { xmlName: "Val" }]];
  const StructMap = [2, n, "StructMap", 0, 0, () => Inner];
  const NamedList = [1, n, "NamedList", 0, [0, { xmlName: "Item" }]];
  const PlainList = [1, n, "PlainList", 0, 0];
  const ListOfLists = [1, n, "ListOfLists", 0, () => PlainList];
  const Inner: unknown[] = [3, n, "Inner", 0, ["Id", "Count", "On"], [0, 1, 2], 1];
  const Payload = [
    3,
    n,
    "Payload",
    0,
    ["Plain", "Named", "FlatMap", "Structs", "Items", "FlatItems", "Nested", "Renamed", "When", "Epoch", "Data", "Inner", "Empty"],
    [
      () => StrMap,
      () => NamedMap,
      [() => StrMap, { xmlFlattened: 1 }],
      () => StructMap,
      () => NamedList,
      [() => NamedList, { xmlFlattened: 1 }],
      () => ListOfLists,
      [0, { xmlName: "OtherName" }],
      4,
      7,
      21,
      () => Inner,
      () => PlainList,
    ],
  ];
  const model: ServiceModel = {
    name: "test",
    protocol: "query",
    namespace: n,
    version: "2020-01-01",
    xmlNamespace: "https://test.example/doc/",
    operations: new Map([["Test", { name: "Test", input: shapeFromSchema(Payload), output: shapeFromSchema(Payload), http: undefined }]]),
    errors: new Map(),
  };
  const settings = { timestampFormat: { useTrait: true, default: 5 }, httpBindings: false, serializeEmptyLists: true } as never;
  const value = {
    Plain: { a: "1", "b c": "2 & 3", __proto__x: "p" },
    Named: { k: "v" },
    FlatMap: { x: "y", z: "" },
    Structs: { one: { Id: "i1", Count: 3, On: false } },
    Items: ["a", "b"],
    FlatItems: ["c"],
    Nested: [["1", "2"], [], ["3"]],
    Renamed: "renamed",
    When: new Date("2024-05-06T07:08:09.010Z"),
    Epoch: new Date("2024-05-06T07:08:09.500Z"),
    Data: new Uint8Array([104, 105, 0, 255]),
    Inner: { Id: "x", Count: 0 },
    Empty: [],
  };

  test("requests written by QueryShapeSerializer parse back into the same input", () => {
    const ser = new QueryShapeSerializer(settings);
    ser.write(Payload as never, value);
    const body = `Action=Test&Version=2020-01-01${ser.flush()}`;
    assert.match(body, /Plain\.entry\.1\.key=a/);
    assert.match(body, /Named\.entry\.1\.Name=k&Named\.entry\.1\.Val=v/);
    assert.match(body, /FlatMap\.1\.key=x/);
    assert.match(body, /Items\.Item\.1=a/);
    assert.match(body, /FlatItems\.1=c/);
    assert.match(body, /OtherName=renamed/);
    assert.match(body, /Empty=(&|$)/);
    const req = rawRequest(body);
    const op = queryCodec.resolveOperation(model, req);
    assert.deepStrictEqual(norm(queryCodec.parseInput(model, op, req)), norm(value));
  });

  test("responses written by our codec read back through XmlShapeDeserializer", () => {
    const op = model.operations.get("Test")!;
    const res = queryCodec.serializeOutput(model, op, value, { requestId: "r" });
    const read = new XmlShapeDeserializer(settings).read(Payload as never, Buffer.from(res.body), "TestResult");
    assert.deepStrictEqual(norm(read), norm({ ...value, Empty: [] }));
    const xml = String(res.body);
    assert.match(xml, /<FlatItems>c<\/FlatItems>/);
    assert.match(xml, /<Items><Item>a<\/Item><Item>b<\/Item><\/Items>/);
    assert.match(xml, /<Named><entry><Name>k<\/Name><Val>v<\/Val><\/entry><\/Named>/);
    assert.match(xml, /<FlatMap><key>x<\/key><value>y<\/value><\/FlatMap><FlatMap><key>z<\/key><value><\/value><\/FlatMap>/);
    assert.match(xml, /<Epoch>1714979289\.5<\/Epoch>/);
  });

  test("missing nested required members and a map key named __proto__", () => {
    const op = model.operations.get("Test")!;
    const bad = rawRequest("Action=Test&Inner.Count=1&Plain.entry.1.key=__proto__&Plain.entry.1.value=x");
    const e = codeOf(() => queryCodec.parseInput(model, op, bad));
    assert.equal(e.code, "ValidationError");
    assert.equal(e.message, "1 validation error detected: Value null at 'inner.id' failed to satisfy constraint: Member must not be null");
    const ok = queryCodec.parseInput(model, op, rawRequest("Action=Test&Plain.entry.1.key=__proto__&Plain.entry.1.value=x")) as { Plain: object };
    assert.equal(Object.getPrototypeOf(ok.Plain), Object.prototype);
    assert.deepStrictEqual(Object.keys(ok.Plain), ["__proto__"]);
  });
});
