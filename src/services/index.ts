/** Every service Cloudbox serves. runtime/ is the only importer. */
import type { ServiceDefinition } from "../core/index.js";
import { ec2Service } from "./ec2/service.js";
import { eventsService } from "./events/service.js";
import { lambdaService } from "./lambda/service.js";
import { ramService } from "./ram/service.js";
import { s3Service } from "./s3/service.js";
import { statesService } from "./states/service.js";
import { stsService } from "./sts/service.js";

export const allServices: readonly ServiceDefinition[] = [stsService, ec2Service, eventsService, statesService, lambdaService, s3Service, ramService];
