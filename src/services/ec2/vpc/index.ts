/** EC2 resource family "vpc": its operations and table migrations (filled in as it is built). */
import type { Operation } from "../../../core/index.js";

export const operations: readonly Operation[] = [];
export const migrations: readonly string[] = [];
