/**
 * Distributed Map, the pure parts: what a service needs to run a Map Run without knowing ASL.
 *
 *  - items from an ItemReader's answer: a JSON / JSON Lines / CSV file, an S3 inventory manifest,
 *    an S3 listing (parseItemFile, parseManifest, listingItems, limitItems);
 *  - ItemSelector for one item (selectItem), ItemBatcher groups (batchItems);
 *  - the tolerated-failure rule (toleranceExceeded);
 *  - what a child execution contributes to the result (childRecord) and the Map's result: the
 *    outputs (WriterConfig Transformation) or the ResultWriter's files and manifest (resultFiles).
 *
 * The service does the I/O (S3 reads and writes, child executions). Shapes follow
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html,
 * .../input-output-itembatcher.html and .../input-output-resultwriter.html.
 */
import { applyTemplate, evalJsonataRequired } from "./transform.js";
import { StatesError, type Json, type JsonObject, type MapRunSpec, type Ports } from "./types.js";

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** The S3 action of an ItemReader / ResultWriter Resource ("getObject", "listObjectsV2", "putObject"). */
export const s3Action = (resource: string | undefined): string | undefined => /^arn:aws[a-z-]*:states:::s3:([A-Za-z0-9]+)$/.exec(resource ?? "")?.[1];

const readerFailed = (msg: string) => new StatesError("States.ItemReaderFailed", msg);

// ------------------------------------------------------------------------------------------ reading

/** CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows of strings. */
export function parseCsv(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines carry no item.
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** ReaderConfig CSVDelimiter names (input-output-itemreader.html). */
const DELIMITERS: Record<string, string> = { COMMA: ",", PIPE: "|", SEMICOLON: ";", SPACE: " ", TAB: "\t" };

/** Items of a CSV file: one object per row, keyed by the header (FIRST_ROW) or CSVHeaders (GIVEN); values stay strings. */
export function csvItems(text: string, config: JsonObject): JsonObject[] {
  const delim = DELIMITERS[(config.CSVDelimiter as string) ?? "COMMA"];
  if (!delim) throw readerFailed(`Unsupported CSVDelimiter ${JSON.stringify(config.CSVDelimiter)}`);
  const rows = parseCsv(text, delim);
  let headers: string[];
  if ((config.CSVHeaderLocation ?? "FIRST_ROW") === "GIVEN") {
    if (!Array.isArray(config.CSVHeaders) || !config.CSVHeaders.every((h) => typeof h === "string"))
      throw readerFailed("CSVHeaders must be a list of strings when CSVHeaderLocation is GIVEN");
    headers = config.CSVHeaders as string[];
  } else {
    const first = rows.shift();
    if (!first) return [];
    headers = first;
  }
  return rows.map((r) => {
    const o: JsonObject = {};
    headers.forEach((h, i) => (o[h] = r[i] ?? ""));
    return o;
  });
}

/** The items of an object read by arn:aws:states:::s3:getObject, by ReaderConfig.InputType (JSON, JSONL, CSV). */
export function parseItemFile(text: string, config: JsonObject): Json[] {
  const type = (config.InputType as string | undefined) ?? "JSON";
  if (type === "CSV") return csvItems(text, config);
  if (type === "JSONL") {
    return text
      .split(/\r?\n/)
      .filter((l) => l.trim() !== "")
      .map((l, i) => {
        try {
          return JSON.parse(l) as Json;
        } catch {
          throw readerFailed(`Line ${i + 1} of the JSON Lines file is not valid JSON`);
        }
      });
  }
  if (type === "JSON") {
    let v: Json;
    try {
      v = JSON.parse(text) as Json;
    } catch (e) {
      throw readerFailed(`The object is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(v)) throw readerFailed("The JSON file must contain a JSON array");
    return v;
  }
  throw readerFailed(`Cloudbox does not read ReaderConfig InputType ${JSON.stringify(type)} with s3:getObject`);
}

/**
 * An S3 Inventory manifest.json (InputType MANIFEST): the bucket it lists, the CSV data files to
 * read, and the column names of their rows (fileSchema).
 */
export function parseManifest(text: string): { bucket: string; files: string[]; columns: string[]; format: string } {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw readerFailed(`The manifest is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObj(m) || !Array.isArray(m.files)) throw readerFailed("The manifest has no files list");
  const format = typeof m.fileFormat === "string" ? m.fileFormat : "CSV";
  if (format !== "CSV") throw readerFailed(`Cloudbox reads CSV inventories only, not ${format}`);
  const columns = typeof m.fileSchema === "string" ? m.fileSchema.split(",").map((c) => c.trim()) : ["Bucket", "Key"];
  const files = m.files.map((f) => (isObj(f) && typeof f.key === "string" ? f.key : "")).filter(Boolean);
  const bucket = typeof m.sourceBucket === "string" ? m.sourceBucket : "";
  return { bucket, files, columns, format };
}

/** Rows of one inventory data file (CSV without header) as items keyed by the manifest's columns. */
export const inventoryItems = (text: string, columns: string[]): JsonObject[] => csvItems(text, { CSVHeaderLocation: "GIVEN", CSVHeaders: columns });

/**
 * Items of arn:aws:states:::s3:listObjectsV2: one per object, with LastModified in epoch seconds
 * (input-output-itemreader.html, "Amazon S3 objects").
 */
export function listingItems(contents: { Key?: string; ETag?: string; LastModified?: string | number | Date; Size?: number; StorageClass?: string }[]): JsonObject[] {
  return contents.map((o) => {
    const lm = o.LastModified instanceof Date ? o.LastModified.getTime() : typeof o.LastModified === "string" ? Date.parse(o.LastModified) : (o.LastModified ?? 0);
    return { Etag: o.ETag ?? "", Key: o.Key ?? "", LastModified: Math.floor(lm / 1000), Size: o.Size ?? 0, StorageClass: o.StorageClass ?? "STANDARD" };
  });
}

/** ReaderConfig.MaxItems: read at most that many items (0 or absent: all). */
export const limitItems = <T>(items: T[], config: JsonObject | undefined): T[] => {
  const max = config?.MaxItems;
  return typeof max === "number" && max > 0 ? items.slice(0, max) : items;
};

// ------------------------------------------------------------------------------------------ children's input

/** ItemSelector for one item: what the child execution (or the batch) receives for it. */
export async function selectItem(spec: MapRunSpec, index: number, value: Json, ports: Ports): Promise<Json> {
  const sel = spec.selector;
  if (!sel) return value;
  const context: JsonObject = { ...sel.context, Map: { Item: { Index: index, Value: value } } };
  if (sel.jsonata) return evalJsonataRequired(sel.template, { states: { input: sel.input, context }, vars: sel.vars }, ports, "ItemSelector");
  return applyTemplate(
    sel.template,
    { input: sel.input, context: () => context, variable: (n) => (Object.prototype.hasOwnProperty.call(sel.vars, n) ? sel.vars[n] : undefined) },
    ports,
    "ItemSelector",
  );
}

/** AWS's ceiling on a batch (and on any child's input): 256 KiB (input-output-itembatcher.html). */
export const MAX_BATCH_BYTES = 256 * 1024;

const bytes = (v: Json) => Buffer.byteLength(JSON.stringify(v));

/**
 * ItemBatcher: groups consecutive items; each child receives {BatchInput?, Items}. A batch closes at
 * MaxItemsPerBatch items or before its JSON would pass MaxInputBytesPerBatch (256 KiB at most).
 * Without a batcher every item is its own child input.
 */
export function batchItems(inputs: Json[], batcher: MapRunSpec["batcher"]): { input: Json; items: number }[] {
  if (!batcher) return inputs.map((input) => ({ input, items: 1 }));
  const maxItems = batcher.maxItems && batcher.maxItems > 0 ? batcher.maxItems : Number.POSITIVE_INFINITY;
  const maxBytes = Math.min(batcher.maxBytes && batcher.maxBytes > 0 ? batcher.maxBytes : MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  const wrap = (items: Json[]): JsonObject => (batcher.batchInput !== undefined ? { BatchInput: batcher.batchInput, Items: items } : { Items: items });
  const out: { input: Json; items: number }[] = [];
  let cur: Json[] = [];
  // Size bookkeeping without re-serializing the batch for every item: {"Items":[a,b]} is the base plus each item and a comma.
  const base = bytes(wrap([]));
  let size = base;
  for (const item of inputs) {
    const b = bytes(item) + (cur.length ? 1 : 0);
    if (cur.length && (cur.length >= maxItems || size + b > maxBytes)) {
      out.push({ input: wrap(cur), items: cur.length });
      cur = [];
      size = base;
    }
    const b2 = bytes(item);
    if (base + b2 > maxBytes)
      throw new StatesError("States.Runtime", `An item of ${b2} bytes does not fit in a batch of at most ${maxBytes} bytes (MaxInputBytesPerBatch)`);
    size += b2 + (cur.length ? 1 : 0);
    cur.push(item);
  }
  if (cur.length) out.push({ input: wrap(cur), items: cur.length });
  return out;
}

// ------------------------------------------------------------------------------------------ failures

/**
 * Whether failed items exceed the tolerance: ToleratedFailureCount and ToleratedFailurePercentage
 * both default to 0, so without them one failed item fails the Map Run
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html, "Setting failure thresholds").
 */
export function toleranceExceeded(failedItems: number, totalItems: number, count?: number | null, pct?: number | null): boolean {
  if (failedItems === 0) return false;
  const countSet = count !== undefined && count !== null;
  const pctSet = pct !== undefined && pct !== null;
  const overCount = failedItems > (countSet ? count : 0);
  const overPct = totalItems > 0 && (failedItems * 100) / totalItems > (pctSet ? pct : 0);
  if (countSet && pctSet) return overCount && overPct;
  if (countSet) return overCount;
  if (pctSet) return overPct;
  return true;
}

export const thresholdError = () => ({
  error: "States.ExceedToleratedFailureThreshold",
  cause: "The specified tolerated failure threshold was exceeded",
});

// ------------------------------------------------------------------------------------------ results

/** What the service knows about a child execution when the Map Run writes its results. */
export interface ChildResult {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  status: string;
  input: Json;
  output?: Json;
  error?: string;
  cause?: string;
  startMs: number;
  stopMs?: number;
}

const isoMs = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** One child's entry in the ResultWriter files (and Transformation NONE): a DescribeExecution-like record. */
export function childRecord(c: ChildResult): JsonObject {
  const r: JsonObject = {
    ExecutionArn: c.executionArn,
    Input: JSON.stringify(c.input),
    InputDetails: { Included: true },
    Name: c.name,
  };
  if (c.status === "SUCCEEDED") {
    r.Output = JSON.stringify(c.output ?? null);
    r.OutputDetails = { Included: true };
  }
  r.RedriveCount = 0;
  r.RedriveStatus = c.status === "SUCCEEDED" ? "NOT_REDRIVABLE" : "REDRIVABLE_BY_MAP_RUN";
  if (c.status === "SUCCEEDED") r.RedriveStatusReason = "Execution is SUCCEEDED and cannot be redriven";
  r.StartDate = isoMs(c.startMs)!;
  r.StateMachineArn = c.stateMachineArn;
  r.Status = c.status;
  if (c.stopMs !== undefined) r.StopDate = isoMs(c.stopMs)!;
  if (c.status !== "SUCCEEDED") {
    if (c.error !== undefined) r.Error = c.error;
    if (c.cause !== undefined) r.Cause = c.cause;
  }
  return r;
}

/**
 * The Map state's result without an S3 export: each child's output in item order (COMPACT, the
 * default), FLATTEN (array outputs spread), or NONE (the whole records). A failed child that was
 * tolerated contributes its record unchanged, as with NONE (input-output-resultwriter.html).
 */
export function transformResults(children: ChildResult[], transformation = "COMPACT"): Json[] {
  const out: Json[] = [];
  for (const c of children) {
    if (transformation === "NONE" || c.status !== "SUCCEEDED") out.push(childRecord(c));
    else if (transformation === "FLATTEN" && Array.isArray(c.output)) out.push(...c.output);
    else out.push(c.output ?? null);
  }
  return out;
}

/**
 * The ResultWriter's objects: <Prefix>/<map run id>/SUCCEEDED_0.json, FAILED_0.json (failed,
 * timed out and aborted children), PENDING_0.json (items never run), each written only when it has
 * entries, then manifest.json listing them. The Map's output is {MapRunArn, ResultWriterDetails}.
 */
export function resultFiles(
  mapRunArn: string,
  writer: NonNullable<MapRunSpec["writer"]>,
  finished: ChildResult[],
  pending: Json[],
): { objects: { key: string; body: string }[]; manifestKey: string; bucket: string; output: JsonObject } {
  const params = writer.parameters ?? {};
  const bucket = String(params.Bucket ?? "");
  let prefix = typeof params.Prefix === "string" ? params.Prefix : "";
  if (prefix && !prefix.endsWith("/")) prefix += "/";
  const id = mapRunArn.split(":").pop()!;
  const dir = `${prefix}${id}/`;
  const jsonl = writer.outputType === "JSONL";
  const transformation = writer.transformation ?? "NONE";
  const encode = (entries: Json[]) => (jsonl ? entries.map((e) => JSON.stringify(e)).join("\n") + (entries.length ? "\n" : "") : JSON.stringify(entries));
  const groups: [string, Json[]][] = [
    ["SUCCEEDED", transformResults(finished.filter((c) => c.status === "SUCCEEDED"), transformation)],
    ["FAILED", finished.filter((c) => c.status !== "SUCCEEDED").map(childRecord)],
    ["PENDING", pending.map((input) => ({ Input: JSON.stringify(input), InputDetails: { Included: true } }))],
  ];
  const objects: { key: string; body: string }[] = [];
  const files: JsonObject = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const [status, entries] of groups) {
    if (!entries.length) continue;
    const key = `${dir}${status}_0.${jsonl ? "jsonl" : "json"}`;
    const body = encode(entries);
    objects.push({ key, body });
    (files[status] as Json[]).push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${dir}manifest.json`;
  objects.push({ key: manifestKey, body: JSON.stringify({ DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: files }) });
  return { objects, manifestKey, bucket, output: { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } } };
}
