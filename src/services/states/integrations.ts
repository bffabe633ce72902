/**
 * Task integrations: what an InvokeTask effect calls. Every call goes through the API with an SDK
 * v3 client built from runtime.sdkConfig (architecture rule 3), as the execution's account.
 *
 * - arn:aws:states:::lambda:invoke (optimized): the result is { ExecutedVersion, Payload (parsed
 *   JSON), SdkHttpMetadata, SdkResponseMetadata, StatusCode }; a FunctionError fails the task with
 *   the payload's errorType as Error and the payload as Cause; Lambda API errors are
 *   "Lambda.<ExceptionName>" (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 * - a plain function ARN (arn:aws:lambda:...:function:x): the result is the function's output.
 * - arn:aws:states:::aws-sdk:<service>:<action>: any operation of a service Cloudbox serves whose
 *   @aws-sdk/client-<service> package is installed; parameters in PascalCase (camelCase models get
 *   their keys converted); errors are "<ServiceName>.<ErrorName>" in PascalCase with an
 *   "Exception" suffix added when the error name has none
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 * - arn:aws:states:::states:startExecution (+ .sync, .sync:2): handled by the runner (child link).
 * - anything else fails the task with States.Runtime naming the resource (unsupportedResource):
 *   the optimized integrations of services Cloudbox does not serve yet (SQS, SNS, EventBridge
 *   putEvents...) say so; use arn:aws:states:::aws-sdk:... for the services it does serve.
 * Does not do: Credentials (cross-account roles), .sync for services other than Step Functions.
 */
import type { ServiceRuntime } from "../../core/index.js";
import type { Json, JsonObject } from "../../engines/asl/index.js";

export type Outcome = { output: Json } | { error: string; cause: string };

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** Service names as Step Functions spells them in error names (PascalCase). */
const SERVICE_ERROR_NAMES: Record<string, string> = {
  ec2: "Ec2", s3: "S3", lambda: "Lambda", sfn: "Sfn", eventbridge: "EventBridge", sts: "Sts", ram: "Ram",
  acmpca: "AcmPca", dynamodb: "DynamoDb", sqs: "Sqs", sns: "Sns", iam: "Iam", batch: "Batch", cloudformation: "CloudFormation",
};
export const serviceErrorName = (service: string, code: string) => {
  const svc = SERVICE_ERROR_NAMES[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
  return `${svc}.${code.endsWith("Exception") ? code : `${code}Exception`}`;
};

/** SDK clients per runtime, account and region. */
const clients = new WeakMap<ServiceRuntime, Map<string, unknown>>();
const clientFor = async (rt: ServiceRuntime, pkg: string, account: string, region: string): Promise<{ client: any; mod: Record<string, any> }> => {
  let m = clients.get(rt);
  if (!m) clients.set(rt, (m = new Map()));
  // Cache the module too: a dynamic import() per call costs a resolve through the loader each time.
  let modP = m.get(`module:${pkg}`) as Promise<Record<string, any>> | undefined;
  if (!modP) m.set(`module:${pkg}`, (modP = import(`@aws-sdk/client-${pkg}`) as Promise<Record<string, any>>));
  const mod = await modP.catch((e) => {
    m!.delete(`module:${pkg}`);
    throw e;
  });
  const key = `${pkg}|${account}|${region}`;
  let client = m.get(key);
  if (!client) {
    const cls = Object.entries(mod).find(([k, v]) => k.endsWith("Client") && typeof v === "function" && !k.startsWith("__") && k !== "Client")?.[1];
    if (!cls) throw new Error(`@aws-sdk/client-${pkg} has no client class`);
    // S3 in path style: bucket names then need no DNS (the in-memory handler has none anyway).
    client = new cls({ ...rt.sdkConfig({ accountId: account, region }), maxAttempts: 1, ...(pkg === "s3" ? { forcePathStyle: true } : {}) });
    m.set(key, client);
  }
  return { client, mod };
};

/** An S3 client of the execution's account and Region, with its command classes (Map Runs read and write S3). */
export const s3Client = (rt: ServiceRuntime, account: string, region: string) => clientFor(rt, "s3", account, region);

export const destroyClients = (rt: ServiceRuntime) => {
  for (const c of clients.get(rt)?.values() ?? []) if (!(c instanceof Promise)) (c as { destroy?: () => void }).destroy?.();
  clients.delete(rt);
};

const errorOf = (e: unknown): { name: string; message: string } => {
  const err = e as { name?: string; Code?: string; message?: string };
  return { name: err.Code ?? err.name ?? "Error", message: err.message ?? String(e) };
};

// ------------------------------------------------------------------------------------------ Lambda

const decodePayload = (p: Uint8Array | undefined): Json => {
  if (!p || !p.length) return null;
  const text = Buffer.from(p).toString("utf8");
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
};

export const invokeLambda = async (
  rt: ServiceRuntime,
  account: string,
  region: string,
  params: Json,
  optimized: boolean,
): Promise<Outcome> => {
  const { client, mod } = await clientFor(rt, "lambda", account, region);
  const p: JsonObject = isObj(params) ? params : {};
  // The Payload is sent as JSON (a string Payload becomes a JSON string, as Step Functions does).
  const payload = p.Payload === undefined ? undefined : JSON.stringify(p.Payload);
  let out: { StatusCode?: number; FunctionError?: string; ExecutedVersion?: string; Payload?: Uint8Array; $metadata: { requestId?: string; httpStatusCode?: number } };
  try {
    out = await client.send(
      new mod.InvokeCommand({
        FunctionName: p.FunctionName as string,
        Payload: payload === undefined ? undefined : Buffer.from(payload),
        Qualifier: p.Qualifier as string | undefined,
        InvocationType: p.InvocationType as string | undefined,
        ClientContext: p.ClientContext as string | undefined,
        LogType: p.LogType as string | undefined,
      }),
    );
  } catch (e) {
    const { name, message } = errorOf(e);
    // Lambda service errors surface as Lambda.<Exception> (bp-lambda-serviceexception.html).
    return { error: `Lambda.${name}`, cause: message };
  }
  const body = decodePayload(out.Payload);
  if (out.FunctionError) {
    const errorType = isObj(body) && typeof body.errorType === "string" ? body.errorType : out.FunctionError === "Unhandled" ? "Lambda.Unknown" : "Error";
    return { error: errorType, cause: typeof body === "string" ? body : JSON.stringify(body) };
  }
  if (!optimized) return { output: body };
  const requestId = out.$metadata.requestId ?? "";
  return {
    output: {
      ExecutedVersion: out.ExecutedVersion ?? "$LATEST",
      Payload: body,
      SdkHttpMetadata: {
        AllHttpHeaders: { "X-Amz-Executed-Version": [out.ExecutedVersion ?? "$LATEST"], "x-amzn-RequestId": [requestId], "Content-Type": ["application/json"] },
        HttpHeaders: { "X-Amz-Executed-Version": out.ExecutedVersion ?? "$LATEST", "x-amzn-RequestId": requestId, "Content-Type": "application/json" },
        HttpStatusCode: out.StatusCode ?? 200,
      },
      SdkResponseMetadata: { RequestId: requestId },
      StatusCode: out.StatusCode ?? 200,
    },
  };
};

// ------------------------------------------------------------------------------------------ aws-sdk

/** Packages whose model uses camelCase member names (PascalCase from the state machine is converted). */
const CAMEL_CASE = new Set(["sfn"]);
const PACKAGES: Record<string, string> = { eventbridge: "eventbridge", ec2: "ec2", s3: "s3", lambda: "lambda", sfn: "sfn", sts: "sts", ram: "ram" };

const mapKeys = (v: unknown, f: (k: string) => string): unknown => {
  if (Array.isArray(v)) return v.map((x) => mapKeys(x, f));
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "$metadata").map(([k, x]) => [f(k), mapKeys(x, f)]));
  return v;
};
const lower = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);
const upper = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);

