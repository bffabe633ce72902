/** Amazon EventBridge (json 1.1). */
import type { ServiceIdentity } from "../../core/index.js";

export const eventsIdentity: ServiceIdentity = {
  name: "events",
  signingName: "events",
  endpointPrefix: "events",
  protocol: "json",
  targetPrefix: "AWSEvents",
  sdkPackage: "@aws-sdk/client-eventbridge",
  clientClass: "EventBridgeClient",
};
