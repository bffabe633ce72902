/**
 * Event buses. Only the `default` bus exists so far: it exists in every account and Region
 * without being created (EventBridge User Guide, "Event buses in Amazon EventBridge": "Every
 * account has a default event bus").
 *
 * ListEventBuses: NamePrefix, Limit (1..100), NextToken (opaque offset).
 * DEVIATION: the real default bus also reports CreationTime and LastModifiedTime (the account's
 * first use of EventBridge); Cloudbox has no such moment to report, so they are left out.
 */
import { opDefiner, type OperationContext } from "../../core/index.js";
import { eventsErrors } from "./errors.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-eventbridge")>();

const busArn = (ctx: OperationContext, name: string): string => `arn:aws:events:${ctx.region}:${ctx.accountId}:event-bus/${name}`;

const encodeToken = (offset: number): string => Buffer.from(`cloudbox:${offset}`, "utf8").toString("base64");
const decodeToken = (token: string): number => {
  const m = /^cloudbox:(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"));
  if (!m) throw eventsErrors.invalidNextToken();
  return Number(m[1]);
};

export const listEventBuses = defineOp("ListEventBuses", (input, ctx) => {
  const prefix = input.NamePrefix;
  if (prefix !== undefined) {
    if (prefix.length < 1 || prefix.length > 256) throw eventsErrors.constraint(prefix, "namePrefix", "Member must have length between 1 and 256");
    if (!/^[/.\-_A-Za-z0-9]+$/.test(prefix)) throw eventsErrors.constraint(prefix, "namePrefix", "Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+");
  }
  const limit = input.Limit;
  if (limit !== undefined && (limit < 1 || limit > 100)) {
    throw eventsErrors.constraint(limit, "limit", limit < 1 ? "Member must have value greater than or equal to 1" : "Member must have value less than or equal to 100");
  }
  const names = ["default"].filter((n) => prefix === undefined || n.startsWith(prefix));
  const start = input.NextToken ? decodeToken(input.NextToken) : 0;
  const end = limit === undefined ? names.length : Math.min(names.length, start + limit);
  const page = names.slice(start, end);
  return {
    EventBuses: page.map((Name) => ({ Name, Arn: busArn(ctx, Name) })),
    ...(end < names.length ? { NextToken: encodeToken(end) } : {}),
  };
});
