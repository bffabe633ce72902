/** Shared assertions of the compute tests (not a test file itself). */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { EC2ServiceException } from "@aws-sdk/client-ec2";

export { expectAwsError as expectError } from "../helpers/errors.js";
