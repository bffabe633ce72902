/**
 * Every service Cloudbox serves, as identities with loaders: a service's module (its operations,
 * engines and libraries) loads on its first request, not at startup. runtime/ is the only importer.
 */
import type { LazyService } from "../core/index.js";
import { athenaIdentity } from "./athena/identity.js";
import { ec2Identity } from "./ec2/identity.js";
import { eventsIdentity } from "./events/identity.js";
import { lambdaIdentity } from "./lambda/identity.js";
import { logsIdentity } from "./logs/identity.js";
import { ramIdentity } from "./ram/identity.js";
import { s3Identity } from "./s3/identity.js";
import { statesIdentity } from "./states/identity.js";
import { stsIdentity } from "./sts/identity.js";

/**
 * Order matters at shutdown: services stop in reverse order, so a service that calls others in
 * the background (Step Functions calls Lambda) comes after them and stops first: its in-flight
 * tasks then resume after a restart instead of failing.
 */
export const allServices: readonly LazyService[] = [
  { identity: stsIdentity, load: async () => (await import("./sts/service.js")).stsService },
  { identity: ec2Identity, load: async () => (await import("./ec2/service.js")).ec2Service },
  { identity: ramIdentity, load: async () => (await import("./ram/service.js")).ramService },
  { identity: s3Identity, load: async () => (await import("./s3/service.js")).s3Service },
  { identity: logsIdentity, load: async () => (await import("./logs/service.js")).logsService },
  { identity: athenaIdentity, load: async () => (await import("./athena/service.js")).athenaService },
  { identity: eventsIdentity, load: async () => (await import("./events/service.js")).eventsService },
  { identity: lambdaIdentity, load: async () => (await import("./lambda/service.js")).lambdaService },
  { identity: statesIdentity, load: async () => (await import("./states/service.js")).statesService },
];
