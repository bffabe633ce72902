#!/usr/bin/env bash
# Traffic that obeys the network: the seed's three tiers (web, app, db) built with the AWS CLI v2,
# then asked "can A reach B?" two ways:
#   1. Reachability Analyzer (create-network-insights-path, start-network-insights-analysis,
#      describe-network-insights-analyses), exactly as against AWS;
#   2. probes (`cloudbox probe`, i.e. POST /_cloudbox/probe): one connection each, evaluated by
#      the same path engine, writing VPC flow log records (here to CloudWatch Logs).
# Then it removes the app subnet ACL's outbound ephemeral-port entry and shows the reply being
# refused at that ACL (network ACLs are stateless), and prints the flow log records.
#
# Usage: examples/network-paths/run.sh            (CLOUDBOX_ENDPOINT, default http://127.0.0.1:4566)
# Prints "name=value" lines for every verdict; exits non-zero if any verdict differs from the
# expected one.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_PAGER=""
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
ENDPOINT="${CLOUDBOX_ENDPOINT:-http://127.0.0.1:4566}"

ec2() { aws --endpoint-url "$ENDPOINT" ec2 "$@"; }
logs() { aws --endpoint-url "$ENDPOINT" logs "$@"; }

# `cloudbox probe`, from the installed command when it has the probe subcommand, else from source.
probe() {
  if node "$ROOT/bin/cloudbox.js" --help 2>/dev/null | grep -q '^  probe '; then
    node "$ROOT/bin/cloudbox.js" probe --endpoint "$ENDPOINT" "$@"
  else
    (cd "$ROOT" && node --import tsx --input-type=module \
      -e 'const m = await import("./src/cli/probe.ts"); process.exit(await m.run(process.argv.slice(1)));' -- --endpoint "$ENDPOINT" "$@")
  fi
}

FAILED=0
expect() { # name expected actual
  echo "$1=$3"
  if [ "$2" != "$3" ]; then echo "  expected $2" >&2; FAILED=1; fi
}

# --- the network -------------------------------------------------------------------------------
VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
IGW=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
AZ=$(ec2 describe-availability-zones --query 'AvailabilityZones[0].ZoneName' --output text)
WEB_NET=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone "$AZ" --query Subnet.SubnetId --output text)
APP_NET=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.11.0/24 --availability-zone "$AZ" --query Subnet.SubnetId --output text)
DB_NET=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.21.0/24 --availability-zone "$AZ" --query Subnet.SubnetId --output text)
RTB=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ec2 create-route --route-table-id "$RTB" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
ec2 associate-route-table --route-table-id "$RTB" --subnet-id "$WEB_NET" >/dev/null

sg() { ec2 create-security-group --vpc-id "$VPC" --group-name "paths-$1-$RANDOM" --description "$1 tier" --query GroupId --output text; }
WEB_SG=$(sg web); APP_SG=$(sg app); DB_SG=$(sg db)
ec2 authorize-security-group-ingress --group-id "$WEB_SG" --ip-permissions \
  'IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
ec2 authorize-security-group-ingress --group-id "$APP_SG" --ip-permissions "IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=$WEB_SG}]" >/dev/null
ec2 authorize-security-group-ingress --group-id "$DB_SG" --ip-permissions "IpProtocol=tcp,FromPort=3306,ToPort=3306,UserIdGroupPairs=[{GroupId=$APP_SG}]" >/dev/null

acl() { # subnet then entries "egress rule from to cidr"...
  local subnet=$1; shift
  local id assoc
  id=$(ec2 create-network-acl --vpc-id "$VPC" --query NetworkAcl.NetworkAclId --output text)
  for e in "$@"; do
    read -r egress rule from to cidr <<<"$e"
    ec2 create-network-acl-entry --network-acl-id "$id" "--$egress" --rule-number "$rule" --protocol tcp \
      --port-range "From=$from,To=$to" --cidr-block "$cidr" --rule-action allow
  done
  assoc=$(ec2 describe-network-acls --filters "Name=association.subnet-id,Values=$subnet" \
    --query "NetworkAcls[0].Associations[?SubnetId=='$subnet'].NetworkAclAssociationId" --output text)
  ec2 replace-network-acl-association --association-id "$assoc" --network-acl-id "$id" >/dev/null
  echo "$id"
}
# The seed's table, plus the return-traffic (ephemeral port) entries a stateless ACL needs.
# The three ACLs are independent: built at once (each CLI call starts a Python process).
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
acl "$WEB_NET" "ingress 100 80 80 0.0.0.0/0" "ingress 110 443 443 0.0.0.0/0" "ingress 120 1024 65535 10.0.11.0/24" \
  "egress 100 1024 65535 0.0.0.0/0" "egress 110 8080 8080 10.0.11.0/24" >"$TMP/web" & PID_WEB=$!
