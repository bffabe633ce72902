/**
 * Athena end to end over VPC flow logs in S3: gzipped version-2 flow log files under AWS's key
 * layout, tables created with the DDL AWS documents ("Create a table for Amazon VPC flow logs
 * and query it" with ALTER TABLE ADD PARTITION, and the partition projection variant), the
 * seed's query, query failures, paging, results in S3, the catalog API, other accounts, and the
 * AWS CLI.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import {
  AthenaClient,
  GetDatabaseCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  ListDatabasesCommand,
  ListQueryExecutionsCommand,
  ListTableMetadataCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
} from "@aws-sdk/client-athena";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { documentedFlowLogDdl, flowLogColumns } from "../helpers/flow-log-ddl.js";

const A = "111111111111";
const B = "222222222222";
const BUCKET = `flow-logs-${process.pid}`;
const RESULTS = `athena-results-${process.pid}`;
const HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

/** What AWS writes: a header line, then one record per line, gzipped. */
const logFile = (records: string[]) => gzipSync(Buffer.from([HEADER, ...records].join("\n") + "\n"));
const key = (y: string, m: string, d: string, n: string) =>
  `AWSLogs/${A}/vpcflowlogs/us-east-1/${y}/${m}/${d}/${A}_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f6a7b8_${y}${m}${d}T0000Z_${n}.log.gz`;

const FILES: Record<string, string[]> = {
  [key("2023", "12", "31", "aaaa0001")]: [`2 ${A} eni-0old 198.51.100.7 10.0.2.10 40000 443 6 4 240 1704067100 1704067160 REJECT OK`],
  [key("2024", "01", "15", "bbbb0001")]: [
    `2 ${A} eni-0web 10.0.1.5 10.0.2.10 49152 443 6 10 840 1705276800 1705276860 REJECT OK`,
    `2 ${A} eni-0web 10.0.1.5 10.0.2.10 49153 443 6 5 400 1705276800 1705276860 ACCEPT OK`,
    `2 ${A} eni-0web 203.0.113.9 10.0.2.10 50001 22 6 3 180 1705276800 1705276860 REJECT OK`,
    `2 ${A} eni-0idle - - - - - - - 1705276800 1705276860 - NODATA`,
  ],
  [key("2024", "01", "15", "bbbb0002")]: [`2 ${A} eni-0app 203.0.113.9 10.0.3.20 50000 443 6 3 180 1705276900 1705276960 REJECT OK`],
  [key("2024", "02", "01", "cccc0001")]: [
    `2 ${A} eni-0db 192.0.2.44 10.0.4.30 51515 443 6 2 120 1706745600 1706745660 REJECT OK`,
    `2 ${A} eni-0db 192.0.2.44 10.0.4.30 51516 3306 6 2 120 1706745600 1706745660 REJECT OK`,
  ],
};
const EXPECTED_SRC = ["10.0.1.5", "192.0.2.44", "203.0.113.9"];

const documentedDdl = (table: string, partition: string) =>
  documentedFlowLogDdl(table, partition, `s3://${BUCKET}/AWSLogs/${A}/vpcflowlogs/us-east-1/`);

/** The partition projection DDL as documented (accid, region, day), placeholders filled in. */
const projectionDdl = (table: string) => `CREATE EXTERNAL TABLE IF NOT EXISTS ${table} (
${flowLogColumns(["region"])}
)
PARTITIONED BY (accid string, region string, day string)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY ' '
LOCATION 's3://${BUCKET}/AWSLogs/'
TBLPROPERTIES
(
"skip.header.line.count"="1",
"projection.enabled" = "true",
"projection.accid.type" = "enum",
"projection.accid.values" = "${A},${B}",
"projection.region.type" = "enum",
"projection.region.values" = "us-east-1,us-west-2",
"projection.day.type" = "date",
"projection.day.range" = "2021/01/01,NOW",
"projection.day.format" = "yyyy/MM/dd",
"storage.location.template" = "s3://${BUCKET}/AWSLogs/\${accid}/vpcflowlogs/\${region}/\${day}"
)`;

const SEED_QUERY = `SELECT *
FROM vpc_flow_logs
WHERE (action = 'REJECT' AND dstport = 443)
AND date_partition >= '2024-01-01';`;

