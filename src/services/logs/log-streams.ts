/**
 * Log streams: CreateLogStream, DescribeLogStreams, DeleteLogStream.
 *
 * AWS rules reproduced (CloudWatch Logs API Reference):
 * - API_CreateLogStream.html: name 1-512 characters, no ':' or '*'; ResourceAlreadyExistsException;
 *   ResourceNotFoundException when the group does not exist.
 * - API_DescribeLogStreams.html: orderBy LogStreamName (default) or LastEventTime; "If you order
 *   the results by event time, you cannot specify the logStreamNamePrefix parameter"; descending
 *   (default false); limit 1-50 (default 50); logGroupName or logGroupIdentifier. The message of
 *   that InvalidParameterException is Cloudbox's wording.
 * - API_LogStream.html: firstEventTimestamp, lastEventTimestamp, lastIngestionTime,
 *   uploadSequenceToken (ignored by PutLogEvents now), arn, storedBytes "always reported as zero".
 *   DEVIATION: lastEventTimestamp and lastIngestionTime are updated at once; AWS updates them "on an
 *   eventual consistency basis ... typically in less than an hour".
 */
import { opDefiner } from "../../core/index.js";
import { checkLimit, checkStreamName, decodeToken, encodeToken, resolveGroup, scope, sequenceToken, streamArn } from "./common.js";
import { Violations, logsErrors } from "./errors.js";
import { allStreams, deleteStream, findStream, insertStream } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-cloudwatch-logs")>();

export const createLogStream = defineOp("CreateLogStream", (input, ctx) => {
  const v = new Violations();
  checkStreamName(v, input.logStreamName!);
  v.throwIfAny();
  const g = resolveGroup(ctx, { logGroupName: input.logGroupName });
  const s = scope(ctx);
  if (findStream(ctx.store, s, g.name, input.logStreamName!)) throw logsErrors.streamExists();
  insertStream(ctx.store, s, g.name, input.logStreamName!, ctx.clock.now());
  return {};
});

export const deleteLogStream = defineOp("DeleteLogStream", (input, ctx) => {
  const v = new Violations();
  checkStreamName(v, input.logStreamName!);
  v.throwIfAny();
  const g = resolveGroup(ctx, { logGroupName: input.logGroupName });
  const s = scope(ctx);
  if (!findStream(ctx.store, s, g.name, input.logStreamName!)) throw logsErrors.streamNotFound();
  deleteStream(ctx.store, s, g.name, input.logStreamName!);
  return {};
});

const isOffset = (v: unknown): v is { o: number } => typeof v === "object" && v !== null && Number.isInteger((v as { o?: unknown }).o) && (v as { o: number }).o >= 0;

export const describeLogStreams = defineOp("DescribeLogStreams", (input, ctx) => {
  const v = new Violations();
  checkLimit(v, input.limit, 50);
  if (input.orderBy !== undefined && input.orderBy !== "LogStreamName" && input.orderBy !== "LastEventTime") {
    v.add(input.orderBy, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
  }
  if (input.logStreamNamePrefix !== undefined) checkStreamName(v, input.logStreamNamePrefix, "logStreamNamePrefix");
  v.throwIfAny();
  const g = resolveGroup(ctx, input);
  const byTime = input.orderBy === "LastEventTime";
  if (byTime && input.logStreamNamePrefix !== undefined) {
    throw logsErrors.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  const s = scope(ctx);
  let streams = allStreams(ctx.store, s, g.name);
  if (input.logStreamNamePrefix !== undefined) streams = streams.filter((st) => st.name.startsWith(input.logStreamNamePrefix!));
  if (byTime) streams.sort((a, b) => (a.last_event_ts ?? 0) - (b.last_event_ts ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (input.descending) streams.reverse();
  const offset = decodeToken(input.nextToken, isOffset)?.o ?? 0;
  const limit = input.limit ?? 50;
  const page = streams.slice(offset, offset + limit);
  return {
    logStreams: page.map((st) => ({
      logStreamName: st.name,
      creationTime: st.created_ms,
      ...(st.first_event_ts !== null ? { firstEventTimestamp: st.first_event_ts } : {}),
      ...(st.last_event_ts !== null ? { lastEventTimestamp: st.last_event_ts } : {}),
      ...(st.last_ingestion_ms !== null ? { lastIngestionTime: st.last_ingestion_ms } : {}),
      uploadSequenceToken: sequenceToken(st.upload_seq),
      arn: streamArn(s, g.name, st.name),
      storedBytes: 0,
    })),
    ...(offset + limit < streams.length ? { nextToken: encodeToken({ o: offset + limit }) } : {}),
  };
});
