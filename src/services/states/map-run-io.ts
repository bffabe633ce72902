/**
 * A Map Run's S3 I/O, through the S3 API (an SDK client of the execution's account and Region):
 *  - readItems: the ItemReader: arn:aws:states:::s3:getObject (ReaderConfig InputType JSON,
 *    JSONL, CSV, or MANIFEST: an S3 Inventory manifest.json and its CSV data files, gzipped or not)
 *    and arn:aws:states:::s3:listObjectsV2 (every page); MaxItems applied by the caller.
 *  - writeObjects: the ResultWriter's files (arn:aws:states:::s3:putObject).
 * Failures are States.ItemReaderFailed / States.ResultWriterFailed with S3's message
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html, .../input-output-resultwriter.html).
 * Does not do: PARQUET, ManifestType ATHENA_DATA, reading another account's bucket.
 */
import { gunzipSync } from "node:zlib";
import type { ServiceRuntime } from "../../core/index.js";
import { distributed, StatesError, type Json, type JsonObject, type MapRunSpec } from "../../engines/asl/index.js";
import { s3Client } from "./integrations.js";

const s3Error = (name: string, e: unknown) => {
  const err = e as { name?: string; Code?: string; message?: string };
  return new StatesError(name, `${err.Code ?? err.name ?? "Error"}: ${err.message ?? String(e)}`);
};

const getText = async (client: any, mod: Record<string, any>, params: JsonObject): Promise<string> => {
  const out = await client.send(new mod.GetObjectCommand(params));
  const bytes = Buffer.from(await out.Body.transformToByteArray());
  // Inventory data files are gzipped CSV (.csv.gz).
  return (String(params.Key).endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
};

export async function readItems(rt: ServiceRuntime, account: string, region: string, reader: NonNullable<MapRunSpec["reader"]>): Promise<Json[]> {
  const action = distributed.s3Action(reader.resource);
  const { client, mod } = await s3Client(rt, account, region);
  const params = reader.parameters;
  try {
    if (action === "listObjectsV2") {
      const items: Json[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new mod.ListObjectsV2Command({ ...params, ContinuationToken: token }));
        items.push(...distributed.listingItems(page.Contents ?? []));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return items;
    }
    if (action === "getObject") {
      const text = await getText(client, mod, params);
      if (reader.config.InputType !== "MANIFEST") return distributed.parseItemFile(text, reader.config);
      const m = distributed.parseManifest(text);
      const items: Json[] = [];
      for (const key of m.files) items.push(...distributed.inventoryItems(await getText(client, mod, { Bucket: params.Bucket, Key: key }), m.columns));
      return items;
    }
  } catch (e) {
    if (e instanceof StatesError) throw e;
    throw s3Error("States.ItemReaderFailed", e);
  }
  throw new StatesError("States.ItemReaderFailed", `Cloudbox reads Map items with arn:aws:states:::s3:getObject and arn:aws:states:::s3:listObjectsV2, not ${reader.resource}`);
}

export async function writeObjects(rt: ServiceRuntime, account: string, region: string, resource: string, bucket: string, objects: { key: string; body: string }[]) {
  if (distributed.s3Action(resource) !== "putObject") throw new StatesError("States.ResultWriterFailed", `Cloudbox writes Map results with arn:aws:states:::s3:putObject, not ${resource}`);
  const { client, mod } = await s3Client(rt, account, region);
  try {
    for (const o of objects) await client.send(new mod.PutObjectCommand({ Bucket: bucket, Key: o.key, Body: o.body, ContentType: "application/json" }));
  } catch (e) {
    throw s3Error("States.ResultWriterFailed", e);
  }
}
