/**
 * Log events: PutLogEvents, GetLogEvents, FilterLogEvents, TestMetricFilter (filter patterns run
 * by the pure engine in src/engines/log-filter).
 *
 * AWS rules reproduced (CloudWatch Logs API Reference, API_PutLogEvents.html):
 * - "The maximum batch size is 1,048,576 bytes. This size is calculated as the sum of all event
 *   messages in UTF-8, plus 26 bytes for each log event" -> "Upload too large: <n> bytes exceeds
 *   limit of 1048576"; "Each log event can be no larger than 1 MB"; at most 10,000 events.
 * - "None of the log events in the batch can be more than 2 hours in the future", "more than 14
 *   days in the past" or "from earlier than the retention period of the log group": such events
 *   are not stored and are reported in rejectedLogEventsInfo (tooNewLogEventStartIndex inclusive,
 *   tooOldLogEventEndIndex exclusive, expiredLogEventEndIndex; API_RejectedLogEventsInfo.html),
 *   the call still succeeds.
 * - "The log events in the batch must be in chronological order by their timestamp" and "A batch
 *   of log events in a single request cannot span more than 24 hours. Otherwise, the operation
 *   fails." (InvalidParameterException).
 * - Sequence tokens: "PutLogEvents actions are now accepted and never return
 *   InvalidSequenceTokenException or DataAlreadyAcceptedException even if the sequence token is
 *   not valid"; nextSequenceToken is still returned.
 * API_GetLogEvents.html: startTime inclusive, endTime exclusive; startFromHead default false (the
 * latest events); limit up to 10,000 (default: as many as fit in 1 MB); nextForwardToken /
 * nextBackwardToken, "If you have reached the end of the stream, it returns the same token you
 * passed in". API_FilterLogEvents.html: logStreamNames and logStreamNamePrefix are mutually
 * exclusive (InvalidParameterException); endTime inclusive ("Events with a timestamp later than
 * this time are not returned"); limit default and maximum 10,000; events interleaved across streams
 * in timestamp order; startFromHead (default true) sets the direction of the first page.
 * Not done: metric filters and subscription filters as resources, unmask / data protection,
 * the `entity` of PutLogEvents (accepted, ignored), Live Tail.
 */
import { opDefiner } from "../../core/index.js";
import { compileFilterPattern, FilterPatternSyntaxError, type CompiledFilter } from "../../engines/log-filter/index.js";
import {
  DAY_MS, ZERO_POS, checkLimit, checkStreamName, decodeToken, encodeToken, eventId, parseEventId, resolveGroup, retentionCutoff,
  scope, sequenceToken, utf8Bytes,
} from "./common.js";
import { Violations, logsErrors } from "./errors.js";
import { allStreams, bumpSequence, findStream, groupEvents, insertEvents, recordIngestion, streamEvents, type EventRow, type Pos } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-cloudwatch-logs")>();

const MAX_BATCH_BYTES = 1_048_576;
const MAX_EVENT_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const MAX_EVENTS = 10_000;
const HOUR_MS = 3_600_000;

