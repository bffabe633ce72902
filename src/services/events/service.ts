/** Amazon EventBridge (protocol json 1.1, X-Amz-Target prefix AWSEvents). Implemented: ListEventBuses. */
import type { ServiceDefinition } from "../../core/index.js";
import { eventsIdentity } from "./identity.js";
import { listEventBuses } from "./event-buses.js";

export const eventsService: ServiceDefinition = {
  ...eventsIdentity,
  operations: [listEventBuses],
};
