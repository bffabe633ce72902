#!/usr/bin/env bash
# VPC flow logs you can query with SQL, end to end with the AWS CLI v2 against a running Cloudbox:
#   1. the seed's three tiers (web, app, db; one instance each) and a VPC flow log to S3 (default format);
#   2. probes (POST /_cloudbox/probe, one connection each) producing a known mix of ACCEPT and REJECT;
#   3. the flush (POST /_cloudbox/flow-logs/flush) delivering the gzipped objects under
#      s3://<bucket>/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/;
#   4. Athena: AWS's documented flow-log table (partition column date_partition, one partition per
#      delivered day) and the seed's query, as written:
#        SELECT * FROM vpc_flow_logs WHERE (action = 'REJECT' AND dstport = 443) AND date_partition >= '2024-01-01';
# and checks that its rows are exactly the REJECT records on port 443 the probes said they wrote.
#
# Usage: examples/flow-logs-athena/run.sh      (CLOUDBOX_ENDPOINT, default http://127.0.0.1:4566)
# Needs the AWS CLI v2, curl and node on PATH. Prints "probe_<name>=<verdict>" lines, the query's
# rows, and "result=OK <n> rows" (exit 0) or "result=MISMATCH" (exit 1).
set -euo pipefail

export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_PAGER=""
ENDPOINT="${CLOUDBOX_ENDPOINT:-http://127.0.0.1:4566}"
REGION="$AWS_DEFAULT_REGION"

aws_() { aws --endpoint-url "$ENDPOINT" "$@"; }
ec2() { aws_ ec2 "$@"; }

