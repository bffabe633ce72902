/**
 * Amazon Athena (protocol json, X-Amz-Target AmazonAthena.<Operation>). Queries run on an
 * embedded DuckDB over the S3 objects of tables created with Athena's DDL (engine.ts).
 * Implemented: StartQueryExecution, GetQueryExecution, BatchGetQueryExecution, GetQueryResults,
 * ListQueryExecutions, StopQueryExecution, ListDataCatalogs, GetDataCatalog, ListDatabases,
 * GetDatabase, ListTableMetadata, GetTableMetadata, ListWorkGroups, GetWorkGroup.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { athenaIdentity } from "./identity.js";
import { getDataCatalog, getDatabaseOp, getTableMetadata, getWorkGroup, listDatabases, listDataCatalogs, listTableMetadata, listWorkGroups } from "./catalog.js";
import { startWorker, stopWorker } from "./engine.js";
import { batchGetQueryExecution, getQueryExecution, getQueryResults, listQueryExecutions, startQueryExecution, stopQueryExecution } from "./queries.js";
import { athenaMigrations } from "./store.js";

export const athenaService: ServiceDefinition = {
  ...athenaIdentity,
  operations: [
    startQueryExecution,
    getQueryExecution,
    batchGetQueryExecution,
    getQueryResults,
    listQueryExecutions,
    stopQueryExecution,
    listDataCatalogs,
    getDataCatalog,
    listDatabases,
    getDatabaseOp,
    listTableMetadata,
    getTableMetadata,
    listWorkGroups,
    getWorkGroup,
  ],
  migrations: athenaMigrations,
  start: startWorker,
  stop: stopWorker,
};
