/**
 * VPC flow log records written by probes and delivered, when the aggregation window ends on the
 * Cloudbox clock (or on POST /_cloudbox/flow-logs/flush), to CloudWatch Logs (one stream per
 * interface, "<eni-id>-all", read back with GetLogEvents / FilterLogEvents) and to S3 (gzipped
 * objects under AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/, header line first,
 * read back with ListObjectsV2 + GetObject + gunzip). The action is the one at each interface.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { CloudWatchLogsClient, DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateFlowLogsCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { flushFlowLogs, probe } from "../../src/cli/probe.js";
import type { Cloudbox } from "../helpers/cloudbox.js";
import { buildThreeTier, startTrafficCloudbox, type ThreeTier } from "./helpers.js";

const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/flow-logs`;

const waitFor = async <T>(fn: () => Promise<T | undefined>, what: string, ms = 5000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("traffic: flow log records", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let logs: CloudWatchLogsClient;
  let s3: S3Client;
  let t: ThreeTier;
  let vpcLog: string;
  let s3Log: string;
  const group = "/cloudbox/flow-logs/three-tier";
  before(async () => {
    cb = await startTrafficCloudbox();
    ec2 = new EC2Client(cb.clientConfig);
    logs = new CloudWatchLogsClient(cb.clientConfig);
    s3 = new S3Client({ ...cb.clientConfig, forcePathStyle: true });
    t = await buildThreeTier(ec2, "fl");
    vpcLog = (await ec2.send(new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [t.vpc], TrafficType: "ALL", LogGroupName: group, DeliverLogsPermissionArn: ROLE }))).FlowLogIds![0];
    await s3.send(new CreateBucketCommand({ Bucket: "flow-logs-three-tier" }));
    s3Log = (
      await ec2.send(
        new CreateFlowLogsCommand({
          ResourceType: "Subnet",
          ResourceIds: [t.subnet.db],
          TrafficType: "REJECT",
          LogDestinationType: "s3",
          LogDestination: "arn:aws:s3:::flow-logs-three-tier/tier/",
          MaxAggregationInterval: 60,
          LogFormat: "${version} ${interface-id} ${vpc-id} ${subnet-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${action} ${tcp-flags} ${type} ${az-id} ${region} ${flow-direction} ${traffic-path} ${pkt-src-aws-service}",
        }),
      )
    ).FlowLogIds![0];
  });
  after(() => cb.stop());

  it("a probe writes, per interface, the request and the reply with the action seen there", async () => {
    const ok = await probe(cb.endpoint, { from: t.instance.web, to: t.instance.app, port: 8080, packets: 5 });
    assert.equal(ok.verdict, "ACCEPT");
    const lines = ok.records.map((r) => r.line.split(" "));
    assert.equal(ok.records.length, 4);
    assert.ok(ok.records.every((r) => r.flowLogId === vpcLog && r.action === "ACCEPT"));
    // version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
    const [webOut, appIn, appOut, webIn] = lines;
    assert.deepEqual([webOut[0], webOut[1], webOut[2], webOut[3], webOut[4], webOut[5], webOut[6], webOut[7], webOut[8], webOut[9], webOut[12], webOut[13]],
      ["2", ACCOUNT, t.eni.web, t.ip.web, t.ip.app, "49152", "8080", "6", "5", "320", "ACCEPT", "OK"]);
    assert.deepEqual(appIn.slice(2, 7), [t.eni.app, t.ip.web, t.ip.app, "49152", "8080"]);
    assert.deepEqual(appOut.slice(2, 7), [t.eni.app, t.ip.app, t.ip.web, "8080", "49152"]);
    assert.deepEqual(webIn.slice(2, 7), [t.eni.web, t.ip.app, t.ip.web, "8080", "49152"]);
    assert.equal(lines.every((l) => l.length === 14 && Number(l[10]) === Math.floor(cb.clock.now() / 1000) || Math.abs(Number(l[10]) - cb.clock.now() / 1000) < 5), true);

    const rejected = await probe(cb.endpoint, { from: t.instance.web, to: t.instance.db, port: 3306 });
    assert.equal(rejected.verdict, "REJECT");
    const byLog = (id: string) => rejected.records.filter((r) => r.flowLogId === id);
    // The request left the web interface (ACCEPT there) and was refused by the db subnet's ACL (REJECT on the db interface).
    assert.deepEqual(byLog(vpcLog).map((r) => [r.interfaceId, r.action]), [[t.eni.web, "ACCEPT"], [t.eni.db, "REJECT"]]);
    // The db subnet's REJECT-only S3 flow log, custom format (v5 fields: the version is 5).
    const [s3rec] = byLog(s3Log);
    const azId = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [t.subnet.db] }))).Subnets![0].AvailabilityZoneId;
    assert.equal(byLog(s3Log).length, 1);
    assert.equal(
      s3rec.line,
      `5 ${t.eni.db} ${t.vpc} ${t.subnet.db} ${t.instance.db} ${t.ip.web} ${t.ip.db} 49152 3306 6 1 64 REJECT 2 IPv4 ${azId} us-east-1 ingress - -`,
    );
  });

  it("CloudWatch Logs: nothing before the window ends; after it, one stream per interface, read with GetLogEvents and FilterLogEvents", async () => {
    const before = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group })).catch(() => ({ logStreams: [] }));
    assert.equal(before.logStreams?.length ?? 0, 0);
    cb.clock.advance(600_000);
    const streams = await waitFor(async () => {
      const s = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
      return s.length >= 3 ? s : undefined;
    }, "the flow log streams");
    assert.deepEqual(streams.map((s) => s.logStreamName).sort(), [t.eni.app, t.eni.db, t.eni.web].map((e) => `${e}-all`).sort());
    const app = (await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: `${t.eni.app}-all`, startFromHead: true }))).events!;
    assert.equal(app.length, 2);
    assert.match(app[0].message!, new RegExp(`^2 ${ACCOUNT} ${t.eni.app} ${t.ip.web.replace(/\./g, "\\.")} ${t.ip.app.replace(/\./g, "\\.")} 49152 8080 6 5 320 \\d+ \\d+ ACCEPT OK$`));
    const rejects = (await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: "REJECT" }))).events!;
    assert.deepEqual(rejects.map((e) => e.logStreamName), [`${t.eni.db}-all`]);
    assert.match(rejects[0].message!, / 3306 6 1 64 \d+ \d+ REJECT OK$/);
  });

  it("S3: gzipped objects under AWS's key layout, the field names first", async () => {
    // The 60-second window of the S3 flow log ended with the clock advance above.
    const prefix = `tier/AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/`;
    const objects = await waitFor(async () => {
      const l = (await s3.send(new ListObjectsV2Command({ Bucket: "flow-logs-three-tier", Prefix: prefix }))).Contents ?? [];
      return l.length ? l : undefined;
    }, "the S3 flow log object");
    assert.equal(objects.length, 1);
    const key = objects[0].Key!;
    assert.match(key, new RegExp(`^${prefix}\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_vpcflowlogs_us-east-1_${s3Log}_\\d{8}T\\d{4}Z_[0-9a-f]{8}\\.log\\.gz$`));
    const body = await (await s3.send(new GetObjectCommand({ Bucket: "flow-logs-three-tier", Key: key }))).Body!.transformToByteArray();
    const text = gunzipSync(Buffer.from(body)).toString("utf8").trimEnd().split("\n");
    assert.equal(text[0], "version interface-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol packets bytes action tcp-flags type az-id region flow-direction traffic-path pkt-src-aws-service");
    assert.equal(text.length, 2);
    assert.match(text[1], / REJECT 2 IPv4 /);
  });

  it("records of one 5-tuple aggregate within a window; POST /_cloudbox/flow-logs/flush delivers at once", async () => {
    const a = await probe(cb.endpoint, { from: t.instance.app, to: t.instance.db, port: 3306, packets: 2, srcPort: 50000 });
    const b = await probe(cb.endpoint, { from: t.instance.app, to: t.instance.db, port: 3306, packets: 3, srcPort: 50000 });
    assert.equal(a.verdict, "ACCEPT");
    assert.equal(b.records.length, 4);
    const flushed = await flushFlowLogs(cb.endpoint);
    assert.deepEqual(flushed, { flowLogs: 1, records: 4 });
    const db = (await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: `${t.eni.db}-all`, startFromHead: true }))).events!;
    const agg = db.map((e) => e.message!.split(" ")).filter((f) => f[5] === "50000" || f[6] === "50000");
    assert.equal(agg.length, 2, "one record per direction");
    assert.deepEqual(agg.map((f) => [f[8], f[9]]), [["5", "320"], ["5", "320"]]);
  });
});
