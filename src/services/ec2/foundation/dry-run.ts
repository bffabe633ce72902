/**
 * DryRun: after validation, a request with DryRun=true answers DryRunOperation (412) instead of
 * acting ("Checks whether you have the required permissions for the action, without actually
 * making the request"). Cloudbox has no IAM yet, so every dry run that validates succeeds.
 */
import { ec2Errors } from "../errors.js";

export const checkDryRun = (input: { DryRun?: boolean }): void => {
  if (input.DryRun) throw ec2Errors.dryRunOperation();
};
