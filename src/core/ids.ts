/** Identifiers in AWS's formats: request ids, resource ids, ARNs. */
import { randomBytes, randomUUID } from "node:crypto";

export const newRequestId = (): string => randomUUID();

/** EC2-style id: prefix, dash, 17 lower-case hex digits (e.g. vpc-0a1b2c3d4e5f60718). */
export const newResourceId = (prefix: string): string => `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;

export const GLOBAL_REGION = "aws-global";

export interface ArnParts {
  partition?: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export const arn = ({ partition = "aws", service, region, account, resource }: ArnParts): string =>
  `arn:${partition}:${service}:${region}:${account}:${resource}`;

export const parseArn = (value: string): ArnParts | undefined => {
  const parts = value.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, account, ...rest] = parts;
  return { partition, service, region, account, resource: rest.join(":") };
};