describe("athena over VPC flow logs", () => {
  let cb: Cloudbox;
  const creds = (account: string) => ({ accessKeyId: account, secretAccessKey: "x" });
  const athena = (account = A) => new AthenaClient({ ...cb.clientConfig, credentials: creds(account) });
  const s3 = (account = A) => new S3Client({ ...cb.clientConfig, forcePathStyle: true, credentials: creds(account) });

  const start = async (sql: string, database = "default", account = A) =>
    (
      await athena(account).send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          QueryExecutionContext: { Database: database },
          ResultConfiguration: { OutputLocation: `s3://${RESULTS}/queries/` },
        }),
      )
    ).QueryExecutionId!;

  const wait = async (id: string, account = A): Promise<QueryExecution> => {
    for (let i = 0; i < 600; i++) {
      const { QueryExecution } = await athena(account).send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = QueryExecution!.Status!.State!;
      if (state !== "QUEUED" && state !== "RUNNING") return QueryExecution!;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`query ${id} did not finish`);
  };

  const run = async (sql: string, database = "default") => {
    const id = await start(sql, database);
    const qe = await wait(id);
    assert.equal(qe.Status?.State, "SUCCEEDED", qe.Status?.StateChangeReason);
    return { id, qe };
  };

  const rowsOf = async (id: string) => {
    const out = await athena().send(new GetQueryResultsCommand({ QueryExecutionId: id }));
    return { rows: out.ResultSet!.Rows!.map((r) => r.Data!.map((d) => d.VarCharValue ?? null)), meta: out.ResultSet!.ResultSetMetadata!.ColumnInfo! };
  };

  before(async () => {
    cb = await startCloudbox();
    await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3().send(new CreateBucketCommand({ Bucket: RESULTS }));
    for (const [k, records] of Object.entries(FILES)) await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: logFile(records) }));
  });
  after(() => cb.stop());

  it("runs the seed's query against the documented table (date partitions added with ALTER TABLE ADD PARTITION)", async () => {
    const create = await run(documentedDdl("vpc_flow_logs", "date_partition"));
    assert.equal(create.qe.StatementType, "DDL");
    for (const [day, path] of [["2023-12-31", "2023/12/31"], ["2024-01-15", "2024/01/15"], ["2024-02-01", "2024/02/01"]]) {
      await run(`ALTER TABLE vpc_flow_logs
ADD PARTITION (\`date_partition\`='${day}')
LOCATION 's3://${BUCKET}/AWSLogs/${A}/vpcflowlogs/us-east-1/${path}';`);
    }
    const { id, qe } = await run(SEED_QUERY);
    assert.equal(qe.StatementType, "DML");
    assert.equal(qe.ResultConfiguration?.OutputLocation, `s3://${RESULTS}/queries/${id}.csv`);
    assert.ok((qe.Statistics?.DataScannedInBytes ?? 0) > 0);
    const { rows, meta } = await rowsOf(id);
    const names = meta.map((c) => c.Name);
    assert.equal(names.length, 30);
    assert.deepEqual(rows[0], names, "the header row comes first");
    const col = (n: string) => names.indexOf(n);
    const data = rows.slice(1);
    assert.equal(data.length, 3);
    for (const r of data) {
      assert.equal(r[col("action")], "REJECT");
      assert.equal(r[col("dstport")], "443");
      assert.ok(r[col("date_partition")]! >= "2024-01-01");
      assert.equal(r[col("vpc_id")], null, "fields a version-2 record lacks are NULL");
    }
    assert.deepEqual(data.map((r) => r[col("srcaddr")]).sort(), EXPECTED_SRC);
    const typeOf = (n: string) => meta.find((c) => c.Name === n)?.Type;
    assert.equal(typeOf("dstport"), "integer");
    assert.equal(typeOf("bytes"), "bigint");
    assert.equal(typeOf("action"), "varchar");
    assert.equal(typeOf("date_partition"), "date");
    // The CSV result in S3.
    const csv = await (await s3().send(new GetObjectCommand({ Bucket: RESULTS, Key: `queries/${id}.csv` }))).Body!.transformToString();
    const lines = csv.trim().split("\n");
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^"version","account_id","interface_id"/);
    assert.match(csv, /"REJECT"/);
  });

  it("reads the NODATA record's '-' fields as NULL numbers, and aggregates", async () => {
    const { id } = await run(`SELECT interface_id, srcport, log_status FROM vpc_flow_logs WHERE log_status = 'NODATA'`);
    const { rows } = await rowsOf(id);
    assert.deepEqual(rows.slice(1), [["eni-0idle", null, "NODATA"]]);
    const agg = await run(`SELECT action, count(*) AS flows, sum(bytes) AS total FROM vpc_flow_logs WHERE action <> '-' GROUP BY action ORDER BY action`);
    const res = await rowsOf(agg.id);
    assert.deepEqual(res.rows, [["action", "flows", "total"], ["ACCEPT", "1", "400"], ["REJECT", "6", "1680"]]);
    assert.deepEqual(res.meta.map((c) => c.Type), ["varchar", "bigint", "bigint"]);
  });

  it("works with the documented partition projection DDL (accid, region, day)", async () => {
    await run(projectionDdl("test_table_vpclogs"));
    const { id } = await run(
      `SELECT srcaddr, day, accid, region FROM test_table_vpclogs WHERE action = 'REJECT' AND dstport = 443 AND day >= '2024/01/01' ORDER BY srcaddr`,
    );
    const { rows } = await rowsOf(id);
    assert.deepEqual(rows.slice(1), [
      ["10.0.1.5", "2024/01/15", A, "us-east-1"],
      ["192.0.2.44", "2024/02/01", A, "us-east-1"],
      ["203.0.113.9", "2024/01/15", A, "us-east-1"],
    ]);
  });

  it("runs the seed's query as written on a projected table in its own database", async () => {
    await run(`CREATE DATABASE flowlogs COMMENT 'VPC flow logs'`);
    const ddl = projectionDdl("vpc_flow_logs")
      .replace("PARTITIONED BY (accid string, region string, day string)", "PARTITIONED BY (date_partition string)")
      .replace(/"projection\.accid[^\n]*\n/g, "")
      .replace(/"projection\.region[^\n]*\n/g, "")
      .replace(/projection\.day\./g, "projection.date_partition.")
      .replace("${accid}/vpcflowlogs/${region}/${day}", `${A}/vpcflowlogs/us-east-1/\${date_partition}`);
    await run(ddl, "flowlogs");
    const { id } = await run(SEED_QUERY, "flowlogs");
    const { rows } = await rowsOf(id);
    assert.equal(rows.length - 1, 3);
    // Qualified names work from any database.
    const q = await run(`SELECT count(*) FROM flowlogs.vpc_flow_logs WHERE action = 'REJECT' AND dstport = 443`, "default");
    assert.deepEqual((await rowsOf(q.id)).rows, [["_col0"], ["4"]]);
  });

  it("runs concurrent queries over the same table", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => start(`SELECT count(*) FROM vpc_flow_logs WHERE srcport > ${i}`)));
    const done = await Promise.all(ids.map((id) => wait(id)));
    for (const qe of done) assert.equal(qe.Status?.State, "SUCCEEDED", qe.Status?.StateChangeReason);
    for (const id of ids) assert.deepEqual((await rowsOf(id)).rows[1], ["7"]);
  });

  it("pages GetQueryResults with MaxResults and NextToken", async () => {
    const { id } = await run(`SELECT srcport FROM vpc_flow_logs WHERE srcport IS NOT NULL ORDER BY srcport`);
    const seen: (string | null)[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await athena().send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 3, NextToken: token }));
      seen.push(...out.ResultSet!.Rows!.map((r) => r.Data![0]!.VarCharValue ?? null));
      token = out.NextToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ["srcport", "40000", "49152", "49153", "50000", "50001", "51515", "51516"]);
    await assert.rejects(athena().send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 5000 })), { name: "InvalidRequestException" });
  });

  it("fails a bad query with the SQL error as StateChangeReason and an AthenaError", async () => {
    const id = await start(`SELECT no_such_column FROM vpc_flow_logs`);
    const qe = await wait(id);
    assert.equal(qe.Status?.State, "FAILED");
    assert.match(qe.Status?.StateChangeReason ?? "", /^COLUMN_NOT_FOUND: line 1:8: Column 'no_such_column' cannot be resolved/);
    assert.equal(qe.Status?.AthenaError?.ErrorCategory, 2);
    assert.equal(qe.Status?.AthenaError?.ErrorType, 1006);
    const missing = await wait(await start(`SELECT * FROM nope_table`));
    assert.equal(missing.Status?.State, "FAILED");
    assert.match(missing.Status?.StateChangeReason ?? "", /TABLE_NOT_FOUND: .*Table 'awsdatacatalog\.default\.nope_table' does not exist/);
    const syntax = await wait(await start(`CREATE EXTERNAL TABLE broken (a int`));
    assert.equal(syntax.Status?.State, "FAILED");
    assert.match(syntax.Status?.StateChangeReason ?? "", /line 1:\d+/);
    await assert.rejects(athena().send(new GetQueryResultsCommand({ QueryExecutionId: id })), (e: any) => {
      assert.equal(e.name, "InvalidRequestException");
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.match(e.message, /FAILED/);
      return true;
    });
  });

  it("answers InvalidRequestException for an unknown id, another account's query, and a missing output location", async () => {
    const expectInvalid = (p: Promise<unknown>, re: RegExp) =>
      assert.rejects(p, (e: any) => {
        assert.equal(e.name, "InvalidRequestException");
        assert.equal(e.$metadata.httpStatusCode, 400);
        assert.match(e.message, re);
        return true;
      });
    await expectInvalid(athena().send(new GetQueryExecutionCommand({ QueryExecutionId: "3f8f0a6e-0000-4000-8000-000000000000" })), /was not found/);
    const id = await start(`SELECT 1`);
    await wait(id);
    await expectInvalid(athena(B).send(new GetQueryExecutionCommand({ QueryExecutionId: id })), /was not found/);
    await expectInvalid(athena(B).send(new GetQueryResultsCommand({ QueryExecutionId: id })), /was not found/);
    await expectInvalid(athena().send(new StartQueryExecutionCommand({ QueryString: "SELECT 1" })), /No output location provided/);
    await expectInvalid(
      athena().send(new StartQueryExecutionCommand({ QueryString: "SELECT 1", WorkGroup: "nope", ResultConfiguration: { OutputLocation: `s3://${RESULTS}/` } })),
      /WorkGroup nope is not found/,
    );
    // Another account has its own catalog: account A's tables do not exist there.
    const other = await wait(await start(`SELECT * FROM vpc_flow_logs`, "default", B), B);
    assert.equal(other.Status?.State, "FAILED");
  });

  it("lists query executions newest first, pages them, and stops a query", async () => {
    const id = await start(`SELECT 42`);
    await athena().send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    const qe = await wait(id);
    assert.ok(qe.Status?.State === "CANCELLED" || qe.Status?.State === "SUCCEEDED");
    const first = await athena().send(new ListQueryExecutionsCommand({ MaxResults: 2 }));
    assert.equal(first.QueryExecutionIds?.[0], id);
    assert.equal(first.QueryExecutionIds?.length, 2);
    assert.ok(first.NextToken);
    const second = await athena().send(new ListQueryExecutionsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    assert.ok(!second.QueryExecutionIds?.includes(id));
    const none = await athena(B).send(new ListQueryExecutionsCommand({}));
    assert.ok(!none.QueryExecutionIds?.includes(id));
  });

  it("serves the catalog: SHOW TABLES, ListDatabases, GetDatabase, ListTableMetadata, GetTableMetadata, DROP TABLE", async () => {
    const show = await run(`SHOW TABLES`);
    assert.equal(show.qe.StatementType, "UTILITY");
    const { rows } = await rowsOf(show.id);
    assert.deepEqual(rows.map((r) => r[0]).sort(), ["test_table_vpclogs", "vpc_flow_logs"]);
    const dbs = await athena().send(new ListDatabasesCommand({ CatalogName: "AwsDataCatalog" }));
    assert.deepEqual(dbs.DatabaseList?.map((d) => d.Name), ["default", "flowlogs"]);
    const db = await athena().send(new GetDatabaseCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "flowlogs" }));
    assert.equal(db.Database?.Description, "VPC flow logs");
    const tables = await athena().send(new ListTableMetadataCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "default" }));
    assert.deepEqual(tables.TableMetadataList?.map((t) => t.Name), ["test_table_vpclogs", "vpc_flow_logs"]);
    const t = await athena().send(new GetTableMetadataCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "default", TableName: "vpc_flow_logs" }));
    assert.equal(t.TableMetadata?.TableType, "EXTERNAL_TABLE");
    assert.deepEqual(t.TableMetadata?.PartitionKeys, [{ Name: "date_partition", Type: "date" }]);
    assert.equal(t.TableMetadata?.Columns?.[11]?.Name, "end");
    assert.equal(t.TableMetadata?.Parameters?.["skip.header.line.count"], "1");
    assert.equal(t.TableMetadata?.Parameters?.["serde.param.field.delim"], " ");
    await assert.rejects(
      athena().send(new GetTableMetadataCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "default", TableName: "nope" })),
      { name: "MetadataException" },
    );
    await run(`DROP TABLE test_table_vpclogs`);
    const after = await athena().send(new ListTableMetadataCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "default" }));
    assert.deepEqual(after.TableMetadataList?.map((x) => x.Name), ["vpc_flow_logs"]);
    const dropAgain = await wait(await start(`DROP TABLE test_table_vpclogs`));
    assert.equal(dropAgain.Status?.State, "FAILED");
    await run(`DROP TABLE IF EXISTS test_table_vpclogs`);
  });

  it("works from the AWS CLI", async () => {
    const cli = (args: string[]) => awsCli(cb.endpoint, args, { AWS_ACCESS_KEY_ID: A });
    const started = await cli([
      "athena",
      "start-query-execution",
      "--query-string",
      "SELECT count(*) AS rejected FROM vpc_flow_logs WHERE action = 'REJECT'",
      "--result-configuration",
      `OutputLocation=s3://${RESULTS}/cli/`,
    ]);
    assert.equal(started.code, 0, started.stderr);
    const id = started.json.QueryExecutionId as string;
    await wait(id);
    const res = await cli(["athena", "get-query-results", "--query-execution-id", id]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(
      res.json.ResultSet.Rows.map((r: { Data: { VarCharValue: string }[] }) => r.Data[0]!.VarCharValue),
      ["rejected", "6"],
    );
    const bad = await cli(["athena", "get-query-execution", "--query-execution-id", "nope"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidRequestException/);
  });
});

