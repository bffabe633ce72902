/**
 * CloudWatch Logs with the AWS CLI v2: create-log-group / create-log-stream / put-log-events,
 * describe-log-groups, get-log-events, filter-log-events with a term, a JSON and a space-delimited
 * pattern (the CLI follows nextToken itself), put-retention-policy with an invalid value, and the
 * error a missing group gives.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { awsCli } from "../helpers/aws-cli.js";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

const ACCOUNT = "111111111111";
const env = { AWS_ACCESS_KEY_ID: ACCOUNT };

describe("aws logs (CLI v2)", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox();
  });
  after(() => cb.stop());

  const cli = async (...args: string[]) => {
    const r = await awsCli(cb.endpoint, ["logs", ...args], env);
    assert.equal(r.code, 0, r.stderr);
    return r.json;
  };

  test("groups, streams, events and filter patterns", async () => {
    const g = `/cli/flow-logs-${Date.now().toString(36)}`;
    const eni = "eni-0123456789abcdef0";
    await cli("create-log-group", "--log-group-name", g, "--tags", "team=net");
    await cli("create-log-stream", "--log-group-name", g, "--log-stream-name", eni);
    const t = cb.clock.now() - 60_000;
    const sec = Math.floor(t / 1000);
    const lines = [
      `2 ${ACCOUNT} ${eni} 203.0.113.12 10.0.1.5 49152 443 6 1 40 ${sec} ${sec + 60} REJECT OK`,
      `2 ${ACCOUNT} ${eni} 10.0.1.5 10.0.2.7 40000 443 6 5 500 ${sec} ${sec + 60} ACCEPT OK`,
      `2 ${ACCOUNT} ${eni} 198.51.100.7 10.0.1.5 50000 22 6 1 40 ${sec} ${sec + 60} REJECT OK`,
      JSON.stringify({ level: "ERROR", latency: 1500 }),
    ];
    const events = JSON.stringify(lines.map((message, i) => ({ timestamp: t + i * 1000, message })));
    const put = await cli("put-log-events", "--log-group-name", g, "--log-stream-name", eni, "--log-events", events);
    assert.match(put.nextSequenceToken, /^\d+$/);

    const groups = await cli("describe-log-groups", "--log-group-name-prefix", g);
    assert.equal(groups.logGroups.length, 1);
    assert.equal(groups.logGroups[0].logGroupName, g);
    assert.equal(groups.logGroups[0].arn, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${g}:*`);

    const got = await cli("get-log-events", "--log-group-name", g, "--log-stream-name", eni, "--start-from-head");
    assert.equal(got.events.length, 4);
    assert.match(got.nextForwardToken, /^f\//);

    const term = await cli("filter-log-events", "--log-group-name", g, "--filter-pattern", "REJECT");
    assert.equal(term.events.length, 2);
    const delimited = await cli(
      "filter-log-events", "--log-group-name", g, "--filter-pattern",
      '[version, account, eni, src, dst, srcport, dstport="443", protocol, packets, bytes, start, end, action="REJECT", status]',
    );
    assert.deepEqual(delimited.events.map((e: { message: string }) => e.message), [lines[0]]);
    assert.equal(delimited.events[0].logStreamName, eni);
    const json = await cli("filter-log-events", "--log-group-name", g, "--filter-pattern", "{ $.latency > 1000 }");
    assert.equal(json.events.length, 1);
    // The CLI pages through nextToken itself: a page size of 1 still yields every event.
    const paged = await cli("filter-log-events", "--log-group-name", g, "--page-size", "1");
    assert.equal(paged.events.length, 4);

    // `aws logs tail` (a CLI v2 command built on FilterLogEvents).
    const tail = await awsCli(cb.endpoint, ["logs", "tail", g, "--since", "1h", "--filter-pattern", "REJECT"], env);
    assert.equal(tail.code, 0, tail.stderr);
    assert.equal(tail.stdout.trim().split("\n").length, 2);
    assert.match(tail.stdout, new RegExp(`${eni} 2 ${ACCOUNT} ${eni} 203\\.0\\.113\\.12`));

    const tags = await cli("list-tags-log-group", "--log-group-name", g);
    assert.deepEqual(tags.tags, { team: "net" });

    const bad = await awsCli(cb.endpoint, ["logs", "put-retention-policy", "--log-group-name", g, "--retention-in-days", "2"], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameterException/);
    const missing = await awsCli(cb.endpoint, ["logs", "describe-log-streams", "--log-group-name", `${g}-missing`], env);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ResourceNotFoundException.*The specified log group does not exist/);
  });
});