acl "$APP_NET" "ingress 100 8080 8080 10.0.1.0/24" "ingress 120 1024 65535 10.0.21.0/24" \
  "egress 100 1024 65535 10.0.1.0/24" "egress 120 3306 3306 10.0.21.0/24" >"$TMP/app" & PID_APP=$!
acl "$DB_NET" "ingress 100 3306 3306 10.0.11.0/24" "egress 100 1024 65535 10.0.11.0/24" >"$TMP/db" & PID_DB=$!
wait "$PID_WEB"; wait "$PID_APP"; wait "$PID_DB"
WEB_ACL=$(cat "$TMP/web"); APP_ACL=$(cat "$TMP/app"); DB_ACL=$(cat "$TMP/db")

instance() { # subnet sg public?
  ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro --count 1 \
    --network-interfaces "DeviceIndex=0,SubnetId=$1,Groups=$2,AssociatePublicIpAddress=$3" --query 'Instances[0].InstanceId' --output text
}
WEB=$(instance "$WEB_NET" "$WEB_SG" true); APP=$(instance "$APP_NET" "$APP_SG" false); DB=$(instance "$DB_NET" "$DB_SG" false)
echo "vpc=$VPC web=$WEB app=$APP db=$DB web_acl=$WEB_ACL app_acl=$APP_ACL db_acl=$DB_ACL"

# A flow log of the whole VPC to CloudWatch Logs (one stream per interface: <eni-id>-all).
GROUP="/cloudbox/network-paths/$VPC"
ec2 create-flow-logs --resource-type VPC --resource-ids "$VPC" --traffic-type ALL --log-group-name "$GROUP" \
  --deliver-logs-permission-arn arn:aws:iam::000000000000:role/flow-logs --max-aggregation-interval 60 >/dev/null

# --- Reachability Analyzer -------------------------------------------------------------------------
analyse() { # name expected source destination port
  local path analysis found code component
  path=$(ec2 create-network-insights-path --source "$3" --destination "$4" --protocol tcp --destination-port "$5" \
    --query NetworkInsightsPath.NetworkInsightsPathId --output text)
  analysis=$(ec2 start-network-insights-analysis --network-insights-path-id "$path" --query NetworkInsightsAnalysis.NetworkInsightsAnalysisId --output text)
  IFS=$'\t' read -r found code component < <(ec2 describe-network-insights-analyses --network-insights-analysis-ids "$analysis" \
    --query 'NetworkInsightsAnalyses[0].[NetworkPathFound, Explanations[0].ExplanationCode, Explanations[0].Component.Id]' --output text)
  expect "$1" "$2" "$found"
  [ "$found" = "False" ] && printf '  blocked: %s\t%s\n' "$code" "$component"
  return 0
}
analyse analysis_web_to_app_8080 True "$WEB" "$APP" 8080
analyse analysis_internet_to_app_8080 False "$IGW" "$APP" 8080
analyse analysis_app_to_db_3306 True "$APP" "$DB" 3306
analyse analysis_web_to_db_3306 False "$WEB" "$DB" 3306

# --- probes ------------------------------------------------------------------------------------------
verdict() { probe "$@" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).verdict))'; }
expect probe_web_to_app_8080 ACCEPT "$(verdict --from "$WEB" --to "$APP" --port 8080 --packets 10 || true)"
expect probe_internet_to_app_8080 REJECT "$(verdict --from internet --to "$APP" --port 8080 || true)"
expect probe_app_to_db_3306 ACCEPT "$(verdict --from "$APP" --to "$DB" --port 3306 || true)"
expect probe_web_to_db_3306 REJECT "$(verdict --from "$WEB" --to "$DB" --port 3306 || true)"
probe --from "$WEB" --to "$DB" --port 3306 || true

# --- the stateless lesson: no outbound ephemeral entry on the app ACL, no reply ---------------------
ec2 delete-network-acl-entry --network-acl-id "$APP_ACL" --egress --rule-number 100
expect probe_web_to_app_without_ephemeral REJECT "$(verdict --from "$WEB" --to "$APP" --port 8080 || true)"
probe --from "$WEB" --to "$APP" --port 8080 || true
analyse analysis_web_to_app_without_ephemeral False "$WEB" "$APP" 8080

# --- flow log records in CloudWatch Logs -------------------------------------------------------------
curl -fsS -X POST "$ENDPOINT/_cloudbox/flow-logs/flush" && echo
echo "flow log records (REJECT):"
logs filter-log-events --log-group-name "$GROUP" --filter-pattern REJECT --query 'events[].[logStreamName,message]' --output text
exit "$FAILED"
