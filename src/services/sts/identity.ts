/** AWS STS (query). Regional like the real service; resolves the temporary credentials it issued. */
import type { ServiceIdentity } from "../../core/index.js";

export const stsIdentity: ServiceIdentity = {
  name: "sts",
  signingName: "sts",
  endpointPrefix: "sts",
  protocol: "query",
  sdkPackage: "@aws-sdk/client-sts",
  clientClass: "STSClient",
  global: false,
  resolvesCallers: true,
};
