/** Amazon S3 (protocol rest-xml). Implemented: ListBuckets. */
import type { ServiceDefinition } from "../../core/index.js";
import { listBuckets } from "./buckets.js";

export const s3Service: ServiceDefinition = {
  name: "s3",
  signingName: "s3",
  endpointPrefix: "s3",
  protocol: "rest-xml",
  loadSdk: () => import("@aws-sdk/client-s3") as unknown as Promise<Record<string, unknown>>,
  clientClass: "S3Client",
  operations: [listBuckets],
};