describe("athena durability", () => {
  it("keeps the catalog and query results across a restart", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dataDir = mkdtempSync(join(tmpdir(), "cbx-athena-data-"));
    let cb = await startCloudbox({ ephemeral: false, dataDir });
    const athena = () => new AthenaClient({ ...cb.clientConfig, credentials: { accessKeyId: A, secretAccessKey: "x" } });
    const s3 = new S3Client({ ...cb.clientConfig, forcePathStyle: true, credentials: { accessKeyId: A, secretAccessKey: "x" } });
    await s3.send(new CreateBucketCommand({ Bucket: "durable-results" }));
    const startQ = async (sql: string) =>
      (await athena().send(new StartQueryExecutionCommand({ QueryString: sql, ResultConfiguration: { OutputLocation: "s3://durable-results/" } }))).QueryExecutionId!;
    const waitQ = async (id: string) => {
      for (;;) {
        const s = (await athena().send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!.Status!.State!;
        if (s !== "QUEUED" && s !== "RUNNING") return s;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    assert.equal(await waitQ(await startQ("CREATE DATABASE kept")), "SUCCEEDED");
    const id = await startQ("SELECT 6 * 7 AS answer");
    assert.equal(await waitQ(id), "SUCCEEDED");
    await cb.stop();
    cb = await startCloudbox({ ephemeral: false, dataDir });
    const res = await athena().send(new GetQueryResultsCommand({ QueryExecutionId: id }));
    assert.deepEqual(res.ResultSet?.Rows?.map((r) => r.Data?.[0]?.VarCharValue), ["answer", "42"]);
    const dbs = await athena().send(new ListDatabasesCommand({ CatalogName: "AwsDataCatalog" }));
    assert.ok(dbs.DatabaseList?.some((d) => d.Name === "kept"));
    await cb.stop();
  });
});
