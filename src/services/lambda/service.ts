/** AWS Lambda (protocol rest-json). Implemented: ListFunctions. */
import type { ServiceDefinition } from "../../core/index.js";
import { listFunctions } from "./functions.js";

export const lambdaService: ServiceDefinition = {
  name: "lambda",
  signingName: "lambda",
  endpointPrefix: "lambda",
  protocol: "rest-json",
  loadSdk: () => import("@aws-sdk/client-lambda") as unknown as Promise<Record<string, unknown>>,
  clientClass: "LambdaClient",
  operations: [listFunctions],
};
