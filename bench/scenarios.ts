/**
 * Load scenarios for `npm run bench`. Add one by appending an object: `makeCall` builds one
 * client's request function (called once per concurrent client, so each client is its own SDK
 * client with its own connections). Groups of scenarios that need seeding live in
 * bench/scenarios/<name>.ts and are listed in EXTRA_GROUPS below (loaded by loadScenarios).
 * `BENCH_ONLY=ec2,sts` keeps the scenarios whose name contains one of the given words.
 */
import { Agent, request } from "node:http";
import { DescribeAvailabilityZonesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

export interface Scenario {
  name: string;
  /** Concurrent clients, each sending its next request when the previous one answered. */
  concurrency: number;
  makeCall(endpoint: string, clientIndex: number): () => Promise<unknown>;
}

const config = (endpoint: string) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "111111111111", secretAccessKey: "test" },
  maxAttempts: 1,
});

const describeAzs = (endpoint: string) => {
  const client = new EC2Client(config(endpoint));
  const command = new DescribeAvailabilityZonesCommand({});
  return () => client.send(command);
};

const getCallerIdentity = (endpoint: string) => {
  const client = new STSClient(config(endpoint));
  const command = new GetCallerIdentityCommand({});
  return () => client.send(command);
};

/**
 * The same request as the SDK sends, over a bare keep-alive http.request (a fixed, unverified
 * signature): what the server can do when the client costs almost nothing.
 */
const rawQuery = (service: string, body: string) => (endpoint: string) => {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const payload = Buffer.from(body);
  const headers = {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    "content-length": String(payload.length),
    authorization: `AWS4-HMAC-SHA256 Credential=111111111111/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
  };
  return () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: "POST", path: "/", agent, headers }, (res) => {
        res.on("data", () => undefined);
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(payload);
    });
};

export const scenarios: Scenario[] = [
  { name: "ec2 DescribeAvailabilityZones", concurrency: 1, makeCall: describeAzs },
  { name: "ec2 DescribeAvailabilityZones", concurrency: 16, makeCall: describeAzs },
  { name: "sts GetCallerIdentity", concurrency: 1, makeCall: getCallerIdentity },
  { name: "sts GetCallerIdentity", concurrency: 16, makeCall: getCallerIdentity },
  { name: "ec2 DescribeAvailabilityZones (raw HTTP)", concurrency: 16, makeCall: rawQuery("ec2", "Action=DescribeAvailabilityZones&Version=2016-11-15") },
  { name: "sts GetCallerIdentity (raw HTTP)", concurrency: 16, makeCall: rawQuery("sts", "Action=GetCallerIdentity&Version=2011-06-15") },
];

/** Scenario groups in bench/scenarios/: module path and the export that lists its scenarios. */
const EXTRA_GROUPS: { module: string; exportName: string }[] = [
  { module: "./scenarios/ec2-compute.js", exportName: "ec2ComputeScenarios" },
  { module: "./scenarios/lambda-invoke.js", exportName: "lambdaScenarios" },
  { module: "./scenarios/states-engine.js", exportName: "statesScenarios" },
  { module: "./scenarios/traffic-flows.js", exportName: "trafficScenarios" },
];

/** Every scenario (core ones, then the groups), filtered by BENCH_ONLY. A group that fails to load is skipped with a warning. */
export const loadScenarios = async (): Promise<Scenario[]> => {
  const all = [...scenarios];
  for (const group of EXTRA_GROUPS) {
    try {
      const mod = (await import(group.module)) as Record<string, unknown>;
      const list = mod[group.exportName];
      if (Array.isArray(list)) all.push(...(list as Scenario[]));
      else console.warn(`bench: ${group.module} does not export ${group.exportName}; skipped`);
    } catch (e) {
      console.warn(`bench: cannot load ${group.module} (${(e as Error).message}); skipped`);
    }
  }
  const only = (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  return only.length ? all.filter((sc) => only.some((w) => sc.name.toLowerCase().includes(w))) : all;
};
