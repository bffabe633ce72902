/**
 * Shared setup for the Lambda tests: a Cloudbox and Lambda client per test file (lambdaSuite),
 * unique names, a role ARN, a JSON decoder, a function's log events as CloudWatch Logs has them,
 * and whether a tool the tests need is installed (hasCommand).
 */
import "../helpers/env.js";
import { execFileSync } from "node:child_process";
import { after, before } from "node:test";
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

/** A function maker for one runtime and handler: the function is created with ROLE from a zip of `files`; `extra` adds or overrides. */
const creator =
  (runtime: string, handler: string) =>
  async (client: LambdaClient, name: string, files: Parameters<typeof makeZip>[0], extra: Partial<CreateFunctionCommandInput> = {}) =>
    client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: runtime as CreateFunctionCommandInput["Runtime"],
        Handler: handler,
        Role: ROLE,
        Code: { ZipFile: makeZip(files) },
        ...extra,
      }),
    );

/** A Node.js 20 function, handler index.handler. */
export const createNode = creator("nodejs20.x", "index.handler");

/** A Python 3.12 function, handler app.handler. */
export const createPython = creator("python3.12", "app.handler");

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

/** The Cloudbox and Lambda client (account ACCOUNT) of a test file. */
export interface LambdaSuite {
  readonly cb: Cloudbox;
  readonly lambda: LambdaClient;
}

export interface LambdaSuiteOptions {
  /** The file's own setup, run once the Cloudbox and Lambda client are ready. */
  setup?: () => void | Promise<void>;
  /** The file's own teardown, run before the Lambda client is destroyed and Cloudbox stops. */
  teardown?: () => void | Promise<void>;
}

/**
 * Registers the file's before/after hooks: a Cloudbox and its Lambda client before the tests, the
 * client destroyed and everything stopped (stopAll) after them. A file's own setup goes in
 * `setup`, not in a top-level before hook of its own: Node 20 runs a file's top-level before
 * hooks concurrently, so another hook could run before the Cloudbox exists.
 */
export const lambdaSuite = ({ setup, teardown }: LambdaSuiteOptions = {}): LambdaSuite => {
  let cb: Cloudbox;
  let lambda: LambdaClient;
  before(async () => {
    cb = await startCloudbox();
    lambda = lambdaClient(cb);
    await setup?.();
  });
  after(async () => {
    await teardown?.();
    lambda.destroy();
    await stopAll(cb);
  });
  return {
    get cb() {
      return cb;
    },
    get lambda() {
      return lambda;
    },
  };
};

/** Whether `command args` runs on this machine (e.g. python3, curl): tests that need it skip when not. */
export const hasCommand = (command: string, args: string[] = ["--version"]): boolean => {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

export { startCloudbox, type Cloudbox };
