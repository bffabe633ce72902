/** AWS Step Functions (protocol json 1.0, X-Amz-Target prefix AWSStepFunctions). Implemented: ListStateMachines. */
import type { ServiceDefinition } from "../../core/index.js";
import { listStateMachines } from "./state-machines.js";

export const statesService: ServiceDefinition = {
  name: "states",
  signingName: "states",
  endpointPrefix: "states",
  protocol: "json",
  targetPrefix: "AWSStepFunctions",
  loadSdk: () => import("@aws-sdk/client-sfn") as unknown as Promise<Record<string, unknown>>,
  clientClass: "SFNClient",
  operations: [listStateMachines],
};
