/**
 * SDK v3 clients through which Lambda calls other Cloudbox services (architecture rule 3): S3 for
 * code in buckets, EC2 for VpcConfig checks, CloudWatch Logs for function logs, Lambda itself for
 * function destinations. Each is built from runtime.sdkConfig (the in-memory request handler,
 * signed as the function's account), once per runtime, package, account and Region; the SDK
 * module is imported on first use only (client-ec2 alone takes a noticeable time to load).
 */
import type { ServiceRuntime } from "../../core/index.js";
import type { Scope } from "./store.js";

type Pkg = "s3" | "ec2" | "cloudwatch-logs" | "lambda";

interface Entry {
  modules: Map<Pkg, Promise<Record<string, any>>>;
  clients: Map<string, { send(command: unknown): Promise<any>; destroy(): void }>;
}

const perRuntime = new WeakMap<ServiceRuntime, Entry>();

const CLASS: Record<Pkg, string> = { s3: "S3Client", ec2: "EC2Client", "cloudwatch-logs": "CloudWatchLogsClient", lambda: "LambdaClient" };

const load = (e: Entry, pkg: Pkg): Promise<Record<string, any>> => {
  let m = e.modules.get(pkg);
  if (!m) {
    m = import(`@aws-sdk/client-${pkg}`) as Promise<Record<string, any>>;
    e.modules.set(pkg, m);
    m.catch(() => e.modules.delete(pkg));
  }
  return m;
};

/**
 * A client of `pkg` acting as `scope`'s account and Region, and the package module (for its
 * Command classes). maxAttempts 1: a failure is answered, not retried behind the caller's back.
 */
export const sdk = async (runtime: ServiceRuntime, pkg: Pkg, scope: Scope) => {
  let e = perRuntime.get(runtime);
  if (!e) perRuntime.set(runtime, (e = { modules: new Map(), clients: new Map() }));
  const mod = await load(e, pkg);
  const key = `${pkg}|${scope.accountId}|${scope.region}`;
  let client = e.clients.get(key);
  if (!client) {
    const Cls = mod[CLASS[pkg]] as new (config: object) => NonNullable<typeof client>;
    client = new Cls({
      ...runtime.sdkConfig({ accountId: scope.accountId, region: scope.region }),
      maxAttempts: 1,
      ...(pkg === "s3" ? { forcePathStyle: true } : {}),
    });
    e.clients.set(key, client);
  }
  return { client, mod };
};

/** Forgets the clients of a runtime (its stop hook). */
export const destroyClients = (runtime: ServiceRuntime): void => {
  for (const c of perRuntime.get(runtime)?.clients.values() ?? []) c.destroy();
  perRuntime.delete(runtime);
};

/** The error code and message of a failed SDK call (service errors carry `name` and `message`). */
export const sdkError = (e: unknown): { code: string; message: string; service: boolean } => {
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return { code: err.Code ?? err.name ?? "Error", message: err.message ?? String(e), service: !!err.$metadata?.httpStatusCode };
};
