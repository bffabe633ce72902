/**
 * Step Functions state machines. So far only ListStateMachines, which lists none (state machines
 * cannot be created yet); it proves the json 1.0 protocol end to end.
 */
import { opDefiner } from "../../core/index.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sfn")>();

export const listStateMachines = defineOp("ListStateMachines", () => ({ stateMachines: [] }));
