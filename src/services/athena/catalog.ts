/**
 * The data catalog as the Athena API shows it: ListDataCatalogs, GetDataCatalog,
 * ListDatabases, GetDatabase, ListTableMetadata, GetTableMetadata, and the "primary" workgroup
 * (GetWorkGroup, ListWorkGroups). Databases and tables are created with DDL queries
 * (engine.ts); the "default" database always exists. Only the AwsDataCatalog catalog exists.
 * Paging: MaxResults 1-50 with an opaque NextToken.
 */
import { opDefiner, type OperationContext } from "../../core/index.js";
import type { TableDef } from "./ddl.js";
import { athenaErrors } from "./errors.js";
import { DEFAULT_CATALOG, PRIMARY_WORKGROUP } from "./queries.js";
import { getDatabase, getTable, listDatabaseRows, listTableRows, type DatabaseRow, type TableRow } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-athena")>();

const checkCatalog = (name: string | undefined): void => {
  if ((name ?? "").toLowerCase() !== DEFAULT_CATALOG.toLowerCase()) throw athenaErrors.metadata(`Catalog ${name ?? ""} was not found.`);
};

const page = <T>(items: T[], token: string | undefined, max: number | undefined, limit = 50): { items: T[]; next?: string } => {
  const n = max ?? limit;
  if (n < 1 || n > limit) throw athenaErrors.invalidRequest(`1 validation error detected: Value '${n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${limit}`);
  let offset = 0;
  if (token) {
    const m = /^cbx:(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"));
    if (!m) throw athenaErrors.invalidRequest("The next token provided is not valid.");
    offset = Number(m[1]);
  }
  const slice = items.slice(offset, offset + n);
  return { items: slice, ...(offset + n < items.length ? { next: Buffer.from(`cbx:${offset + n}`).toString("base64") } : {}) };
};

const databases = (ctx: OperationContext): DatabaseRow[] => {
  const rows = listDatabaseRows(ctx.store, { accountId: ctx.accountId, region: ctx.region });
  if (!rows.some((r) => r.name === "default")) {
    rows.unshift({ account_id: ctx.accountId, region: ctx.region, name: "default", description: "Default Hive database", location: null, parameters: "{}", created_at: 0 });
    rows.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return rows;
};

const toDatabase = (d: DatabaseRow) => ({
  Name: d.name,
  ...(d.description ? { Description: d.description } : {}),
  Parameters: { ...(JSON.parse(d.parameters) as Record<string, string>), ...(d.location ? { location: d.location } : {}) },
});

const toTableMetadata = (t: TableRow) => {
  const def = JSON.parse(t.definition) as TableDef;
  return {
    Name: t.name,
    CreateTime: new Date(t.created_at),
    LastAccessTime: new Date(0),
    TableType: t.table_type,
    Columns: def.columns,
    PartitionKeys: def.partitionKeys,
    Parameters: {
      ...(t.table_type === "EXTERNAL_TABLE" ? { EXTERNAL: "TRUE" } : {}),
      location: def.location,
      inputformat: def.inputFormat,
      outputformat: def.outputFormat,
      "serde.serialization.lib": def.serde,
      ...Object.fromEntries(Object.entries(def.serdeProperties).map(([k, v]) => [`serde.param.${k}`, v])),
      ...def.tblProperties,
      ...(def.comment ? { comment: def.comment } : {}),
    },
  };
};

const requireDatabase = (ctx: OperationContext, name: string | undefined): string => {
  const db = (name ?? "").toLowerCase();
  if (db !== "default" && !getDatabase(ctx.store, { accountId: ctx.accountId, region: ctx.region }, db)) throw athenaErrors.metadata(`Database ${name ?? ""} not found.`);
  return db;
};

export const listDataCatalogs = defineOp("ListDataCatalogs", () => ({ DataCatalogsSummary: [{ CatalogName: DEFAULT_CATALOG, Type: "GLUE" as const }] }));

export const getDataCatalog = defineOp("GetDataCatalog", (input, ctx) => {
  checkCatalog(input.Name);
  return {
    DataCatalog: { Name: DEFAULT_CATALOG, Description: "AWS Glue Data Catalog", Type: "GLUE" as const, Parameters: { "catalog-id": ctx.accountId } },
  };
});

export const listDatabases = defineOp("ListDatabases", (input, ctx) => {
  checkCatalog(input.CatalogName);
  const p = page(databases(ctx), input.NextToken, input.MaxResults);
  return { DatabaseList: p.items.map(toDatabase), ...(p.next ? { NextToken: p.next } : {}) };
});

export const getDatabaseOp = defineOp("GetDatabase", (input, ctx) => {
  checkCatalog(input.CatalogName);
  const db = requireDatabase(ctx, input.DatabaseName);
  return { Database: toDatabase(databases(ctx).find((d) => d.name === db)!) };
});

export const listTableMetadata = defineOp("ListTableMetadata", (input, ctx) => {
  checkCatalog(input.CatalogName);
  const db = requireDatabase(ctx, input.DatabaseName);
  let rows = listTableRows(ctx.store, { accountId: ctx.accountId, region: ctx.region }, db);
  if (input.Expression) {
    // A regex-like pattern; "*" matches any characters (the console passes e.g. "vpc*").
    const re = new RegExp(`^${input.Expression.replace(/[.+?^${}()[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
    rows = rows.filter((r) => re.test(r.name));
  }
  const p = page(rows, input.NextToken, input.MaxResults);
  return { TableMetadataList: p.items.map(toTableMetadata), ...(p.next ? { NextToken: p.next } : {}) };
});

export const getTableMetadata = defineOp("GetTableMetadata", (input, ctx) => {
  checkCatalog(input.CatalogName);
  const db = requireDatabase(ctx, input.DatabaseName);
  const t = getTable(ctx.store, { accountId: ctx.accountId, region: ctx.region }, db, (input.TableName ?? "").toLowerCase());
  if (!t) throw athenaErrors.metadata(`Table ${input.TableName ?? ""} not found.`);
  return { TableMetadata: toTableMetadata(t) };
});

const primary = {
  Name: PRIMARY_WORKGROUP,
  State: "ENABLED" as const,
  Description: "",
  CreationTime: new Date(0),
  EngineVersion: { SelectedEngineVersion: "AUTO", EffectiveEngineVersion: "Athena engine version 3" },
};

export const listWorkGroups = defineOp("ListWorkGroups", () => ({ WorkGroups: [primary] }));

export const getWorkGroup = defineOp("GetWorkGroup", (input) => {
  if (input.WorkGroup !== PRIMARY_WORKGROUP) throw athenaErrors.invalidRequest(`WorkGroup ${input.WorkGroup ?? ""} is not found.`);
  return {
    WorkGroup: {
      Name: primary.Name,
      State: primary.State,
      Description: primary.Description,
      CreationTime: primary.CreationTime,
      Configuration: {
        EnforceWorkGroupConfiguration: false,
        PublishCloudWatchMetricsEnabled: false,
        RequesterPaysEnabled: false,
        EngineVersion: primary.EngineVersion,
      },
    },
  };
});
