/** Amazon CloudWatch Logs (json 1.1). */
import type { ServiceIdentity } from "../../core/index.js";

export const logsIdentity: ServiceIdentity = {
  name: "logs",
  signingName: "logs",
  endpointPrefix: "logs",
  protocol: "json",
  targetPrefix: "Logs_20140328",
  sdkPackage: "@aws-sdk/client-cloudwatch-logs",
  clientClass: "CloudWatchLogsClient",
};
