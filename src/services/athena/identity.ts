/** Amazon Athena (json 1.1). */
import type { ServiceIdentity } from "../../core/index.js";

export const athenaIdentity: ServiceIdentity = {
  name: "athena",
  signingName: "athena",
  endpointPrefix: "athena",
  protocol: "json",
  sdkPackage: "@aws-sdk/client-athena",
  clientClass: "AthenaClient",
  targetPrefix: "AmazonAthena",
};
