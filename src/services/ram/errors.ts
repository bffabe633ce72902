/**
 * AWS RAM's error codes, one factory each (AWS RAM API Reference, "Errors" of each action:
 * https://docs.aws.amazon.com/ram/latest/APIReference/CommonErrors.html and the action pages).
 * Every one of these is HTTP 400 in the service model (@aws-sdk/client-ram's schema).
 */
import { AwsError } from "../../core/index.js";

const e = (code: string, message: string): AwsError => new AwsError(code, message, { status: 400 });

export const ramErrors = {
  /** "The operation failed because a parameter you specified isn't valid." */
  invalidParameter: (message: string) => e("InvalidParameterException", message),
  /** "The operation failed because a required input parameter is missing." */
  missingParameter: (name: string) => e("MissingRequiredParameterException", `Missing required parameter: ${name}`),
  /** "The operation failed because the specified Amazon Resource Name (ARN) has a format that isn't valid." */
  malformedArn: (arn: string) => e("MalformedArnException", `The ARN ${arn} is malformed.`),
  /** "The operation failed because a specified resource couldn't be found." */
  unknownResource: (message: string) => e("UnknownResourceException", message),
  /** "The operation failed because the requested operation isn't permitted." */
  operationNotPermitted: (message: string) => e("OperationNotPermittedException", message),
  /** "The operation failed because the specified resource type isn't valid." */
  invalidResourceType: (type: string) => e("InvalidResourceTypeException", `The resource type ${type} cannot be shared with AWS RAM in Cloudbox.`),
  /** "The operation failed because the specified invitation was already accepted." */
  invitationAlreadyAccepted: (arn: string) =>
    e("ResourceShareInvitationAlreadyAcceptedException", `The resource share invitation ${arn} has already been accepted.`),
  /** "The operation failed because the specified invitation was already rejected." */
  invitationAlreadyRejected: (arn: string) =>
    e("ResourceShareInvitationAlreadyRejectedException", `The resource share invitation ${arn} has already been rejected.`),
  /** "The operation failed because the specified ARN for an invitation was not found." */
  invitationNotFound: (arn: string) => e("ResourceShareInvitationArnNotFoundException", `The resource share invitation ${arn} could not be found.`),
  /** "The operation failed because the requested operation isn't valid for the resource share in its current state." */
  invalidStateTransition: (message: string) => e("InvalidStateTransitionException", message),
  /** "The operation failed because the specified value for MaxResults isn't valid." */
  invalidMaxResults: (n: number) => e("InvalidMaxResultsException", `The maxResults value ${n} is not valid: it must be between 1 and 500.`),
  /** "The operation failed because the specified value for NextToken isn't valid." */
  invalidNextToken: () => e("InvalidNextTokenException", "The specified value for NextToken is not valid."),
} as const;
