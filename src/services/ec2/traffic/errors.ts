/**
 * The traffic family's error factories (architecture rule 4: one code, one factory). NotFound codes
 * of network insights paths and analyses come from the foundation's resource-type table.
 */
import { commonErrors } from "../../../core/index.js";

export const trafficErrors = {
  missing: (name: string) => commonErrors.missingParameter(name),
  invalidValue: (message: string) => commonErrors.invalidParameterValue(message),
};
