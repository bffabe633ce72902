/**
 * Shared setup for the Step Functions tests: clients, unique names, a role, a Cloudbox per test
 * file (sfnSuite), state machines (createMachine), waiting helpers.
 */
import "../helpers/env.js";
import { after, before } from "node:test";
import { SFNClient, CreateStateMachineCommand, GetExecutionHistoryCommand, DescribeExecutionCommand, type HistoryEvent } from "@aws-sdk/client-sfn";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

export const ACCOUNT = "123456789012";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/StepFunctionsRole`;

let n = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${n++}`;

export const sfnClient = (cb: Cloudbox, extra: Record<string, unknown> = {}) =>
  new SFNClient({ ...cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1, ...extra });

export const lambdaClient = (cb: Cloudbox) => new LambdaClient({ ...cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1 });

export const s3Client = (cb: Cloudbox) =>
  new S3Client({ ...cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "test" }, forcePathStyle: true, maxAttempts: 1 });

export interface MachineOptions {
  type?: "STANDARD" | "EXPRESS";
  name?: string;
}

/** Creates a state machine with ROLE from a definition (an object, or ASL text as written) and returns its ARN. */
export const createMachine = async (sfn: SFNClient, definition: object | string, { type, name = unique("sm") }: MachineOptions = {}) =>
  (
    await sfn.send(
      new CreateStateMachineCommand({ name, definition: typeof definition === "string" ? definition : JSON.stringify(definition), roleArn: ROLE, ...(type ? { type } : {}) }),
    )
  ).stateMachineArn!;

/** The Cloudbox and Step Functions client of a test file, and createMachine with that client. */
export interface SfnSuite {
  readonly cb: Cloudbox;
  readonly sfn: SFNClient;
  /** An S3 client; only with sfnSuite({ bucket }). */
  readonly s3: S3Client;
  machine(definition: object | string, options?: MachineOptions): Promise<string>;
}

export interface SfnSuiteOptions {
  /** Passed to sfnClient (e.g. disableHostPrefix). */
  client?: Record<string, unknown>;
  /** A bucket to create before the tests, with an S3 client for them. */
  bucket?: string;
  /** The file's own setup, run once the Cloudbox and clients are ready. */
  setup?: () => Promise<void>;
  /** The file's own teardown, run before the clients are destroyed and the Cloudbox stops. */
  teardown?: () => void | Promise<void>;
}

/**
 * Registers the file's before/after hooks: a Cloudbox and its SFN client (and S3 client and
 * bucket) before the tests, the clients destroyed and the Cloudbox stopped after them. A file's
 * own setup goes in `setup`, not in a before hook of its own: Node 20 runs a file's top-level
 * before hooks concurrently, so another hook could run before the Cloudbox exists.
 */
export const sfnSuite = ({ client = {}, bucket, setup, teardown }: SfnSuiteOptions = {}): SfnSuite => {
  let cb: Cloudbox;
  let sfn: SFNClient;
  let s3: S3Client | undefined;
  before(async () => {
    cb = await startCloudbox();
    sfn = sfnClient(cb, client);
    if (bucket !== undefined) {
      s3 = s3Client(cb);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    await setup?.();
  });
  after(async () => {
    await teardown?.();
    sfn.destroy();
    s3?.destroy();
    await cb.stop();
  });
  return {
    get cb() {
      return cb;
    },
    get sfn() {
      return sfn;
    },
    get s3() {
      if (!s3) throw new Error("no S3 client: sfnSuite({ bucket }) makes one");
      return s3;
    },
    machine: (definition, options) => createMachine(sfn, definition, options),
  };
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until pred holds (real time), failing after timeoutMs. */
export const until = async <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
};

export const history = async (sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> => {
  const out: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    out.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
};

export const finished = (sfn: SFNClient, executionArn: string, timeoutMs = 30_000) =>
  until(
    `execution ${executionArn} to finish`,
    async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status !== "RUNNING" && d;
    },
    timeoutMs,
  );

export const eventOf = (sfn: SFNClient, executionArn: string, type: string, count = 1) =>
  until(`${count} ${type} event(s) in ${executionArn}`, async () => {
    const h = await history(sfn, executionArn);
    const hits = h.filter((e) => e.type === type);
    return hits.length >= count && hits;
  });

export { startCloudbox, type Cloudbox };
