/** Amazon EC2 (ec2 protocol). Serves probes and flow-log flushes under /_cloudbox/ (traffic/). */
import type { ServiceIdentity } from "../../core/index.js";

export const ec2Identity: ServiceIdentity = {
  name: "ec2",
  signingName: "ec2",
  endpointPrefix: "ec2",
  protocol: "ec2",
  sdkPackage: "@aws-sdk/client-ec2",
  clientClass: "EC2Client",
  internalPaths: ["probe", "flow-logs/"],
};
