/**
 * Helpers shared by the compute family: Availability Zone resolution through the caller's AZ map,
 * timestamps from the injected clock, and the hidden bookkeeping fields kept in stored documents.
 *
 * Compute resources (instances, ENIs, volumes, snapshots) are only ever seen by the account that
 * owns them (subnets are shared, these are not), so their documents store the AZ name as the
 * owner sees it next to the AZ ID, and filters can run on the stored document.
 */
import type { OperationContext } from "../../../core/index.js";
import { commonErrors } from "../../../core/index.js";
import { ec2Errors } from "../errors.js";
import { azMapFromSettings } from "../regions-data.js";

export interface Zone {
  name: string;
  id: string;
}

/** The zone the caller names with AvailabilityZone or AvailabilityZoneId (exactly one of them). */
export const resolveZone = (ctx: OperationContext, name: string | undefined, id: string | undefined, parameter = "AvailabilityZone"): Zone => {
  const map = azMapFromSettings(ctx.settings);
  if (name !== undefined && id !== undefined) {
    throw commonErrors.invalidParameterValue(`Only one of ${parameter} and ${parameter}Id may be specified.`);
  }
  if (name !== undefined) {
    const zoneId = map.zoneIdFor(ctx.accountId, ctx.region, name);
    if (!zoneId) throw ec2Errors.invalidAvailabilityZone(name);
    return { name, id: zoneId };
  }
  if (id !== undefined) {
    const zoneName = map.zoneNameFor(ctx.accountId, ctx.region, id);
    if (!zoneName) throw ec2Errors.invalidAvailabilityZoneId(id);
    return { name: zoneName, id };
  }
  throw commonErrors.missingParameter(parameter);
};

/** The AZ name the caller sees for an AZ ID (IDs are stored; names are per account). */
export const zoneNameFor = (ctx: OperationContext, zoneId: string): string =>
  azMapFromSettings(ctx.settings).zoneNameFor(ctx.accountId, ctx.region, zoneId) ?? zoneId;

export const zoneIdFor = (ctx: OperationContext, zoneName: string): string | undefined =>
  azMapFromSettings(ctx.settings).zoneIdFor(ctx.accountId, ctx.region, zoneName);

export const nowIso = (ctx: OperationContext): string => new Date(ctx.clock.now()).toISOString();

/** Stored documents may carry bookkeeping under `_cb`; it never reaches the wire. */
export const HIDDEN = "_cb";

export const visible = <T extends object>(doc: T): T => {
  if (!(HIDDEN in doc)) return doc;
  const { [HIDDEN]: _hidden, ...rest } = doc as T & { _cb?: unknown };
  return rest as T;
};
