/** Shared setup for the Step Functions tests: clients, unique names, a role, waiting helpers. */
import "../helpers/env.js";
import { SFNClient, GetExecutionHistoryCommand, DescribeExecutionCommand, type HistoryEvent } from "@aws-sdk/client-sfn";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

export const ACCOUNT = "123456789012";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/StepFunctionsRole`;

let n = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${n++}`;

export const sfnClient = (cb: Cloudbox, extra: Record<string, unknown> = {}) =>
  new SFNClient({ ...cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1, ...extra });

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