ACCOUNT=$(aws_ sts get-caller-identity --query Account --output text)
SUFFIX="$(date +%s)-$RANDOM"
BUCKET="flow-logs-athena-$SUFFIX"
RESULTS="athena-results-$SUFFIX"
PREFIX="AWSLogs/$ACCOUNT/vpcflowlogs/$REGION/"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- the network (the seed's three tiers) --------------------------------------------------------
VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
IGW=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
AZ=$(ec2 describe-availability-zones --query 'AvailabilityZones[0].ZoneName' --output text)
subnet() { ec2 create-subnet --vpc-id "$VPC" --cidr-block "$1" --availability-zone "$AZ" --query Subnet.SubnetId --output text; }
WEB_NET=$(subnet 10.0.1.0/24); APP_NET=$(subnet 10.0.11.0/24); DB_NET=$(subnet 10.0.21.0/24)
RTB=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ec2 create-route --route-table-id "$RTB" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
ec2 associate-route-table --route-table-id "$RTB" --subnet-id "$WEB_NET" >/dev/null

sg() { ec2 create-security-group --vpc-id "$VPC" --group-name "fla-$1-$SUFFIX" --description "$1 tier" --query GroupId --output text; }
WEB_SG=$(sg web); APP_SG=$(sg app); DB_SG=$(sg db)
ec2 authorize-security-group-ingress --group-id "$WEB_SG" --ip-permissions \
  'IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
ec2 authorize-security-group-ingress --group-id "$APP_SG" --ip-permissions "IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=$WEB_SG}]" >/dev/null
ec2 authorize-security-group-ingress --group-id "$DB_SG" --ip-permissions "IpProtocol=tcp,FromPort=3306,ToPort=3306,UserIdGroupPairs=[{GroupId=$APP_SG}]" >/dev/null

acl() { # subnet then entries "egress|ingress rule from to cidr"...
  local subnet=$1; shift
  local id assoc
  id=$(ec2 create-network-acl --vpc-id "$VPC" --query NetworkAcl.NetworkAclId --output text)
  for e in "$@"; do
    read -r direction rule from to cidr <<<"$e"
    ec2 create-network-acl-entry --network-acl-id "$id" "--$direction" --rule-number "$rule" --protocol tcp \
      --port-range "From=$from,To=$to" --cidr-block "$cidr" --rule-action allow
  done
  assoc=$(ec2 describe-network-acls --filters "Name=association.subnet-id,Values=$subnet" \
    --query "NetworkAcls[0].Associations[?SubnetId=='$subnet'].NetworkAclAssociationId" --output text)
  ec2 replace-network-acl-association --association-id "$assoc" --network-acl-id "$id" >/dev/null
}
acl "$WEB_NET" "ingress 100 80 80 0.0.0.0/0" "ingress 110 443 443 0.0.0.0/0" "ingress 120 1024 65535 10.0.11.0/24" \
  "egress 100 1024 65535 0.0.0.0/0" "egress 110 8080 8080 10.0.11.0/24"
acl "$APP_NET" "ingress 100 8080 8080 10.0.1.0/24" "ingress 120 1024 65535 10.0.21.0/24" \
  "egress 100 1024 65535 10.0.1.0/24" "egress 120 3306 3306 10.0.21.0/24"
acl "$DB_NET" "ingress 100 3306 3306 10.0.11.0/24" "egress 100 1024 65535 10.0.11.0/24"

instance() { # subnet sg public?
  ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro --count 1 \
    --network-interfaces "DeviceIndex=0,SubnetId=$1,Groups=$2,AssociatePublicIpAddress=$3" --query 'Instances[0].InstanceId' --output text
}
WEB=$(instance "$WEB_NET" "$WEB_SG" true); APP=$(instance "$APP_NET" "$APP_SG" false); DB=$(instance "$DB_NET" "$DB_SG" false)
echo "vpc=$VPC web=$WEB app=$APP db=$DB"

# --- a VPC flow log to S3, default format -----------------------------------------------------------
aws_ s3api create-bucket --bucket "$BUCKET" >/dev/null
aws_ s3api create-bucket --bucket "$RESULTS" >/dev/null
FLOW_LOG=$(ec2 create-flow-logs --resource-type VPC --resource-ids "$VPC" --traffic-type ALL \
  --log-destination-type s3 --log-destination "arn:aws:s3:::$BUCKET" --query 'FlowLogIds[0]' --output text)
echo "flow_log=$FLOW_LOG bucket=$BUCKET"

# --- probes: each response lists the flow log records it wrote -----------------------------------------
FAILED=0
n=0
probe() { # name expected from to port packets
  n=$((n + 1))
  curl -sS -X POST "$ENDPOINT/_cloudbox/probe" -H 'content-type: application/json' \
    -d "{\"from\":\"$3\",\"to\":\"$4\",\"port\":$5,\"packets\":$6,\"account\":\"$ACCOUNT\",\"region\":\"$REGION\"}" >"$WORK/probe-$n.json"
  local verdict
  verdict=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.verdict??("error: "+r.message))' "$WORK/probe-$n.json")
  echo "probe_$1=$verdict"
  if [ "$verdict" != "$2" ]; then echo "  expected $2" >&2; FAILED=1; fi
}
probe internet_to_app_443 REJECT internet "$APP" 443 1   # no public address: reaches no interface, no record
probe web_to_db_443 REJECT "$WEB" "$DB" 443 3            # the web ACL has no outbound 443: REJECT on web's interface
probe app_to_db_443 REJECT "$APP" "$DB" 443 2            # the app ACL has no outbound 443: REJECT on app's interface
probe web_to_db_3306 REJECT "$WEB" "$DB" 3306 1          # REJECT at the db ACL, but not on 443
probe web_to_app_8080 ACCEPT "$WEB" "$APP" 8080 5
probe internet_to_web_443 ACCEPT internet "$WEB" 443 4
probe app_to_db_3306 ACCEPT "$APP" "$DB" 3306 1

# The records the seed's query must return: REJECT on destination port 443, from the probes' answers.
# (default format: version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status)
KEYS='[2,3,4,5,6,7,8,9,12]'
node -e '
  const fs = require("fs"); const [dir, n, fl, keys] = process.argv.slice(1);
  const out = [];
  for (let i = 1; i <= Number(n); i++)
    for (const r of JSON.parse(fs.readFileSync(`${dir}/probe-${i}.json`, "utf8")).records ?? []) {
      const f = r.line.split(" ");
      if (r.flowLogId === fl && f[12] === "REJECT" && f[6] === "443") out.push(JSON.parse(keys).map((k) => f[k]).join(" "));
    }
  console.log(out.sort().join("\n"));' "$WORK" "$n" "$FLOW_LOG" "$KEYS" >"$WORK/expected.txt"

