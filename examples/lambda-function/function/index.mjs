// A Lambda function that greets, counts its warm invocations, and asks STS who it runs as,
// through the AWS SDK v3 that the Node.js runtime provides (nothing bundled in the zip).
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

const sts = new STSClient({});
let invocations = 0;

export const handler = async (event, context) => {
  invocations++;
  const who = await sts.send(new GetCallerIdentityCommand({}));
  console.log(`greeting ${event.name ?? "world"} (invocation ${invocations} of this environment)`);
  return {
    message: `Hello, ${event.name ?? "world"}!`,
    account: who.Account,
    function: context.functionName,
    requestId: context.awsRequestId,
    warmInvocations: invocations,
  };
};
