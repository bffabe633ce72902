/**
 * Asynchronous invocation settings per function qualifier ($LATEST, a version, an alias):
 * PutFunctionEventInvokeConfig (replaces the whole config), UpdateFunctionEventInvokeConfig
 * (changes the fields given), GetFunctionEventInvokeConfig, DeleteFunctionEventInvokeConfig,
 * ListFunctionEventInvokeConfigs. MaximumRetryAttempts 0-2 (default 2) and
 * MaximumEventAgeInSeconds 60-21600 (default 6 hours) bound the retries of Event invocations;
 * DestinationConfig names where records of successful and failed events go
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). async-invoke.ts
 * applies them.
 *
 * Messages are Lambda's as LocalStack's snapshot tests record them ("You must specify at least
 * one of error handling or destination setting.", "The function <arn> doesn't have an
 * EventInvokeConfig", "You can't specify the function as a destination for itself.", "The
 * destination ARN <arn> is invalid." for a function that does not exist).
 * DEVIATION: SQS queues, SNS topics, EventBridge buses and S3 buckets as destinations are refused
 * (those services' delivery is not in Cloudbox yet), as are functions of other accounts or
 * Regions; Lambda functions of the same account and Region work (docs/deviations.md).
 */
import type { DestinationConfig, FunctionEventInvokeConfig } from "@aws-sdk/client-lambda";
import { commonErrors, opDefiner, type OperationContext } from "../../core/index.js";
import { lambdaErrors } from "./errors.js";
import { functionArn, parseFunctionName, readConfig, scopeOf } from "./model.js";
import {
  deleteEventInvokeConfigRow,
  getAliasRow,
  getEventInvokeConfigRow,
  getFunctionRow,
  listEventInvokeConfigRows,
  putEventInvokeConfigRow,
  type Scope,
} from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-lambda")>();

/** What is stored per qualifier. */
export interface StoredEventInvokeConfig {
  LastModifiedMs: number;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig: { OnSuccess: { Destination?: string }; OnFailure: { Destination?: string } };
}

/** Lambda's defaults without a config (invocation-async-error-handling.html). */
export const DEFAULT_RETRIES = 2;
export const DEFAULT_MAX_AGE_S = 21600;

/** The config that applies to an Event invocation of `qualifier` (unqualified: $LATEST). */
export const eventInvokeConfigOf = (ctx: { store: OperationContext["store"] }, s: Scope, fn: string, qualifier: string | undefined): StoredEventInvokeConfig | undefined => {
  const row = getEventInvokeConfigRow(ctx.store, s, fn, qualifier ?? "$LATEST");
  return row ? (JSON.parse(row.config) as StoredEventInvokeConfig) : undefined;
};

const DESTINATION = /^$|^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;

/** Resolves FunctionName + Qualifier to an existing function and qualifier; Lambda's "The function doesn't exist." otherwise. */
const target = (ctx: OperationContext, functionName: string | undefined, qualifierInput: string | undefined): { s: Scope; name: string; qualifier: string } => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(functionName, ctx);
  const qualifier = qualifierInput ?? ref.qualifier ?? "$LATEST";
  const exists =
    !!getFunctionRow(ctx.store, s, ref.name) &&
    (qualifier === "$LATEST" || (/^\d+$/.test(qualifier) ? !!readConfig(ctx.store, s, ref.name, qualifier) : !!getAliasRow(ctx.store, s, ref.name, qualifier)));
  if (!exists) throw lambdaErrors.resourceNotFound("The function doesn't exist.");
  return { s, name: ref.name, qualifier };
};

const checkLimits = (retries: number | undefined, age: number | undefined): void => {
  const v: string[] = [];
  if (retries !== undefined) {
    if (retries < 0) v.push(`Value '${retries}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    else if (retries > 2) v.push(`Value '${retries}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2`);
  }
  if (age !== undefined) {
    if (age < 60) v.push(`Value '${age}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60`);
    else if (age > 21600) v.push(`Value '${age}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600`);
  }
  if (v.length) throw commonErrors.validation(`${v.length} validation error${v.length > 1 ? "s" : ""} detected: ${v.join("; ")}`);
};

const UNSUPPORTED: Record<string, string> = { sqs: "Amazon SQS queue", sns: "Amazon SNS topic", events: "Amazon EventBridge event bus", s3: "Amazon S3 bucket" };

/** Checks the destinations and answers them in Lambda's shape (both keys present). */
const checkDestinations = (ctx: OperationContext, fn: string, d: DestinationConfig | undefined): StoredEventInvokeConfig["DestinationConfig"] => {
  const out: StoredEventInvokeConfig["DestinationConfig"] = { OnSuccess: {}, OnFailure: {} };
  const pairs: Array<["OnSuccess" | "OnFailure", string | undefined]> = [
    ["OnSuccess", d?.OnSuccess?.Destination],
    ["OnFailure", d?.OnFailure?.Destination],
  ];
  let invalid = false;
  for (const [kind, arn] of pairs) {
    if (!arn) continue;
    if (!DESTINATION.test(arn)) {
      throw commonErrors.validation(
        `1 validation error detected: Value '${arn}' at 'destinationConfig.${kind === "OnSuccess" ? "onSuccess" : "onFailure"}.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)`,
      );
    }
    const parts = arn.split(":");
    const service = parts[2];
    if (service === "lambda") {
      // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
      const name = parts[5] === "function" ? parts[6] : undefined;
      if (!name || parts[3] !== ctx.region || parts[4] !== ctx.accountId) {
        if (name) throw lambdaErrors.invalidParameterValue(`Cloudbox does not support Lambda function destinations in another account or Region yet: ${arn}.`);
        invalid = true;
      } else if (name === fn) {
        throw lambdaErrors.invalidParameterValue("You can't specify the function as a destination for itself.");
      } else if (!getFunctionRow(ctx.store, scopeOf(ctx), name)) {
        throw lambdaErrors.invalidParameterValue(`The destination ARN ${arn} is invalid.`);
      }
    } else if (UNSUPPORTED[service] && !(service === "s3" && kind === "OnSuccess")) {
      throw lambdaErrors.invalidParameterValue(`Cloudbox does not support ${UNSUPPORTED[service]} destinations yet (${arn}); use a Lambda function destination.`);
    } else {
      invalid = true;
    }
    out[kind] = { Destination: arn };
  }
  if (invalid) {
    const [s, f] = [pairs[0][1], pairs[1][1]];
    throw lambdaErrors.invalidParameterValue(
      `The provided destination config DestinationConfig(onSuccess=${s ? `OnSuccess(destination=${s})` : "null"}, onFailure=${f ? `OnFailure(destination=${f})` : "null"}) is invalid.`,
    );
  }
  return out;
};

const present = (s: Scope, name: string, qualifier: string, c: StoredEventInvokeConfig): FunctionEventInvokeConfig => ({
  LastModified: new Date(c.LastModifiedMs),
  FunctionArn: functionArn(s, name, qualifier),
  ...(c.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: c.MaximumRetryAttempts } : {}),
  ...(c.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds } : {}),
  DestinationConfig: c.DestinationConfig,
});

