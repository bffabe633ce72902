/**
 * Where function and layer code comes from: the ZipFile bytes of the request, or an object of
 * Cloudbox's S3 (Code.S3Bucket / S3Key / S3ObjectVersion), read through the S3 API as the
 * caller's account (architecture rule 3). Lambda reports S3's own error inside its
 * InvalidParameterValueException, e.g. "Error occurred while GetObject. S3 Error Code: NoSuchKey.
 * S3 Error Message: The specified key does not exist." (the text Lambda answers, seen in
 * CloudFormation events for AWS::Lambda::Function; S3's messages come from Cloudbox's S3).
 * The result is validated as a zip here, before anything is stored.
 * DEVIATION: S3ObjectVersion is passed to S3, which keeps no versions yet and ignores it.
 */
import type { ServiceRuntime } from "../../core/index.js";
import { sdk, sdkError } from "./clients.js";
import { MAX_DIRECT_ZIP_BYTES, validateZip } from "./code.js";
import { lambdaErrors } from "./errors.js";
import type { Scope } from "./store.js";

export interface CodeInput {
  ZipFile?: Uint8Array;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
}

const bytesOf = (zip: Uint8Array): Buffer => Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);

/**
 * The zip that a request names, validated. `operation` names the request in Lambda's size error
 * ("Request must be smaller than 69905067 bytes for the CreateFunction operation").
 */
export const fetchZip = async (runtime: ServiceRuntime, scope: Scope, code: CodeInput | undefined, operation: string, noSource: string): Promise<Buffer> => {
  const hasS3 = !!(code?.S3Bucket || code?.S3Key || code?.S3ObjectVersion);
  if (code?.ZipFile) {
    // Lambda's answer when both are given (CreateFunction, UpdateFunctionCode).
    if (hasS3) throw lambdaErrors.invalidParameterValue("Please do not provide other FunctionCode parameters when providing a ZipFile.");
    const zip = bytesOf(code.ZipFile);
    if (zip.length > MAX_DIRECT_ZIP_BYTES) throw lambdaErrors.requestTooLarge(`Request must be smaller than 69905067 bytes for the ${operation} operation`);
    validateZip(zip);
    return zip;
  }
  if (code?.ImageUri) {
    // DEVIATION: container images are not supported (docs/deviations.md).
    throw lambdaErrors.invalidParameterValue("Cloudbox runs Zip functions only (container images are not supported yet).");
  }
  if (!code?.S3Bucket || !code.S3Key) throw lambdaErrors.invalidParameterValue(noSource);
  const zip = await getObject(runtime, scope, code.S3Bucket, code.S3Key, code.S3ObjectVersion);
  validateZip(zip);
  return zip;
};

const getObject = async (runtime: ServiceRuntime, scope: Scope, bucket: string, key: string, version: string | undefined): Promise<Buffer> => {
  const { client, mod } = await sdk(runtime, "s3", scope);
  try {
    const got = await client.send(new mod.GetObjectCommand({ Bucket: bucket, Key: key, ...(version ? { VersionId: version } : {}) }));
    return Buffer.from(await got.Body.transformToByteArray());
  } catch (e) {
    const err = sdkError(e);
    if (!err.service) throw e;
    throw lambdaErrors.invalidParameterValue(`Error occurred while GetObject. S3 Error Code: ${err.code}. S3 Error Message: ${err.message}`);
  }
};