/**
 * A Task resource that Cloudbox cannot call: the task fails with States.Runtime (which Retry and
 * States.ALL do not catch, as AWS treats States.Runtime) and a cause naming the resource. The
 * optimized integrations of services Cloudbox does not serve (SQS, SNS, EventBridge...) say so.
 */
const MISSING_SERVICES: Record<string, string> = {
  sqs: "Amazon SQS", sns: "Amazon SNS", events: "Amazon EventBridge", dynamodb: "Amazon DynamoDB", batch: "AWS Batch",
  ecs: "Amazon ECS", glue: "AWS Glue", sagemaker: "Amazon SageMaker", apigateway: "Amazon API Gateway", codebuild: "AWS CodeBuild",
  eks: "Amazon EKS", "elasticmapreduce": "Amazon EMR", "emr-containers": "Amazon EMR on EKS", databrew: "AWS Glue DataBrew",
  bedrock: "Amazon Bedrock", http: "HTTP endpoints", evidently: "Amazon CloudWatch Evidently", mediaconvert: "AWS Elemental MediaConvert",
};
export const unsupportedResource = (resource: string): Outcome => {
  const m = /^arn:aws[a-z-]*:states:::([a-z0-9.-]+):([A-Za-z0-9.:]+)$/.exec(resource);
  let cause = `The resource '${resource}' is not supported by Cloudbox.`;
  if (m && MISSING_SERVICES[m[1]])
    cause = `The resource '${resource}' is an optimized integration with ${MISSING_SERVICES[m[1]]}, which Cloudbox does not implement yet.`;
  else if (m) cause = `The optimized integration '${resource}' is not implemented by Cloudbox; use arn:aws:states:::aws-sdk:<service>:<action> for the services Cloudbox serves.`;
  return { error: "States.Runtime", cause };
};

export const callAwsSdk = async (rt: ServiceRuntime, account: string, region: string, service: string, action: string, params: Json): Promise<Outcome> => {
  const pkg = PACKAGES[service] ?? service;
  let client: any;
  let mod: Record<string, any>;
  try {
    ({ client, mod } = await clientFor(rt, pkg, account, region));
  } catch {
    return { error: "States.Runtime", cause: `The resource arn:aws:states:::aws-sdk:${service}:${action} is not supported by Cloudbox (no @aws-sdk/client-${pkg} package).` };
  }
  const Command = mod[`${upper(action)}Command`];
  if (!Command) return { error: "States.Runtime", cause: `The API action ${action} of service ${service} does not exist.` };
  const input = CAMEL_CASE.has(service) ? mapKeys(params ?? {}, lower) : (params ?? {});
  try {
    const out = await client.send(new Command(input));
    // Outputs come back in PascalCase like the parameters (supported-services-awssdk.html).
    return { output: mapKeys(out, upper) as Json };
  } catch (e) {
    const { name, message } = errorOf(e);
    return { error: serviceErrorName(service, name), cause: `${message} (Service: ${upper(service)}, Status Code: ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 400}, Error Code: ${name})` };
  }
};
