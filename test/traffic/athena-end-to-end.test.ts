/**
 * End to end, with the real SDK v3 clients: the seed's three tiers built through the EC2 API, a
 * VPC flow log to S3 (default format), probes that produce a known mix of verdicts, the flush,
 * then Athena over the delivered objects with AWS's documented flow-log DDL (the partition column
 * named date_partition, partitions added with ALTER TABLE ADD PARTITION) and the seed's query run
 * exactly as written. Its rows must be exactly the REJECT records on port 443 that the probes
 * wrote (each probe's response lists the flow log records it wrote).
 *
 * Then examples/flow-logs-athena/run.sh does the same with the AWS CLI v2 and curl against this
 * test's Cloudbox (skipped when no AWS CLI v2 is installed).
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type QueryExecution } from "@aws-sdk/client-athena";
import { CreateFlowLogsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { flushFlowLogs, probe, type ProbeOptions, type ProbeRecord, type ProbeResult } from "../../src/cli/probe.js";
import { findAwsCliV2 } from "../helpers/aws-cli.js";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { assertVerdicts, buildThreeTier, runExample, type ThreeTier } from "./helpers.js";
import { documentedFlowLogDdl } from "../helpers/flow-log-ddl.js";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const BUCKET = `vpc-flow-logs-e2e-${process.pid}`;
const RESULTS = `athena-results-e2e-${process.pid}`;
const PREFIX = `AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/`;
const HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

/** AWS's documented DDL for flow logs, partition column date_partition. */
const DDL = documentedFlowLogDdl("vpc_flow_logs", "date_partition", `s3://${BUCKET}/${PREFIX}`);

/** The seed's query, as written. */
const SEED_QUERY = `SELECT * FROM vpc_flow_logs WHERE (action = 'REJECT' AND dstport = 443) AND date_partition >= '2024-01-01';`;

