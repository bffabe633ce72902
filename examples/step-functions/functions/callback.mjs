// MyCallbackFunction: hands the task token to a reviewer. Here it only logs it; whoever reviews
// (a person, a test, another system) calls SendTaskSuccess / SendTaskFailure with the token.
// Set AUTO_APPROVE=1 to approve at once from inside the function (SDK v3 reaches Cloudbox).
import { SFNClient, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
export const handler = async (event) => {
  console.log(JSON.stringify({ reviewToken: event.TaskToken, input: event.Input }));
  if (process.env.AUTO_APPROVE === "1") {
    await new SFNClient({}).send(new SendTaskSuccessCommand({ taskToken: event.TaskToken, output: JSON.stringify({ approved: true, by: "lambda" }) }));
  }
  return { notified: true };
};
