/** Shared setup for the Lambda tests: one Cloudbox, unique names, a role ARN, a JSON decoder. */
import "../helpers/env.js";
import { LambdaClient, CreateFunctionCommand, type CreateFunctionCommandInput } from "@aws-sdk/client-lambda";
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
