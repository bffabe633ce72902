/** Amazon EventBridge (protocol json 1.1, X-Amz-Target prefix AWSEvents). Implemented: ListEventBuses. */
import type { ServiceDefinition } from "../../core/index.js";
import { listEventBuses } from "./event-buses.js";

export const eventsService: ServiceDefinition = {
  name: "events",
  signingName: "events",
  endpointPrefix: "events",
  protocol: "json",
  targetPrefix: "AWSEvents",
  loadSdk: () => import("@aws-sdk/client-eventbridge") as unknown as Promise<Record<string, unknown>>,
  clientClass: "EventBridgeClient",
  operations: [listEventBuses],
};
