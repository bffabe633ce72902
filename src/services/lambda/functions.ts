/**
 * Lambda functions. So far only ListFunctions, which lists none (functions cannot be created yet);
 * it proves the rest-json protocol end to end.
 */
import { opDefiner } from "../../core/index.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-lambda")>();

export const listFunctions = defineOp("ListFunctions", () => ({ Functions: [] }));
