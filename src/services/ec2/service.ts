/**
 * Amazon EC2 (protocol "ec2"). Implemented so far: DescribeRegions, DescribeAvailabilityZones.
 * Every other operation of the model answers NotImplemented.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { describeAvailabilityZones } from "./availability-zones.js";
import { describeRegions } from "./regions.js";

export const ec2Service: ServiceDefinition = {
  name: "ec2",
  signingName: "ec2",
  endpointPrefix: "ec2",
  protocol: "ec2",
  loadSdk: () => import("@aws-sdk/client-ec2") as unknown as Promise<Record<string, unknown>>,
  clientClass: "EC2Client",
  operations: [describeRegions, describeAvailabilityZones],
};
