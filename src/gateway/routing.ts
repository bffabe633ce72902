/**
 * Which service a request is for, and the access key and region it was signed with. In order:
 *   1. the SigV4 `Authorization` header's credential scope
 *      (`Credential=AKID/20240101/us-east-1/ec2/aws4_request`): the scope's service is the
 *      signing name;
 *   2. a presigned URL's `X-Amz-Credential` query parameter (same format);
 *   3. `X-Amz-Target` (`AWSStepFunctions.ListStateMachines`): the prefix before the last dot;
 *   4. the Host header as AWS clients send it without an endpoint override:
 *      `<endpointPrefix>.<region>.amazonaws.com`, `<endpointPrefix>.amazonaws.com`,
 *      `<bucket>.s3.<region>.amazonaws.com`, `s3.dualstack.<region>.amazonaws.com`...
 *   5. (in gateway.ts, after the body is read) an unsigned form body's `Version`, for query
 *      operations that AWS clients send unsigned (STS AssumeRoleWithWebIdentity).
 * The access key comes from the credential (or an old `AWS AKID:signature` header) whichever
 * step named the service.
 */
import type { HttpRequest } from "../core/index.js";
import type { RegisteredService, ServiceRegistry } from "./registry.js";

export interface Credential {
  accessKeyId: string;
  date?: string;
  region?: string;
  service?: string;
}

export interface Route {
  service: RegisteredService | undefined;
  accessKeyId: string | undefined;
  /** The region the request was signed for (or found in the host), if any. */
  region: string | undefined;
}

/** Parses `AKID/20240101/us-east-1/ec2/aws4_request`. */
export const parseCredential = (value: string): Credential | undefined => {
  const parts = value.split("/");
  if (parts.length < 5 || !parts[0]) return undefined;
  // An access key id never contains "/", but be tolerant: the last four parts are the scope.
  const n = parts.length;
  return { accessKeyId: parts.slice(0, n - 4).join("/"), date: parts[n - 4], region: parts[n - 3] || undefined, service: parts[n - 2] || undefined };
};

/** Reads the credential from `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export const credentialFromAuthorization = (auth: string): Credential | undefined => {
  const i = auth.indexOf("Credential=");
  if (i >= 0) {
    let end = auth.length;
    for (let j = i + 11; j < auth.length; j++) {
      const c = auth.charCodeAt(j);
      if (c === 44 /* , */ || c === 32 /* space */) {
        end = j;
        break;
      }
    }
    return parseCredential(auth.slice(i + 11, end));
  }
  // Signature version 2 (old S3 clients): `AWS AKID:signature`.
  const v2 = /^AWS ([^:\s]+):/.exec(auth);
  return v2 ? { accessKeyId: v2[1] } : undefined;
};

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** `<...>.<endpointPrefix>[.<qualifier>].<region>.amazonaws.com[.cn]` → the rightmost known prefix. */
const routeByHost = (host: string, registry: ServiceRegistry): { service: RegisteredService; region?: string } | undefined => {
  let h = host.toLowerCase();
  const colon = h.lastIndexOf(":");
  if (colon > 0 && !h.endsWith("]")) h = h.slice(0, colon);
  let base: string;
  if (h.endsWith(".amazonaws.com")) base = h.slice(0, -".amazonaws.com".length);
  else if (h.endsWith(".amazonaws.com.cn")) base = h.slice(0, -".amazonaws.com.cn".length);
  else return undefined;
  const labels = base.split(".");
  for (let i = labels.length - 1; i >= 0; i--) {
    let label = labels[i];
    let region: string | undefined;
    // Legacy S3 style: s3-us-west-2.amazonaws.com
    const dash = /^([a-z0-9]+)-([a-z]{2}(?:-[a-z]+)+-\d+)$/.exec(label);
    if (dash && registry.byEndpointPrefix(dash[1])) {
      label = dash[1];
      region = dash[2];
    }
    const service = registry.byEndpointPrefix(label);
    if (!service) continue;
    for (let j = i + 1; !region && j < labels.length; j++) if (REGION_RE.test(labels[j])) region = labels[j];
    return { service, region };
  }
  return undefined;
};

export const routeRequest = (req: HttpRequest, registry: ServiceRegistry): Route => {
  let credential: Credential | undefined;
  const auth = req.headers["authorization"];
  if (auth) credential = credentialFromAuthorization(auth);
  if (!credential && req.query.includes("X-Amz-Credential=")) {
    const value = new URLSearchParams(req.query).get("X-Amz-Credential");
    if (value) credential = parseCredential(value);
  }
  const accessKeyId = credential?.accessKeyId;
  let region = credential?.region;

  let service = credential?.service ? registry.bySigningName(credential.service) : undefined;
  if (!service) {
    const target = req.headers["x-amz-target"];
    if (target) {
      const dot = target.lastIndexOf(".");
      if (dot > 0) service = registry.byTargetPrefix(target.slice(0, dot));
    }
  }
  if (!service && req.headers["host"]) {
    const byHost = routeByHost(req.headers["host"], registry);
    if (byHost) {
      service = byHost.service;
      region ??= byHost.region;
    }
  }
  return { service, accessKeyId, region };
};