/** The fields of a default-format (version 2) record that identify it. */
const KEY_FIELDS = ["interface_id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "action"] as const;
const keyOfLine = (line: string): string => {
  const f = line.split(" ");
  // version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
  return [f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[12]].join(" ");
};

describe("traffic → VPC flow logs in S3 → Athena: the seed's query", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let s3: S3Client;
  let athena: AthenaClient;
  let t: ThreeTier;
  let flowLogId: string;
  const probes: { name: string; options: ProbeOptions; expected: "ACCEPT" | "REJECT"; result?: ProbeResult }[] = [];
  let written: ProbeRecord[] = [];

  const start = async (sql: string): Promise<string> =>
    (
      await athena.send(
        new StartQueryExecutionCommand({ QueryString: sql, QueryExecutionContext: { Database: "default" }, ResultConfiguration: { OutputLocation: `s3://${RESULTS}/` } }),
      )
    ).QueryExecutionId!;
  const wait = async (id: string): Promise<QueryExecution> => {
    for (let i = 0; i < 1000; i++) {
      const qe = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!;
      if (qe.Status?.State !== "QUEUED" && qe.Status?.State !== "RUNNING") return qe;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`query ${id} did not finish`);
  };
  const run = async (sql: string): Promise<{ id: string; qe: QueryExecution }> => {
    const id = await start(sql);
    const qe = await wait(id);
    assert.equal(qe.Status?.State, "SUCCEEDED", `${sql}\n${qe.Status?.StateChangeReason ?? ""}`);
    return { id, qe };
  };
  const rowsOf = async (id: string): Promise<{ names: string[]; rows: (string | null)[][] }> => {
    const rows: (string | null)[][] = [];
    let names: string[] = [];
    let token: string | undefined;
    do {
      const out = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token }));
      names = out.ResultSet!.ResultSetMetadata!.ColumnInfo!.map((c) => c.Name!);
      rows.push(...out.ResultSet!.Rows!.map((r) => r.Data!.map((d) => d.VarCharValue ?? null)));
      token = out.NextToken;
    } while (token);
    assert.deepEqual(rows[0], names, "the header row comes first");
    return { names, rows: rows.slice(1) };
  };

  before(async () => {
    cb = await startCloudbox();
    ec2 = new EC2Client(cb.clientConfig);
    s3 = new S3Client({ ...cb.clientConfig, forcePathStyle: true });
    athena = new AthenaClient(cb.clientConfig);
    t = await buildThreeTier(ec2, "e2e");
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: RESULTS }));
    flowLogId = (
      await ec2.send(
        new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [t.vpc], TrafficType: "ALL", LogDestinationType: "s3", LogDestination: `arn:aws:s3:::${BUCKET}` }),
      )
    ).FlowLogIds![0]!;
    probes.push(
      // The app tier has no public address and its ACL allows nothing from the internet.
      { name: "internet → app 443", options: { from: "internet", to: t.instance.app, port: 443 }, expected: "REJECT" },
      // The web subnet's ACL allows outbound only 1024-65535 and 8080: REJECT on the web interface, where the request leaves.
      { name: "web → db 443", options: { from: t.instance.web, to: t.instance.db, port: 443, packets: 3 }, expected: "REJECT" },
      // The app subnet's ACL has no outbound 443: REJECT on the app interface, where the request leaves.
      { name: "app → db 443", options: { from: t.instance.app, to: t.instance.db, port: 443, packets: 2 }, expected: "REJECT" },
      // REJECT, but not on 443 (it leaves web, the db subnet's ACL refuses it): must not be returned.
      { name: "web → db 3306", options: { from: t.instance.web, to: t.instance.db, port: 3306 }, expected: "REJECT" },
      // ACCEPT: must not be returned (the 443 one neither).
      { name: "web → app 8080", options: { from: t.instance.web, to: t.instance.app, port: 8080, packets: 5 }, expected: "ACCEPT" },
      { name: "internet → web 443", options: { from: "internet", to: t.instance.web, port: 443, packets: 4 }, expected: "ACCEPT" },
      { name: "app → db 3306", options: { from: t.instance.app, to: t.instance.db, port: 3306 }, expected: "ACCEPT" },
    );
  });
  after(() => cb?.stop());

  it("the probes give the expected verdicts and list the records they wrote", async () => {
    for (const p of probes) {
      p.result = await probe(cb.endpoint, p.options);
      assert.equal(p.result.verdict, p.expected, `${p.name}: ${JSON.stringify(p.result.blockedAt)}`);
    }
    written = probes.flatMap((p) => p.result!.records.filter((r) => r.flowLogId === flowLogId));
    for (const r of written) assert.equal(r.line.split(" ").length, 14, `default format: ${r.line}`);
    // Every REJECT probe on 443 wrote at least one REJECT record on 443 (else this test would prove little).
    for (const p of probes.filter((x) => x.expected === "REJECT" && x.options.port === 443)) {
      const rejects = p.result!.records.filter((r) => r.flowLogId === flowLogId && r.action === "REJECT" && r.line.split(" ")[6] === "443");
      if (p.options.from !== "internet") assert.ok(rejects.length >= 1, `${p.name} wrote no REJECT record on 443: ${JSON.stringify(p.result!.records)}`);
    }
    // internet → app stops before any interface (the app instance has no public address): no record.
    assert.deepEqual(probes[0]!.result!.records, [], JSON.stringify(probes[0]!.result!.blockedAt));
    // The known ones, spelled out: each source's own subnet ACL refused the request on the way out.
    const lines = written.map((r) => r.line);
    assert.ok(lines.some((l) => l.startsWith(`2 ${ACCOUNT} ${t.eni.web} ${t.ip.web} ${t.ip.db} `) && / 443 6 3 192 \d+ \d+ REJECT OK$/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith(`2 ${ACCOUNT} ${t.eni.app} ${t.ip.app} ${t.ip.db} `) && / 443 6 2 128 \d+ \d+ REJECT OK$/.test(l)), lines.join("\n"));
  });

  it("the flush delivers gzipped objects under AWS's key layout, the header line first", async () => {
    const flushed = await flushFlowLogs(cb.endpoint);
    assert.ok(flushed.records >= written.length, JSON.stringify(flushed));
    const objects = (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }))).Contents ?? [];
    assert.ok(objects.length >= 1);
    const delivered: string[] = [];
    for (const o of objects) {
      assert.match(o.Key!, new RegExp(`^${PREFIX}\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_vpcflowlogs_${REGION}_${flowLogId}_\\d{8}T\\d{4}Z_[0-9a-f]{8}\\.log\\.gz$`));
      const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }))).Body!.transformToByteArray();
      const [header, ...records] = gunzipSync(Buffer.from(body)).toString("utf8").trimEnd().split("\n");
      assert.equal(header, HEADER);
      delivered.push(...records);
    }
    assert.deepEqual(delivered.map(keyOfLine).sort(), written.map((r) => keyOfLine(r.line)).sort(), "S3 holds exactly the records the probes listed");
  });

  it("Athena: the documented DDL, one partition per day delivered, and the seed's query returns exactly the REJECT records on 443", async () => {
    const created = await run(DDL);
    assert.equal(created.qe.StatementType, "DDL");
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }))).Contents ?? []).map((o) => o.Key!);
    const days = [...new Set(keys.map((k) => k.slice(PREFIX.length, PREFIX.length + 10)))];
    assert.ok(days.length >= 1);
    for (const day of days) {
      await run(`ALTER TABLE vpc_flow_logs ADD PARTITION (\`date_partition\`='${day.replaceAll("/", "-")}') LOCATION 's3://${BUCKET}/${PREFIX}${day}'`);
    }
    const { id, qe } = await run(SEED_QUERY);
    assert.equal(qe.StatementType, "DML");
    const { names, rows } = await rowsOf(id);
    assert.equal(names.length, 30, "29 columns and the partition");
    const col = (n: string) => {
      const i = names.indexOf(n);
      assert.ok(i >= 0, `no column ${n} in ${names.join(",")}`);
      return i;
    };
    const got = rows.map((r) => KEY_FIELDS.map((n) => r[col(n)]).join(" ")).sort();
    const expected = written
      .filter((r) => {
        const f = r.line.split(" ");
        return f[12] === "REJECT" && f[6] === "443";
      })
      .map((r) => keyOfLine(r.line))
      .sort();
    assert.ok(expected.length >= 2, `the probes wrote REJECT records on 443: ${expected.join("\n")}`);
    assert.deepEqual(got, expected);
    for (const r of rows) {
      assert.equal(r[col("version")], "2");
      assert.equal(r[col("account_id")], ACCOUNT);
      assert.equal(r[col("log_status")], "OK");
      assert.equal(r[col("vpc_id")], null, "fields a version-2 record lacks are NULL");
      assert.ok(r[col("date_partition")]! >= "2024-01-01");
    }
    // The interfaces are the ones whose subnet ACL refused the request (web's and app's); the db
    // interface never saw a 443 request, and internet → app reached no interface (no public address).
    const enis = new Set(rows.map((r) => r[col("interface_id")]));
    assert.deepEqual([...enis].sort(), [t.eni.web, t.eni.app].sort());
  });

  it("examples/flow-logs-athena/run.sh does the same with the AWS CLI v2", { timeout: 600_000 }, async (ctx) => {
    if (!findAwsCliV2()) return ctx.skip("no AWS CLI v2");
    const out = await runExample(cb, "flow-logs-athena", { accessKeyId: "111111111111" });
    assertVerdicts(out, {
      probe_internet_to_app_443: "REJECT",
      probe_web_to_db_443: "REJECT",
      probe_app_to_db_443: "REJECT",
      probe_web_to_db_3306: "REJECT",
      probe_web_to_app_8080: "ACCEPT",
      probe_internet_to_web_443: "ACCEPT",
      probe_app_to_db_3306: "ACCEPT",
    });
    // The script compares the query's rows with the REJECT/443 records its probes listed (web's and app's interfaces).
    assert.match(out.stdout, /^result=OK 2 rows$/m, `${out.stdout}\n${out.stderr}`);
    assert.equal((out.stdout.match(/^row: /gm) ?? []).length, 2, out.stdout);
    assert.match(out.stdout, /^row: version=2 account_id=111111111111 interface_id=eni-\S+ srcaddr=10\.0\.1\.\d+ dstaddr=10\.0\.21\.\d+ srcport=49152 dstport=443 protocol=6 packets=3 bytes=192 start=\d+ end=\d+ action=REJECT log_status=OK date_partition=\d{4}-\d{2}-\d{2}$/m, out.stdout);
  });
});