const noConfig = (s: Scope, name: string, qualifier: string) =>
  lambdaErrors.resourceNotFound(`The function ${functionArn(s, name, qualifier)} doesn't have an EventInvokeConfig`);

interface SettingsInput {
  FunctionName?: string;
  Qualifier?: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: DestinationConfig;
}

const write = (input: SettingsInput, ctx: OperationContext, merge: boolean): FunctionEventInvokeConfig => {
  checkLimits(input.MaximumRetryAttempts, input.MaximumEventAgeInSeconds);
  if (input.MaximumRetryAttempts === undefined && input.MaximumEventAgeInSeconds === undefined && input.DestinationConfig === undefined) {
    throw lambdaErrors.invalidParameterValue("You must specify at least one of error handling or destination setting.");
  }
  const { s, name, qualifier } = target(ctx, input.FunctionName, input.Qualifier);
  const cur = eventInvokeConfigOf(ctx, s, name, qualifier);
  if (merge && !cur) throw noConfig(s, name, qualifier);
  const destinations = input.DestinationConfig !== undefined ? checkDestinations(ctx, name, input.DestinationConfig) : undefined;
  const base: Partial<StoredEventInvokeConfig> = merge ? cur! : {};
  const next: StoredEventInvokeConfig = {
    LastModifiedMs: ctx.clock.now(),
    ...(input.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: input.MaximumRetryAttempts } : base.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: base.MaximumRetryAttempts } : {}),
    ...(input.MaximumEventAgeInSeconds !== undefined
      ? { MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds }
      : base.MaximumEventAgeInSeconds !== undefined
        ? { MaximumEventAgeInSeconds: base.MaximumEventAgeInSeconds }
        : {}),
    DestinationConfig: destinations ?? base.DestinationConfig ?? { OnSuccess: {}, OnFailure: {} },
  };
  putEventInvokeConfigRow(ctx.store, s, name, qualifier, JSON.stringify(next));
  return present(s, name, qualifier, next);
};

export const putFunctionEventInvokeConfig = defineOp("PutFunctionEventInvokeConfig", (input, ctx) => write(input, ctx, false));

export const updateFunctionEventInvokeConfig = defineOp("UpdateFunctionEventInvokeConfig", (input, ctx) => write(input, ctx, true));

export const getFunctionEventInvokeConfig = defineOp("GetFunctionEventInvokeConfig", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const qualifier = input.Qualifier ?? ref.qualifier ?? "$LATEST";
  const c = eventInvokeConfigOf(ctx, s, ref.name, qualifier);
  if (!c) throw noConfig(s, ref.name, qualifier);
  return present(s, ref.name, qualifier, c);
});

export const deleteFunctionEventInvokeConfig = defineOp("DeleteFunctionEventInvokeConfig", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const qualifier = input.Qualifier ?? ref.qualifier ?? "$LATEST";
  if (deleteEventInvokeConfigRow(ctx.store, s, ref.name, qualifier) === 0) throw noConfig(s, ref.name, qualifier);
  return {};
});

export const listFunctionEventInvokeConfigs = defineOp("ListFunctionEventInvokeConfigs", (input, ctx) => {
  const s = scopeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  if (!getFunctionRow(ctx.store, s, ref.name)) throw lambdaErrors.resourceNotFound("The function doesn't exist.");
  const max = input.MaxItems ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 50) {
    throw commonErrors.validation(`1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value ${max < 1 ? "greater than or equal to 1" : "less than or equal to 50"}`);
  }
  const all = listEventInvokeConfigRows(ctx.store, s, ref.name);
  const start = input.Marker ? Number(Buffer.from(input.Marker, "base64url").toString("utf8")) || 0 : 0;
  const page = all.slice(start, start + max);
  return {
    FunctionEventInvokeConfigs: page.map((r) => present(s, ref.name, r.qualifier, JSON.parse(r.config) as StoredEventInvokeConfig)),
    ...(start + max < all.length ? { NextMarker: Buffer.from(String(start + max)).toString("base64url") } : {}),
  };
});
