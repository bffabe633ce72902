/** The columns of versions 2-5 in AWS's DDL, in field order. */
export const FLOW_LOG_COLUMNS: readonly string[] = [
  "version int",
  "account_id string",
  "interface_id string",
  "srcaddr string",
  "dstaddr string",
  "srcport int",
  "dstport int",
  "protocol bigint",
  "packets bigint",
  "bytes bigint",
  "start bigint",
  "`end` bigint",
  "action string",
  "log_status string",
  "vpc_id string",
  "subnet_id string",
  "instance_id string",
  "tcp_flags int",
  "type string",
  "pkt_srcaddr string",
  "pkt_dstaddr string",
  "region string",
  "az_id string",
  "sublocation_type string",
  "sublocation_id string",
  "pkt_src_aws_service string",
  "pkt_dst_aws_service string",
  "flow_direction string",
  "traffic_path int",
];

/** The column list of a CREATE TABLE, without the columns a partition scheme supplies. */
export const flowLogColumns = (except: readonly string[] = []): string =>
  FLOW_LOG_COLUMNS.filter((c) => !except.includes(c.split(" ")[0])).map((c) => `  ${c}`).join(",\n");

/**
 * AWS's documented table for VPC flow logs in Athena ("Create a table for Amazon VPC flow logs":
 * the columns of versions 2-5, space-delimited, header line skipped), with the partition column
 * named as the caller needs it (the seed's query names it date_partition).
 */
export const documentedFlowLogDdl = (table: string, partition: string, location: string): string => `CREATE EXTERNAL TABLE IF NOT EXISTS \`${table}\` (
${flowLogColumns()}
)
PARTITIONED BY (\`${partition}\` date)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY ' '
LOCATION '${location}'
TBLPROPERTIES ("skip.header.line.count"="1");`;
