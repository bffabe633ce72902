/** AWS Step Functions (json 1.0). Loads at startup: running executions resume after a restart. */
import type { ServiceIdentity } from "../../core/index.js";

export const statesIdentity: ServiceIdentity = {
  name: "states",
  signingName: "states",
  endpointPrefix: "states",
  protocol: "json",
  targetPrefix: "AWSStepFunctions",
  sdkPackage: "@aws-sdk/client-sfn",
  clientClass: "SFNClient",
  boot: true,
};
