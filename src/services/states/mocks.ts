/**
 * Mocked service responses in the format of AWS Step Functions Local's mock configuration file
 * (https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html):
 *
 *   { "StateMachines": { "<machine name>": { "TestCases": { "<test case>": { "<state name>": "<mocked response name>" } } } },
 *     "MockedResponses": { "<name>": { "0": { "Return": {...} }, "1-2": { "Throw": { "Error": "...", "Cause": "..." } } } } }
 *
 * A test case is chosen as Step Functions Local does: StartExecution with the state machine ARN
 * followed by "#<TestCaseName>" (https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-test-sm-exec.html,
 * "Step 3: Run mocked service integration tests"). The keys of a mocked response are the 0-based
 * invocation numbers of that state in the execution ("0", or a range "1-2"); a Return is the task's
 * result, a Throw fails the task with that Error and Cause. States without a mock call the real
 * integration, as Step Functions Local does.
 * Source: settings.sfnMockConfig (an object, or the path of a JSON file), else the file named by the
 * env variable CLOUDBOX_SFN_MOCK_CONFIG (Step Functions Local's SFN_MOCK_CONFIG equivalent).
 * DEVIATION: an invocation number beyond the last key reuses the last entry; invocation counts are
 * kept in memory, so they restart at 0 after a Cloudbox restart.
 */
import { readFileSync } from "node:fs";
import type { Json } from "../../engines/asl/index.js";

export interface MockConfig {
  StateMachines?: Record<string, { TestCases?: Record<string, Record<string, string>> }>;
  MockedResponses?: Record<string, Record<string, { Return?: Json; Throw?: { Error?: string; Cause?: string }; WaitTimeInMilliseconds?: number }>>;
}

export type MockOutcome = { output: Json } | { error: string; cause: string };

const cache = new WeakMap<object, { source: unknown; config: MockConfig | undefined }>();

export const loadMockConfig = (settings: Readonly<Record<string, unknown>>): MockConfig | undefined => {
  const source = settings.sfnMockConfig ?? process.env.CLOUDBOX_SFN_MOCK_CONFIG;
  if (!source) return undefined;
  const hit = cache.get(settings);
  if (hit && hit.source === source) return hit.config;
  const config = typeof source === "string" ? (JSON.parse(readFileSync(source, "utf8")) as MockConfig) : (source as MockConfig);
  cache.set(settings, { source, config });
  return config;
};

export const hasTestCase = (config: MockConfig | undefined, machine: string, testCase: string) =>
  !!config?.StateMachines?.[machine]?.TestCases?.[testCase];

/** The mocked outcome of the n-th (0-based) invocation of a state, or undefined when not mocked. */
export const mockedOutcome = (config: MockConfig | undefined, machine: string, testCase: string, state: string, n: number): MockOutcome | undefined => {
  const name = config?.StateMachines?.[machine]?.TestCases?.[testCase]?.[state];
  if (!name) return undefined;
  const resp = config?.MockedResponses?.[name];
  if (!resp) return { error: "States.Runtime", cause: `Mocked response ${name} is not defined in MockedResponses` };
  let chosen: (typeof resp)[string] | undefined;
  let last: { from: number; v: (typeof resp)[string] } | undefined;
  for (const [key, v] of Object.entries(resp)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(key);
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    if (n >= from && n <= to) chosen = v;
    if (!last || from > last.from) last = { from, v };
  }
  chosen ??= last?.v;
  if (!chosen) return undefined;
  if (chosen.Throw) return { error: chosen.Throw.Error ?? "States.TaskFailed", cause: chosen.Throw.Cause ?? "" };
  return { output: chosen.Return ?? null };
};
