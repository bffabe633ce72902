/**
 * CloudWatch Logs end to end with the real SDK v3 client: log groups (create, describe with prefix,
 * pattern and paging, delete, retention, tags), log streams (describe with order and paging),
 * PutLogEvents (ordering, limits, rejected events), GetLogEvents (forward and backward tokens, the
 * same token at the end), FilterLogEvents (term, JSON and space-delimited patterns over VPC flow
 * log lines, paging), retention expiring events under the test clock, other accounts seeing
 * nothing, and each error code with its HTTP status.
 */
import "../helpers/env.js";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  TestMetricFilterCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
} from "@aws-sdk/client-cloudwatch-logs";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

let cb: Cloudbox;
let logs: CloudWatchLogsClient;
let other: CloudWatchLogsClient;
const ACCOUNT = "111111111111";

let n = 0;
const unique = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;

before(async () => {
  cb = await startCloudbox();
  logs = new CloudWatchLogsClient({ ...cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "x" } });
  other = new CloudWatchLogsClient({ ...cb.clientConfig, credentials: { accessKeyId: "222222222222", secretAccessKey: "x" } });
});
after(async () => {
  logs.destroy();
  other.destroy();
  await cb.stop();
});

const rejects = (p: Promise<unknown>, name: string, message?: RegExp, status = 400) =>
  assert.rejects(p, (e: any) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata?.httpStatusCode, status);
    if (message) assert.match(e.message, message);
    return true;
  });

const group = async (tags?: Record<string, string>) => {
  const name = unique("/cloudbox/test");
  await logs.send(new CreateLogGroupCommand({ logGroupName: name, ...(tags ? { tags } : {}) }));
  return name;
};
const stream = async (g: string, name = unique("s")) => {
  await logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: name }));
  return name;
};

/** VPC flow log records, version 2 default format (VPC User Guide, flow-log-records.html). */
const flow = (eni: string, src: string, dst: string, sport: number, dport: number, action: "ACCEPT" | "REJECT", t: number) =>
  `2 ${ACCOUNT} ${eni} ${src} ${dst} ${sport} ${dport} 6 1 40 ${Math.floor(t / 1000)} ${Math.floor(t / 1000) + 60} ${action} OK`;

