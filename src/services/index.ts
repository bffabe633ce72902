/** Every service Cloudbox serves. runtime/ is the only importer. */
import type { ServiceDefinition } from "../core/index.js";
import { athenaService } from "./athena/service.js";
import { ec2Service } from "./ec2/service.js";
import { eventsService } from "./events/service.js";
import { lambdaService } from "./lambda/service.js";
import { logsService } from "./logs/service.js";
import { ramService } from "./ram/service.js";
import { s3Service } from "./s3/service.js";
import { statesService } from "./states/service.js";
import { stsService } from "./sts/service.js";

/**
 * Order matters at shutdown: services stop in reverse order, so a service that calls others in
 * the background (Step Functions calls Lambda) comes after them and stops first: its in-flight
 * tasks then resume after a restart instead of failing.
 */
export const allServices: readonly ServiceDefinition[] = [
  stsService,
  ec2Service,
  ramService,
  s3Service,
  logsService,
  athenaService,
  eventsService,
  lambdaService,
  statesService,
];
