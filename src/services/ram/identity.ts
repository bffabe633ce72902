/** AWS RAM (rest-json). */
import type { ServiceIdentity } from "../../core/index.js";

export const ramIdentity: ServiceIdentity = {
  name: "ram",
  signingName: "ram",
  endpointPrefix: "ram",
  protocol: "rest-json",
  sdkPackage: "@aws-sdk/client-ram",
  clientClass: "RAMClient",
};