describe("log groups", () => {
  test("create, describe (fields, prefix, pattern, paging), delete; already exists; not found", async () => {
    const base = unique("/app/groups");
    for (const s of ["a", "b", "c"]) await logs.send(new CreateLogGroupCommand({ logGroupName: `${base}/${s}`, kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/x" }));
    await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: `${base}/a` })), "ResourceAlreadyExistsException", /already exists/);

    const all = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: base }));
    assert.deepEqual(all.logGroups?.map((g) => g.logGroupName), [`${base}/a`, `${base}/b`, `${base}/c`]);
    const g = all.logGroups![0];
    assert.equal(g.arn, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${base}/a:*`);
    assert.equal(g.logGroupArn, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${base}/a`);
    assert.equal(g.logGroupClass, "STANDARD");
    assert.equal(g.metricFilterCount, 0);
    assert.equal(g.storedBytes, 0);
    assert.equal(g.retentionInDays, undefined);
    assert.ok(Math.abs(g.creationTime! - cb.clock.now()) < 60_000);

    // Paging with limit/nextToken, and the SDK paginator.
    const p1 = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: base, limit: 2 }));
    assert.equal(p1.logGroups?.length, 2);
    assert.ok(p1.nextToken);
    const p2 = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: base, limit: 2, nextToken: p1.nextToken }));
    assert.deepEqual(p2.logGroups?.map((x) => x.logGroupName), [`${base}/c`]);
    assert.equal(p2.nextToken, undefined);
    const paged: string[] = [];
    for await (const page of paginateDescribeLogGroups({ client: logs, pageSize: 1 }, { logGroupNamePrefix: base })) paged.push(...page.logGroups!.map((x) => x.logGroupName!));
    assert.equal(paged.length, 3);

    // logGroupNamePattern: case-sensitive substring; only arn, creationTime and logGroupName.
    const pat = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: base.slice(5) }));
    assert.equal(pat.logGroups?.length, 3);
    assert.deepEqual(Object.keys(pat.logGroups![0]).sort(), ["arn", "creationTime", "logGroupName"]);
    assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: base.slice(5).toUpperCase() }))).logGroups?.length, 0);
    await rejects(logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: "x", logGroupNamePrefix: "x" })), "InvalidParameterException", /mutually exclusive/);
    await rejects(logs.send(new DescribeLogGroupsCommand({ limit: 51 })), "InvalidParameterException", /less than or equal to 50/);
    await rejects(logs.send(new DescribeLogGroupsCommand({ nextToken: "garbage!" })), "InvalidParameterException", /nextToken/);

    await logs.send(new DeleteLogGroupCommand({ logGroupName: `${base}/b` }));
    assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: base }))).logGroups?.length, 2);
    await rejects(logs.send(new DeleteLogGroupCommand({ logGroupName: `${base}/b` })), "ResourceNotFoundException", /^The specified log group does not exist\.$/);
    // Deleting a group deletes its streams and events: a new group of the same name starts empty.
    await logs.send(new CreateLogStreamCommand({ logGroupName: `${base}/c`, logStreamName: "s" }));
    await logs.send(new PutLogEventsCommand({ logGroupName: `${base}/c`, logStreamName: "s", logEvents: [{ timestamp: cb.clock.now(), message: "x" }] }));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: `${base}/c` }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: `${base}/c` }));
    assert.deepEqual((await logs.send(new DescribeLogStreamsCommand({ logGroupName: `${base}/c` }))).logStreams, []);
    assert.deepEqual((await logs.send(new FilterLogEventsCommand({ logGroupName: `${base}/c` }))).events, []);
  });

  test("DescribeLogGroups: logGroupIdentifiers (names and ARNs) and logGroupClass", async () => {
    const a = await group();
    const b = unique("/cloudbox/ia");
    await logs.send(new CreateLogGroupCommand({ logGroupName: b, logGroupClass: "INFREQUENT_ACCESS" }));
    const byIds = await logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: [a, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${b}`, "missing"] }));
    assert.deepEqual(byIds.logGroups?.map((g) => g.logGroupName).sort(), [a, b].sort());
    const ia = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: b, logGroupClass: "INFREQUENT_ACCESS" }));
    assert.equal(ia.logGroups?.[0].logGroupClass, "INFREQUENT_ACCESS");
    assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: b, logGroupClass: "STANDARD" }))).logGroups?.length, 0);
    await rejects(logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: [a], logGroupNamePrefix: "x" })), "InvalidParameterException");
  });

  test("name rules", async () => {
    await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: "bad name" })), "InvalidParameterException", /regular expression pattern/);
    await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: "x".repeat(513) })), "InvalidParameterException", /less than or equal to 512/);
    await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: "" })), "InvalidParameterException", /greater than or equal to 1/);
    await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: "aws/mine" })), "InvalidParameterException", /aws\//);
    await logs.send(new CreateLogGroupCommand({ logGroupName: unique("ok._-/#Name") }));
  });

  test("retention: documented values only; set and delete", async () => {
    const g = await group();
    await rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 2 })), "InvalidParameterException", /enum value set: \[1, 3, 5, 7, 14/);
    await rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: `${g}-missing`, retentionInDays: 1 })), "ResourceNotFoundException");
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 3653 }));
    assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }))).logGroups![0].retentionInDays, 3653);
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: g }));
    assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }))).logGroups![0].retentionInDays, undefined);
    await rejects(logs.send(new DeleteRetentionPolicyCommand({ logGroupName: `${g}-missing` })), "ResourceNotFoundException");
  });

  test("tags: at creation, TagLogGroup family and TagResource family, 50-tag limit", async () => {
    const g = await group({ team: "net" });
    assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: g }))).tags, { team: "net" });
    await logs.send(new TagLogGroupCommand({ logGroupName: g, tags: { env: "dev" } }));
    await logs.send(new UntagLogGroupCommand({ logGroupName: g, tags: ["team"] }));
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${g}`;
    assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { env: "dev" });
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { a: "1", b: "2" } }));
    await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["a"] }));
    assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { b: "2", env: "dev" });
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
    await rejects(logs.send(new TagResourceCommand({ resourceArn: arn, tags: many })), "TooManyTagsException");
    await rejects(logs.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-missing` })), "ResourceNotFoundException");
    await rejects(logs.send(new ListTagsLogGroupCommand({ logGroupName: `${g}-missing` })), "ResourceNotFoundException");
  });
});

describe("log streams", () => {
  test("create, describe (order, descending, prefix, paging, fields), delete, errors", async () => {
    const g = await group();
    const now = cb.clock.now();
    for (const [s, t] of [["b", now - 3000], ["a", now - 1000], ["c", now - 2000]] as const) {
      await stream(g, s);
      await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: [{ timestamp: t, message: `m-${s}` }] }));
    }
    await stream(g, "d-empty");
    await rejects(logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: "a" })), "ResourceAlreadyExistsException", /log stream already exists/);
    await rejects(logs.send(new CreateLogStreamCommand({ logGroupName: `${g}-missing`, logStreamName: "a" })), "ResourceNotFoundException", /log group does not exist/);
    await rejects(logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: "bad:name" })), "InvalidParameterException", /\[\^:\*\]\*/);

    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: g }));
    assert.deepEqual(byName.logStreams?.map((s) => s.logStreamName), ["a", "b", "c", "d-empty"]);
    const a = byName.logStreams![0];
    assert.equal(a.firstEventTimestamp, now - 1000);
    assert.equal(a.lastEventTimestamp, now - 1000);
    assert.ok(a.lastIngestionTime! >= now);
    assert.match(a.uploadSequenceToken!, /^\d+$/);
    assert.equal(a.arn, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${g}:log-stream:a`);
    assert.equal(a.storedBytes, 0);
    assert.equal(byName.logStreams![3].lastEventTimestamp, undefined);

    const byTime = await logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: g, orderBy: "LastEventTime", descending: true }));
    assert.deepEqual(byTime.logStreams?.map((s) => s.logStreamName), ["a", "c", "b", "d-empty"]);
    const pre = await logs.send(new DescribeLogStreamsCommand({ logGroupName: g, logStreamNamePrefix: "d" }));
    assert.deepEqual(pre.logStreams?.map((s) => s.logStreamName), ["d-empty"]);
    await rejects(
      logs.send(new DescribeLogStreamsCommand({ logGroupName: g, orderBy: "LastEventTime", logStreamNamePrefix: "a" })),
      "InvalidParameterException",
      /Cannot order by LastEventTime with a logStreamNamePrefix/,
    );
    const p1 = await logs.send(new DescribeLogStreamsCommand({ logGroupName: g, limit: 3 }));
    assert.equal(p1.logStreams?.length, 3);
    const p2 = await logs.send(new DescribeLogStreamsCommand({ logGroupName: g, limit: 3, nextToken: p1.nextToken }));
    assert.deepEqual(p2.logStreams?.map((s) => s.logStreamName), ["d-empty"]);
    assert.equal(p2.nextToken, undefined);
    await rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: g, logGroupIdentifier: g })), "InvalidParameterException", /mutually exclusive/);
    await rejects(logs.send(new DescribeLogStreamsCommand({})), "InvalidParameterException");

    await logs.send(new DeleteLogStreamCommand({ logGroupName: g, logStreamName: "b" }));
    await rejects(logs.send(new DeleteLogStreamCommand({ logGroupName: g, logStreamName: "b" })), "ResourceNotFoundException", /^The specified log stream does not exist\.$/);
    assert.equal((await logs.send(new DescribeLogStreamsCommand({ logGroupName: g }))).logStreams?.length, 3);
  });
});

