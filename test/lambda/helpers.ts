/**
 * Shared setup for the Lambda tests: one Cloudbox, unique names, a role ARN, a JSON decoder, and
 * a function's log events as CloudWatch Logs has them.
 */
import "../helpers/env.js";
import { LambdaClient, CreateFunctionCommand, type CreateFunctionCommandInput } from "@aws-sdk/client-lambda";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { lambdaService } from "../../src/services/lambda/service.js";
import { standInRuntimeFor } from "../../src/services/lambda/model.js";
import { makeZip } from "./zip.js";

export const ACCOUNT = "123456789012";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-role`;

let n = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${n++}`;

export const lambdaClient = (cb: Cloudbox, extra: Record<string, unknown> = {}) =>
  new LambdaClient({ ...cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1, ...extra });

export const decode = (p: Uint8Array | undefined): any => (p && p.length ? JSON.parse(Buffer.from(p).toString("utf8")) : undefined);

export const createNode = async (
  client: LambdaClient,
  name: string,
  files: Record<string, string>,
  extra: Partial<CreateFunctionCommandInput> = {},
) =>
  client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Role: ROLE,
      Code: { ZipFile: makeZip(files) },
      ...extra,
    }),
  );

/** The messages in the function's log group `/aws/lambda/<name>` (all streams, in time order). */
export const logMessages = async (cb: Cloudbox, name: string, account = ACCOUNT): Promise<{ message: string; logStreamName: string }[]> => {
  const logs = new CloudWatchLogsClient({ ...cb.clientConfig, credentials: { accessKeyId: account, secretAccessKey: "test" }, maxAttempts: 1 });
  const out: { message: string; logStreamName: string }[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, nextToken }));
      for (const e of page.events ?? []) out.push({ message: e.message!, logStreamName: e.logStreamName! });
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (e) {
    if ((e as Error).name !== "ResourceNotFoundException") throw e;
  } finally {
    logs.destroy();
  }
  return out;
};

/** Polls the function's log until `enough` holds (logs are delivered in batches, off the invocation's path). */
export const waitForLogs = async (
  cb: Cloudbox,
  name: string,
  enough: (messages: string[]) => boolean,
  timeoutMs = 5000,
): Promise<string[]> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const messages = (await logMessages(cb, name)).map((e) => e.message);
    if (enough(messages) || Date.now() > until) return messages;
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * Stops Cloudbox and, until the runtime calls service stop hooks itself, the Lambda service's
 * environments (the stand-in runtime is keyed by the store).
 */
export const stopAll = async (cb: Cloudbox) => {
  const standIn = standInRuntimeFor(cb.store);
  if (standIn) await lambdaService.stop?.(standIn);
  await cb.stop();
};

export { startCloudbox, type Cloudbox };
