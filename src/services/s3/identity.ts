/** Amazon S3 (rest-xml). */
import type { ServiceIdentity } from "../../core/index.js";

export const s3Identity: ServiceIdentity = {
  name: "s3",
  signingName: "s3",
  endpointPrefix: "s3",
  protocol: "rest-xml",
  sdkPackage: "@aws-sdk/client-s3",
  clientClass: "S3Client",
  // Single PutObject/UploadPart bodies up to 5 GiB in AWS; Cloudbox holds a body in memory.
  maxBodyBytes: 1024 * 1024 * 1024,
};