describe("events", () => {
  test("PutLogEvents: order, span, limits, rejected too old / too new, tokens ignored", async () => {
    const g = await group();
    const s = await stream(g);
    const now = cb.clock.now();
    const put = (logEvents: { timestamp: number; message: string }[], sequenceToken?: string) =>
      logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents, ...(sequenceToken ? { sequenceToken } : {}) }));
    const r = await put([{ timestamp: now, message: "one" }], "bogus-token-is-ignored");
    assert.match(r.nextSequenceToken!, /^\d+$/);
    assert.equal(r.rejectedLogEventsInfo, undefined);
    await rejects(put([{ timestamp: now, message: "b" }, { timestamp: now - 1, message: "a" }]), "InvalidParameterException", /^Log events in a single PutLogEvents request must be in chronological order\.$/);
    await rejects(put([{ timestamp: now - 25 * 3600_000, message: "a" }, { timestamp: now, message: "b" }]), "InvalidParameterException", /24 hours/);
    await rejects(put([]), "InvalidParameterException", /greater than or equal to 1/);
    await rejects(put(Array.from({ length: 10_001 }, () => ({ timestamp: now, message: "x" }))), "InvalidParameterException", /less than or equal to 10000/);
    // 1,048,576 bytes counting 26 per event: 2 events of 524,262 bytes fit exactly; one more byte does not.
    await put([{ timestamp: now, message: "a".repeat(524_262) }, { timestamp: now, message: "b".repeat(524_262) }]);
    await rejects(
      put([{ timestamp: now, message: "a".repeat(524_262) }, { timestamp: now, message: "b".repeat(524_263) }]),
      "InvalidParameterException",
      /^Upload too large: 1048577 bytes exceeds limit of 1048576$/,
    );
    await rejects(put([{ timestamp: now, message: "x" }]).then(() => logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: "nope", logEvents: [{ timestamp: now, message: "x" }] }))), "ResourceNotFoundException", /log stream does not exist/);
    await rejects(logs.send(new PutLogEventsCommand({ logGroupName: `${g}-x`, logStreamName: s, logEvents: [{ timestamp: now, message: "x" }] })), "ResourceNotFoundException", /log group does not exist/);

    // Too old (older than 14 days), kept, too new (more than 2 hours ahead).
    const day = 86_400_000;
    const s2 = await stream(g);
    const res = await logs.send(new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: s2,
      logEvents: [
        { timestamp: now - 14 * day - 60_000, message: "old-1" },
        { timestamp: now - 14 * day - 1000, message: "old-2" },
        { timestamp: now - 13.5 * day, message: "kept" },
      ],
    }));
    assert.deepEqual(res.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 2 });
    const res2 = await logs.send(new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: s2,
      logEvents: [{ timestamp: now, message: "kept-2" }, { timestamp: now + 3 * 3600_000, message: "new-1" }],
    }));
    assert.deepEqual(res2.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
    const got = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s2, startFromHead: true }));
    assert.deepEqual(got.events?.map((e) => e.message), ["kept", "kept-2"]);

    // Expired: older than the group's retention.
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 1 }));
    const res3 = await logs.send(new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: s2,
      logEvents: [{ timestamp: now - 2 * day, message: "expired" }, { timestamp: now - 2 * day + 1, message: "expired too" }],
    }));
    assert.deepEqual(res3.rejectedLogEventsInfo, { expiredLogEventEndIndex: 2 });
  });

  test("GetLogEvents: tail by default, head, forward and backward tokens, same token at the end, time range", async () => {
    const g = await group();
    const s = await stream(g);
    const t0 = cb.clock.now() - 60_000;
    const events = Array.from({ length: 10 }, (_, i) => ({ timestamp: t0 + i * 1000, message: `event ${i}` }));
    await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: events }));

    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, limit: 3 }));
    assert.deepEqual(tail.events?.map((e) => e.message), ["event 7", "event 8", "event 9"]);
    assert.match(tail.nextForwardToken!, /^f\/\d{56}$/);
    assert.match(tail.nextBackwardToken!, /^b\/\d{56}$/);
    assert.ok(tail.events![0].ingestionTime! >= t0);

    const back = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, limit: 3, nextToken: tail.nextBackwardToken }));
    assert.deepEqual(back.events?.map((e) => e.message), ["event 4", "event 5", "event 6"]);
    const back2 = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, limit: 5, nextToken: back.nextBackwardToken }));
    assert.deepEqual(back2.events?.map((e) => e.message), ["event 0", "event 1", "event 2", "event 3"]);
    const back3 = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, limit: 5, nextToken: back2.nextBackwardToken }));
    assert.deepEqual(back3.events, []);
    assert.equal(back3.nextBackwardToken, back2.nextBackwardToken, "same backward token at the start of the stream");

    const head = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, limit: 4, startFromHead: true }));
    assert.deepEqual(head.events?.map((e) => e.message), ["event 0", "event 1", "event 2", "event 3"]);
    let token = head.nextForwardToken!;
    const seen = [...head.events!.map((e) => e.message)];
    for (;;) {
      const page = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, limit: 4, startFromHead: true, nextToken: token }));
      if (page.nextForwardToken === token) {
        assert.deepEqual(page.events, []);
        break;
      }
      seen.push(...page.events!.map((e) => e.message!));
      token = page.nextForwardToken!;
    }
    assert.deepEqual(seen, events.map((e) => e.message));

    // New events appear after the forward token that had reached the end.
    await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: [{ timestamp: t0 + 20_000, message: "late" }] }));
    const more = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, startFromHead: true, nextToken: token }));
    assert.deepEqual(more.events?.map((e) => e.message), ["late"]);

    const range = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, startTime: t0 + 2000, endTime: t0 + 5000, startFromHead: true }));
    assert.deepEqual(range.events?.map((e) => e.message), ["event 2", "event 3", "event 4"], "startTime inclusive, endTime exclusive");

    await rejects(logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, nextToken: "x/123" })), "InvalidParameterException", /nextToken/);
    await rejects(logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: "missing" })), "ResourceNotFoundException", /log stream does not exist/);
    await rejects(logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, limit: 10_001 })), "InvalidParameterException");
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${g}`;
    const byArn = await logs.send(new GetLogEventsCommand({ logGroupIdentifier: arn, logStreamName: s, limit: 1 }));
    assert.equal(byArn.events?.length, 1);
  });

  test("FilterLogEvents over VPC flow log lines: term, JSON and space-delimited patterns, streams, paging", async () => {
    const g = await group();
    const eniA = "eni-0a1b2c3d4e5f60001";
    const eniB = "eni-0a1b2c3d4e5f60002";
    await stream(g, eniA);
    await stream(g, eniB);
    await stream(g, "app-json");
    const t = cb.clock.now() - 120_000;
    await logs.send(new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: eniA,
      logEvents: [
        { timestamp: t, message: flow(eniA, "203.0.113.12", "10.0.1.5", 49152, 443, "REJECT", t) },
        { timestamp: t + 1000, message: flow(eniA, "10.0.1.5", "10.0.2.7", 40000, 8080, "ACCEPT", t) },
        { timestamp: t + 2000, message: flow(eniA, "198.51.100.7", "10.0.1.5", 50000, 22, "REJECT", t) },
        { timestamp: t + 3000, message: flow(eniA, "10.0.2.7", "10.0.1.5", 443, 40001, "ACCEPT", t) },
      ],
    }));
    await logs.send(new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: eniB,
      logEvents: [
        { timestamp: t + 500, message: flow(eniB, "203.0.113.99", "10.0.3.9", 51000, 443, "REJECT", t) },
        { timestamp: t + 1500, message: flow(eniB, "10.0.3.9", "10.0.4.4", 51001, 443, "ACCEPT", t) },
      ],
    }));
    await logs.send(new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: "app-json",
      logEvents: [
        { timestamp: t + 100, message: JSON.stringify({ level: "ERROR", latency: 1200, user: { id: 7 } }) },
        { timestamp: t + 200, message: JSON.stringify({ level: "INFO", latency: 20, user: { id: 8 } }) },
      ],
    }));

    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: g }));
    assert.equal(all.events?.length, 8);
    assert.deepEqual(all.events!.map((e) => e.timestamp), [...all.events!.map((e) => e.timestamp!)].sort((a, b) => a - b), "interleaved in timestamp order");
    const e0 = all.events![0];
    assert.equal(e0.logStreamName, eniA);
    assert.match(e0.eventId!, /^\d{56}$/);
    assert.ok(e0.ingestionTime! > 0);

    const term = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: "REJECT" }));
    assert.equal(term.events?.length, 3);
    const notReject = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: "ACCEPT -8080" }));
    assert.equal(notReject.events?.length, 2);

    const json = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: '{ $.level = "ERROR" && $.latency > 1000 }' }));
    assert.deepEqual(json.events?.map((e) => JSON.parse(e.message!).user.id), [7]);

    const pattern = '[version, account, eni, src, dst, srcport, dstport="443", protocol, packets, bytes, start, end, action="REJECT", status]';
    const rejected443 = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: pattern }));
    assert.deepEqual(rejected443.events?.map((e) => e.message!.split(" ")[3]), ["203.0.113.12", "203.0.113.99"]);
    const onlyA = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: pattern, logStreamNames: [eniA] }));
    assert.equal(onlyA.events?.length, 1);
    const prefixB = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: pattern, logStreamNamePrefix: "eni-0a1b2c3d4e5f60002" }));
    assert.deepEqual(prefixB.events?.map((e) => e.logStreamName), [eniB]);
    const window = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: "REJECT", startTime: t + 500, endTime: t + 2000 }));
    assert.equal(window.events?.length, 2, "startTime and endTime inclusive");
    const latestFirst = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: "REJECT", startFromHead: false, limit: 1 }));
    assert.match(latestFirst.events![0].message!, / 22 6 /);
    await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: g, startFromHead: false, startTime: Date.UTC(2023, 11, 31) })), "InvalidParameterException", /Jan 1, 2024/);

    // Paging: limit + nextToken, and the SDK paginator.
    const p1 = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: "OK", limit: 4 }));
    assert.equal(p1.events?.length, 4);
    assert.ok(p1.nextToken);
    const p2 = await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: "OK", limit: 4, nextToken: p1.nextToken }));
    assert.equal(p2.events?.length, 2);
    assert.equal(p2.nextToken, undefined);
    const ids = new Set<string>();
    for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 3 }, { logGroupName: g })) for (const e of page.events!) ids.add(e.eventId!);
    assert.equal(ids.size, 8);

    await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: g, logStreamNames: [eniA], logStreamNamePrefix: "eni" })), "InvalidParameterException", /mutually exclusive/);
    await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: "{ $.a = " })), "InvalidParameterException", /filter pattern/);
    await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: `${g}-missing` })), "ResourceNotFoundException", /log group does not exist/);
  });

  test("a flow-log batch of 7,000 lines (just under the 1 MB batch limit), then the REJECT-on-443 pattern over it", async () => {
    const g = await group();
    const eni = "eni-0f0f0f0f0f0f0f0f0";
    await stream(g, eni);
    const t = cb.clock.now() - 600_000;
    const logEvents = Array.from({ length: 7_000 }, (_, i) => ({
      timestamp: t + i,
      message: flow(eni, `198.51.100.${i % 200}`, "10.0.1.5", 40_000 + (i % 1000), i % 4 === 0 ? 443 : 80, i % 5 === 0 ? "REJECT" : "ACCEPT", t),
    }));
    const r = await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: eni, logEvents }));
    assert.equal(r.rejectedLogEventsInfo, undefined);
    const pattern = "[version, account, eni, src, dst, srcport, dstport=443, protocol, packets, bytes, start, end, action=REJECT, status]";
    let count = 0;
    for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: g, filterPattern: pattern })) count += page.events!.length;
    assert.equal(count, logEvents.filter((_, i) => i % 4 === 0 && i % 5 === 0).length);
    // Without a pattern, one page holds them all: the batch was under 1 MB, and so is the page.
    const firstPage = await logs.send(new FilterLogEventsCommand({ logGroupName: g }));
    assert.equal(firstPage.events?.length, 7000);
    assert.equal(firstPage.nextToken, undefined);
    const stats = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: g }))).logStreams![0];
    assert.equal(stats.firstEventTimestamp, t);
    assert.equal(stats.lastEventTimestamp, t + 6999);
  });

  test("FilterLogEvents pages stop at 1 MB of events", async () => {
    const g = await group();
    const s = await stream(g);
    const t = cb.clock.now() - 60_000;
    const big = "x".repeat(300_000);
    await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: [0, 1, 2].map((i) => ({ timestamp: t + i, message: `${i} ${big}` })) }));
    const p1 = await logs.send(new FilterLogEventsCommand({ logGroupName: g }));
    assert.equal(p1.events?.length, 3);
    const four = [3, 4, 5, 6].map((i) => ({ timestamp: t + 10 + i, message: `${i} ${big}` }));
    await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: four.slice(0, 3) }));
    const q1 = await logs.send(new FilterLogEventsCommand({ logGroupName: g }));
    assert.equal(q1.events?.length, 3);
    assert.ok(q1.nextToken);
    const q2 = await logs.send(new FilterLogEventsCommand({ logGroupName: g, nextToken: q1.nextToken }));
    assert.equal(q2.events?.length, 3);
    assert.equal(q2.nextToken, undefined);
  });

  test("TestMetricFilter returns matches with extracted values", async () => {
    const t = cb.clock.now();
    const r = await logs.send(new TestMetricFilterCommand({
      filterPattern: '[..., action="REJECT", status]',
      logEventMessages: [flow("eni-1", "1.2.3.4", "10.0.0.1", 1, 443, "REJECT", t), flow("eni-1", "1.2.3.4", "10.0.0.1", 1, 443, "ACCEPT", t)],
    }));
    assert.equal(r.matches?.length, 1);
    assert.equal(r.matches![0].eventNumber, 1);
    assert.equal(r.matches![0].extractedValues?.$action, "REJECT");
    assert.equal(r.matches![0].extractedValues?.$7, "443");
  });
});

describe("retention expires events by the Cloudbox clock", () => {
  test("events older than the retention disappear when the clock advances", async () => {
    const g = await group();
    const s = await stream(g);
    const now = cb.clock.now();
    await logs.send(new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: s,
      logEvents: [{ timestamp: now - 2 * 86_400_000, message: "two days old" }],
    }));
    await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: [{ timestamp: now, message: "fresh" }] }));
    assert.ok((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }))).logGroups![0].storedBytes! > 0);
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 1 }));
    let got = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, startFromHead: true }));
    assert.deepEqual(got.events?.map((e) => e.message), ["fresh"]);

    cb.clock.advance(3 * 86_400_000); // fires the hourly sweep too
    got = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, startFromHead: true }));
    assert.deepEqual(got.events, []);
    assert.equal((await logs.send(new FilterLogEventsCommand({ logGroupName: g }))).events?.length, 0);
    assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }))).logGroups![0].storedBytes, 0);

    // Deleting the policy keeps nothing that was swept, and new events stay.
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: g }));
    const later = cb.clock.now();
    await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: [{ timestamp: later, message: "after" }] }));
    cb.clock.advance(30 * 86_400_000);
    got = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, startFromHead: true }));
    assert.deepEqual(got.events?.map((e) => e.message), ["after"]);
  });
});

describe("accounts are isolated", () => {
  test("another account sees nothing and cannot reach the group by ARN", async () => {
    const g = await group();
    const s = await stream(g);
    await logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: [{ timestamp: cb.clock.now(), message: "secret" }] }));
    assert.deepEqual((await other.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }))).logGroups, []);
    await rejects(other.send(new DescribeLogStreamsCommand({ logGroupName: g })), "ResourceNotFoundException");
    await rejects(other.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s })), "ResourceNotFoundException");
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${g}`;
    await rejects(other.send(new FilterLogEventsCommand({ logGroupIdentifier: arn })), "ResourceNotFoundException");
    await rejects(other.send(new ListTagsForResourceCommand({ resourceArn: arn })), "ResourceNotFoundException");
    await rejects(other.send(new DeleteLogGroupCommand({ logGroupName: g })), "ResourceNotFoundException");
    // The same name is free in the other account.
    await other.send(new CreateLogGroupCommand({ logGroupName: g }));
    assert.equal((await other.send(new FilterLogEventsCommand({ logGroupName: g }))).events?.length, 0);
  });
});