# --- delivery ---------------------------------------------------------------------------------------
echo "flush=$(curl -sS -X POST "$ENDPOINT/_cloudbox/flow-logs/flush")"
aws_ s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'Contents[].Key' --output text | tr '\t' '\n' >"$WORK/keys.txt"
sed 's/^/object=/' "$WORK/keys.txt"

# --- Athena ------------------------------------------------------------------------------------------
athena() { # sql -> prints the query execution id once it succeeded
  local id state
  id=$(aws_ athena start-query-execution --query-string "$1" --query-execution-context Database=default \
    --result-configuration "OutputLocation=s3://$RESULTS/" --query QueryExecutionId --output text)
  for _ in $(seq 1 600); do
    state=$(aws_ athena get-query-execution --query-execution-id "$id" --query QueryExecution.Status.State --output text)
    case "$state" in QUEUED|RUNNING) sleep 0.2 ;; *) break ;; esac
  done
  if [ "$state" != "SUCCEEDED" ]; then
    echo "query $id $state: $(aws_ athena get-query-execution --query-execution-id "$id" --query QueryExecution.Status.StateChangeReason --output text)" >&2
    exit 1
  fi
  echo "$id"
}

# AWS's documented table for flow logs ("Create a table for Amazon VPC flow logs"), partitioned by date_partition.
athena "CREATE EXTERNAL TABLE IF NOT EXISTS \`vpc_flow_logs\` (
  version int, account_id string, interface_id string, srcaddr string, dstaddr string,
  srcport int, dstport int, protocol bigint, packets bigint, bytes bigint, start bigint, \`end\` bigint,
  action string, log_status string, vpc_id string, subnet_id string, instance_id string, tcp_flags int,
  type string, pkt_srcaddr string, pkt_dstaddr string, region string, az_id string, sublocation_type string,
  sublocation_id string, pkt_src_aws_service string, pkt_dst_aws_service string, flow_direction string, traffic_path int
)
PARTITIONED BY (\`date_partition\` date)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY ' '
LOCATION 's3://$BUCKET/$PREFIX'
TBLPROPERTIES (\"skip.header.line.count\"=\"1\");" >/dev/null

# One partition per delivered day (<yyyy>/<mm>/<dd> in the key).
for day in $(cut -c $((${#PREFIX} + 1))-$((${#PREFIX} + 10)) "$WORK/keys.txt" | sort -u); do
  athena "ALTER TABLE vpc_flow_logs ADD PARTITION (\`date_partition\`='${day//\//-}') LOCATION 's3://$BUCKET/$PREFIX$day'" >/dev/null
  echo "partition=${day//\//-}"
done

# The seed's query, as written.
QID=$(athena "SELECT * FROM vpc_flow_logs WHERE (action = 'REJECT' AND dstport = 443) AND date_partition >= '2024-01-01';")
aws_ athena get-query-results --query-execution-id "$QID" --output json >"$WORK/results.json"
node -e '
  const fs = require("fs"); const [file, keys] = process.argv.slice(1);
  const rs = JSON.parse(fs.readFileSync(file, "utf8")).ResultSet;
  const names = rs.ResultSetMetadata.ColumnInfo.map((c) => c.Name);
  const rows = rs.Rows.slice(1).map((r) => r.Data.map((d) => d.VarCharValue ?? null));
  const cols = ["interface_id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "action"].map((n) => names.indexOf(n));
  for (const r of rows) console.error("row: " + names.map((n, i) => `${n}=${r[i] ?? "NULL"}`).filter((x) => !x.endsWith("=NULL")).join(" "));
  console.log(rows.map((r) => cols.map((i) => r[i]).join(" ")).sort().join("\n"));' "$WORK/results.json" "$KEYS" >"$WORK/got.txt" 2>"$WORK/rows.txt"
cat "$WORK/rows.txt"

if [ "$FAILED" = 0 ] && [ -s "$WORK/expected.txt" ] && diff -u "$WORK/expected.txt" "$WORK/got.txt" >&2; then
  echo "result=OK $(grep -c . "$WORK/got.txt") rows"
else
  echo "result=MISMATCH"
  exit 1
fi
