/**
 * The rest protocols' override table: operations whose real bytes deviate from what walking the
 * model produces. Each entry shows the real bytes and the evidence. Keep it short; everything
 * else is generic.
 */
import { escapeXml } from "./xml-escape.js";

export interface OutputBodyOverride {
  /** Returns the whole response body for the output (content type application/xml). */
  body: (output: Record<string, unknown>, xmlNamespace: string | undefined) => string;
}


/**
 * Keyed by "<model.name>:<Operation>".
 *
 * s3:GetBucketLocation. The model makes LocationConstraint a member of an output structure whose
 * xmlName is also LocationConstraint, so the generic walk would nest the element in itself. S3
 * answers with the constraint as the text of the root element
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html):
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>
 *
 * and an empty element for us-east-1. botocore reads the root's text (its
 * parse_get_bucket_location handler); the SDK v3 reads the root's text node as the member.
 */
export const outputBodyOverrides: ReadonlyMap<string, OutputBodyOverride> = new Map([
  [
    "s3:GetBucketLocation",
    {
      body: (output, ns) => {
        const v = output.LocationConstraint;
        const attr = ns ? ` xmlns="${escapeXml(ns)}"` : "";
        const head = '<?xml version="1.0" encoding="UTF-8"?>';
        return v === undefined || v === null || v === ""
          ? `${head}<LocationConstraint${attr}/>`
          : `${head}<LocationConstraint${attr}>${escapeXml(String(v))}</LocationConstraint>`;
      },
    },
  ],
]);

/**
 * Operations whose status code is not in the model. s3:GetObject and the partial-content answer
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Range"): a ranged read
 * answers 206 Partial Content with a Content-Range header; the model has no status member.
 */
export const outputStatusOverrides: ReadonlyMap<string, (output: Record<string, unknown>) => number | undefined> = new Map([
  ["s3:GetObject", (output: Record<string, unknown>) => (output.ContentRange ? 206 : undefined)],
]);
