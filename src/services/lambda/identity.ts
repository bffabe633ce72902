/**
 * AWS Lambda (rest-json). Serves code downloads and function URLs outside the API (http-routes.ts).
 * Loads at startup when the store has Lambda's tables: queued asynchronous invocations resume
 * after a restart (async-invoke.ts).
 */
import type { ServiceIdentity } from "../../core/index.js";

export const lambdaIdentity: ServiceIdentity = {
  name: "lambda",
  signingName: "lambda",
  endpointPrefix: "lambda",
  protocol: "rest-json",
  sdkPackage: "@aws-sdk/client-lambda",
  clientClass: "LambdaClient",
  // Direct zip uploads: 50 MB zipped, base64 in the JSON body (Lambda quotas).
  maxBodyBytes: 70 * 1024 * 1024,
  // Code downloads (/_cloudbox/lambda/code/...) and function URLs by path (/_cloudbox/lambda-url/...).
  internalPaths: ["lambda/", "lambda-url/"],
  // Function URLs: http://<url-id>.lambda-url.<region>.localhost:<port>/ (see urls.ts).
  internalHost: /^[a-z0-9]{32}\.lambda-url\.[a-z0-9-]+\.localhost(:\d+)?$/,
  // Queued Event invocations resume after a restart (the start hook, async-invoke.ts).
  boot: true,
};