export const putLogEvents = defineOp("PutLogEvents", (input, ctx) => {
  const events = input.logEvents ?? [];
  const v = new Violations();
  checkStreamName(v, input.logStreamName!);
  if (events.length < 1) v.add("[]", "logEvents", "Member must have length greater than or equal to 1");
  if (events.length > MAX_EVENTS) v.add(`[${events.length} events]`, "logEvents", `Member must have length less than or equal to ${MAX_EVENTS}`);
  events.forEach((e, i) => {
    if (!e.message) v.add(e.message ?? "null", `logEvents.${i + 1}.member.message`, "Member must have length greater than or equal to 1");
    if (!Number.isInteger(e.timestamp) || (e.timestamp as number) < 0) v.add(e.timestamp, `logEvents.${i + 1}.member.timestamp`, "Member must have value greater than or equal to 0");
  });
  v.throwIfAny();
  const g = resolveGroup(ctx, { logGroupName: input.logGroupName });
  const s = scope(ctx);
  if (!findStream(ctx.store, s, g.name, input.logStreamName!)) throw logsErrors.streamNotFound();

  const sized = events.map((e) => ({ ts: e.timestamp as number, message: e.message as string, bytes: utf8Bytes(e.message as string) }));
  let total = 0;
  for (const e of sized) {
    const size = e.bytes + EVENT_OVERHEAD;
    if (size > MAX_EVENT_BYTES) throw logsErrors.invalidParameter(`Log event too large: ${size} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    total += size;
  }
  if (total > MAX_BATCH_BYTES) throw logsErrors.invalidParameter(`Upload too large: ${total} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  for (let i = 1; i < sized.length; i++) {
    if (sized[i].ts < sized[i - 1].ts) throw logsErrors.invalidParameter("Log events in a single PutLogEvents request must be in chronological order.");
  }
  if (sized[sized.length - 1].ts - sized[0].ts > DAY_MS) {
    throw logsErrors.invalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
  }

  const now = ctx.clock.now();
  const oldest = now - 14 * DAY_MS;
  const newest = now + 2 * HOUR_MS;
  const cutoff = retentionCutoff(g, now);
  let tooOldEnd = 0;
  let expiredEnd = 0;
  let tooNewStart = sized.length;
  sized.forEach((e, i) => {
    if (e.ts < oldest) tooOldEnd = i + 1;
    if (e.ts < cutoff) expiredEnd = i + 1;
    if (e.ts > newest && tooNewStart === sized.length) tooNewStart = i;
  });
  const accepted = sized.slice(Math.max(tooOldEnd, expiredEnd), tooNewStart);
  if (accepted.length) {
    insertEvents(ctx.store, s, g.name, input.logStreamName!, accepted, now);
    recordIngestion(ctx.store, s, g.name, input.logStreamName!, accepted[0].ts, accepted[accepted.length - 1].ts, now);
  } else bumpSequence(ctx.store, s, g.name, input.logStreamName!);
  const stream = findStream(ctx.store, s, g.name, input.logStreamName!)!;
  const rejected =
    tooOldEnd > 0 || expiredEnd > 0 || tooNewStart < sized.length
      ? {
          ...(tooNewStart < sized.length ? { tooNewLogEventStartIndex: tooNewStart } : {}),
          ...(tooOldEnd > 0 ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
          ...(expiredEnd > 0 ? { expiredLogEventEndIndex: expiredEnd } : {}),
        }
      : undefined;
  return { nextSequenceToken: sequenceToken(stream.upload_seq), ...(rejected ? { rejectedLogEventsInfo: rejected } : {}) };
});

const TOKEN = /^([fb])\/(\d{56})(?:\/s)?$/;

/** Trims a page to the 1 MB response budget (API_GetLogEvents.html, limit). */
const within1Mb = (rows: EventRow[]): EventRow[] => {
  let total = 0;
  const out: EventRow[] = [];
  for (const r of rows) {
    total += utf8Bytes(r.message) + EVENT_OVERHEAD;
    if (total > MAX_BATCH_BYTES && out.length) break;
    out.push(r);
  }
  return out;
};

export const getLogEvents = defineOp("GetLogEvents", (input, ctx) => {
  const v = new Violations();
  checkStreamName(v, input.logStreamName!);
  checkLimit(v, input.limit, MAX_EVENTS);
  v.throwIfAny();
  const g = resolveGroup(ctx, input);
  const s = scope(ctx);
  if (!findStream(ctx.store, s, g.name, input.logStreamName!)) throw logsErrors.streamNotFound();
  let token: { dir: "f" | "b"; pos: Pos } | undefined;
  if (input.nextToken !== undefined) {
    const m = TOKEN.exec(input.nextToken);
    const pos = m ? parseEventId(m[2]) : undefined;
    if (!m || !pos) throw logsErrors.invalidParameter("The specified nextToken is invalid.");
    token = { dir: m[1] as "f" | "b", pos };
  }
  const start = Math.max(input.startTime ?? 0, retentionCutoff(g, ctx.clock.now()));
  const end = input.endTime ?? Number.MAX_SAFE_INTEGER;
  const limit = input.limit ?? MAX_EVENTS;
  const base = { group: g.name, stream: input.logStreamName!, start, end, limit };
  let rows: EventRow[];
  if (token?.dir === "f") rows = within1Mb(streamEvents(ctx.store, s, { ...base, after: token.pos, desc: false }));
  else if (token?.dir === "b") rows = within1Mb(streamEvents(ctx.store, s, { ...base, before: token.pos, desc: true })).reverse();
  else if (input.startFromHead) rows = within1Mb(streamEvents(ctx.store, s, { ...base, desc: false }));
  else rows = within1Mb(streamEvents(ctx.store, s, { ...base, desc: true })).reverse();

  let forward: string;
  let backward: string;
  if (rows.length) {
    forward = `f/${eventId({ ts: rows[rows.length - 1].ts, id: rows[rows.length - 1].id })}`;
    backward = `b/${eventId({ ts: rows[0].ts, id: rows[0].id })}`;
  } else if (token) {
    // At the end in the token's direction: the same token back (and the other direction from there).
    forward = token.dir === "f" ? input.nextToken! : `f/${eventId(token.pos)}`;
    backward = token.dir === "b" ? input.nextToken! : `b/${eventId(token.pos)}`;
  } else {
    forward = `f/${eventId(ZERO_POS)}`;
    backward = `b/${eventId(ZERO_POS)}`;
  }
  return {
    events: rows.map((r) => ({ timestamp: r.ts, message: r.message, ingestionTime: r.ingestion_ms })),
    nextForwardToken: forward,
    nextBackwardToken: backward,
  };
});

interface FilterToken {
  d: "f" | "b";
  t: number;
  i: number;
}
const isFilterToken = (v: unknown): v is FilterToken =>
  typeof v === "object" && v !== null && ((v as FilterToken).d === "f" || (v as FilterToken).d === "b") &&
  Number.isInteger((v as FilterToken).t) && Number.isInteger((v as FilterToken).i);

const compile = (pattern: string | undefined): CompiledFilter => {
  try {
    return compileFilterPattern(pattern);
  } catch (e) {
    // DEVIATION: the message text is Cloudbox's (the engine says what is wrong).
    if (e instanceof FilterPatternSyntaxError) {
      throw logsErrors.invalidParameter(e.message.startsWith("Invalid filter pattern") ? e.message : `Invalid filter pattern: ${e.message}`);
    }
    throw e;
  }
};

const SCAN_BATCH = 1000;
const START_FROM_TAIL_MIN_MS = Date.UTC(2024, 0, 1);

export const filterLogEvents = defineOp("FilterLogEvents", (input, ctx) => {
  const v = new Violations();
  checkLimit(v, input.limit, MAX_EVENTS);
  if (input.logStreamNames !== undefined) {
    if (input.logStreamNames.length < 1) v.add("[]", "logStreamNames", "Member must have length greater than or equal to 1");
    if (input.logStreamNames.length > 100) v.add(`[${input.logStreamNames.length} names]`, "logStreamNames", "Member must have length less than or equal to 100");
    input.logStreamNames.forEach((n, i) => checkStreamName(v, n, `logStreamNames.${i + 1}.member`));
  }
  if (input.filterPattern !== undefined && input.filterPattern!.length > 1024) {
    v.add(input.filterPattern!, "filterPattern", "Member must have length less than or equal to 1024");
  }
  v.throwIfAny();
  const g = resolveGroup(ctx, input);
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw logsErrors.invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  // API_FilterLogEvents.html, startFromHead: "A request with startFromHead set to false and a
  // startTime before this date [Jan 1, 2024 00:00:00 UTC] returns an InvalidParameterException."
  if (input.startFromHead === false && input.startTime !== undefined && input.startTime < START_FROM_TAIL_MIN_MS) {
    throw logsErrors.invalidParameter("startFromHead set to false is supported only when startTime is on or after Jan 1, 2024 00:00:00 UTC.");
  }
  const filter = compile(input.filterPattern);
  const s = scope(ctx);
  let streams: string[] | undefined = input.logStreamNames;
  if (input.logStreamNamePrefix !== undefined) {
    streams = allStreams(ctx.store, s, g.name).map((st) => st.name).filter((n) => n.startsWith(input.logStreamNamePrefix!));
  }
  const token = decodeToken(input.nextToken, isFilterToken);
  const desc = token ? token.d === "b" : input.startFromHead === false;
  const limit = input.limit ?? MAX_EVENTS;
  const start = Math.max(input.startTime ?? 0, retentionCutoff(g, ctx.clock.now()));
  const end = input.endTime ?? Number.MAX_SAFE_INTEGER;
  let cursor: Pos | undefined = token ? { ts: token.t, id: token.i } : undefined;
  const matched: EventRow[] = [];
  let bytes = 0;
  let more = false;
  for (;;) {
    const batch = groupEvents(ctx.store, s, {
      group: g.name, streams, contains: filter.requiredSubstrings, start, end, desc, limit: SCAN_BATCH,
      ...(cursor ? (desc ? { before: cursor } : { after: cursor }) : {}),
    });
    let stop = false;
    for (const r of batch) {
      if (!filter.test(r.message).matched) {
        cursor = { ts: r.ts, id: r.id };
        continue;
      }
      const size = utf8Bytes(r.message) + EVENT_OVERHEAD;
      // A page holds at most `limit` events and, like AWS's, what fits in 1 MB (API_FilterLogEvents.html).
      if (matched.length === limit || (matched.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        more = true; // one more match exists beyond this page
        stop = true;
        break;
      }
      bytes += size;
      matched.push(r);
      cursor = { ts: r.ts, id: r.id };
    }
    if (stop || batch.length < SCAN_BATCH) break;
  }
  const last = matched[matched.length - 1];
  return {
    events: matched.map((r) => ({
      logStreamName: r.stream_name,
      timestamp: r.ts,
      message: r.message,
      ingestionTime: r.ingestion_ms,
      eventId: eventId({ ts: r.ts, id: r.id }),
    })),
    ...(more && last ? { nextToken: encodeToken({ d: desc ? "b" : "f", t: last.ts, i: last.id } satisfies FilterToken) } : {}),
  };
});

export const testMetricFilter = defineOp("TestMetricFilter", (input, ctx) => {
  void ctx;
  const messages = input.logEventMessages ?? [];
  const v = new Violations();
  if (messages.length < 1) v.add("[]", "logEventMessages", "Member must have length greater than or equal to 1");
  if (messages.length > 50) v.add(`[${messages.length} messages]`, "logEventMessages", "Member must have length less than or equal to 50");
  if (input.filterPattern!.length > 1024) v.add(input.filterPattern!, "filterPattern", "Member must have length less than or equal to 1024");
  v.throwIfAny();
  const filter = compile(input.filterPattern!);
  const matches = messages.flatMap((m, i) => {
    const r = filter.test(m);
    return r.matched ? [{ eventNumber: i + 1, eventMessage: m, extractedValues: r.extractedValues ?? {} }] : [];
  });
  return { matches };
});
