#!/usr/bin/env bash
# Hub and spoke across two Regions: a transit gateway in us-east-1 and one in us-west-2, peered
# through the EC2 API, three spoke VPCs (A and C in us-east-1, B in us-west-2), and spoke C
# isolated by a blackhole route. Built with the AWS CLI v2 against a running Cloudbox, then
# checked with probes (one connection each through the emulated network) and Reachability
# Analyzer.
#
#   us-east-1                                   us-west-2
#   spoke A 10.1.0.0/16 --+                 +-- spoke B 10.2.0.0/16
#                         tgw-east ===peering=== tgw-west
#   spoke C 10.3.0.0/16 --+  (10.3.0.0/16 blackhole in tgw-east's route table)
#
# Usage: examples/hub-and-spoke/run.sh            (CLOUDBOX_ENDPOINT, default http://127.0.0.1:4566)
# Prints "name=value" lines for every verdict; exits non-zero if any verdict differs from the
# expected one. On AWS itself the gateways and attachments take minutes to become available:
# this script does not wait, Cloudbox settles them at once.
set -euo pipefail

export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_PAGER=""
ENDPOINT="${CLOUDBOX_ENDPOINT:-http://127.0.0.1:4566}"
EAST="${EAST_REGION:-us-east-1}"
WEST="${WEST_REGION:-us-west-2}"
AMI=ami-0123456789abcdef0

ec2() { local region=$1; shift; aws --endpoint-url "$ENDPOINT" --region "$region" ec2 "$@"; }

FAILED=0
expect() { # name expected actual
  echo "$1=$3"
  if [ "$2" != "$3" ]; then echo "  expected $2" >&2; FAILED=1; fi
}

# --- two transit gateways, each with its default route table (association and propagation) --------
# Distinct ASNs, as AWS recommends for peered gateways (tgw-peering.html).
gateway() { # region asn -> "tgw-id default-route-table-id owner-account"
  ec2 "$1" create-transit-gateway --description "hub $1" --options "AmazonSideAsn=$2" \
    --query '[TransitGateway.TransitGatewayId, TransitGateway.Options.AssociationDefaultRouteTableId, TransitGateway.OwnerId]' --output text
}
read -r TGW_E RTB_E ACCOUNT < <(gateway "$EAST" 64512)
read -r TGW_W RTB_W _ < <(gateway "$WEST" 64513)

# --- a spoke: VPC, one subnet (instance and attachment), 10.0.0.0/8 to the transit gateway ---------
spoke() { # region tgw n  -> "vpc instance ip attachment"
  local region=$1 tgw=$2 n=$3 vpc subnet sg att rtb inst ip
  vpc=$(ec2 "$region" create-vpc --cidr-block "10.$n.0.0/16" --query Vpc.VpcId --output text)
  subnet=$(ec2 "$region" create-subnet --vpc-id "$vpc" --cidr-block "10.$n.1.0/24" --query Subnet.SubnetId --output text)
  sg=$(ec2 "$region" create-security-group --vpc-id "$vpc" --group-name "spoke-$n" --description "spoke $n" --query GroupId --output text)
  ec2 "$region" authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 443 --cidr 10.0.0.0/8 >/dev/null
  # Default association and propagation: the attachment joins the default route table, and its
  # VPC CIDR propagates there.
  att=$(ec2 "$region" create-transit-gateway-vpc-attachment --transit-gateway-id "$tgw" --vpc-id "$vpc" --subnet-ids "$subnet" \
    --query TransitGatewayVpcAttachment.TransitGatewayAttachmentId --output text)
  rtb=$(ec2 "$region" describe-route-tables --filters "Name=vpc-id,Values=$vpc" "Name=association.main,Values=true" \
    --query 'RouteTables[0].RouteTableId' --output text)
  ec2 "$region" create-route --route-table-id "$rtb" --destination-cidr-block 10.0.0.0/8 --transit-gateway-id "$tgw" >/dev/null
  read -r inst ip < <(ec2 "$region" run-instances --image-id "$AMI" --instance-type t3.micro --count 1 --subnet-id "$subnet" \
    --security-group-ids "$sg" --query 'Instances[0].[InstanceId, PrivateIpAddress]' --output text)
  echo "$vpc $inst $ip $att"
}
# The three spokes are independent: build them at once (each CLI call starts a Python process).
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
spoke "$EAST" "$TGW_E" 1 >"$TMP/a" & PID_A=$!
spoke "$EAST" "$TGW_E" 3 >"$TMP/c" & PID_C=$!
spoke "$WEST" "$TGW_W" 2 >"$TMP/b" & PID_B=$!
wait "$PID_A"; wait "$PID_C"; wait "$PID_B"
read -r VPC_A A IP_A ATT_A <"$TMP/a"
read -r VPC_C C IP_C ATT_C <"$TMP/c"
read -r VPC_B B IP_B ATT_B <"$TMP/b"

# --- peering: requested from us-east-1, accepted in us-west-2 (the accepter's Region) -----------------
PEER=$(ec2 "$EAST" create-transit-gateway-peering-attachment --transit-gateway-id "$TGW_E" --peer-transit-gateway-id "$TGW_W" \
  --peer-account-id "$ACCOUNT" --peer-region "$WEST" --query TransitGatewayPeeringAttachment.TransitGatewayAttachmentId --output text)
ec2 "$WEST" accept-transit-gateway-peering-attachment --transit-gateway-attachment-id "$PEER" >/dev/null

# Each side associates the peering attachment with its route table (tgw-peering.html, "Add a route
# to the transit gateway route table"); an attachment already associated answers
# Resource.AlreadyAssociated, which is fine here.
associate() { # region rtb attachment
  local err
  if ! err=$(ec2 "$1" associate-transit-gateway-route-table --transit-gateway-route-table-id "$2" --transit-gateway-attachment-id "$3" 2>&1 >/dev/null); then
    case "$err" in *AlreadyAssociated*) ;; *) echo "$err" >&2; return 1 ;; esac
  fi
}
associate "$EAST" "$RTB_E" "$PEER"
associate "$WEST" "$RTB_W" "$PEER"

# Peering attachments do not propagate routes: each side adds static routes to the other side's
# CIDRs, pointing at the peering attachment (tgw-peering.html).
ec2 "$EAST" create-transit-gateway-route --transit-gateway-route-table-id "$RTB_E" --destination-cidr-block 10.2.0.0/16 --transit-gateway-attachment-id "$PEER" >/dev/null
ec2 "$WEST" create-transit-gateway-route --transit-gateway-route-table-id "$RTB_W" --destination-cidr-block 10.1.0.0/16 --transit-gateway-attachment-id "$PEER" >/dev/null
ec2 "$WEST" create-transit-gateway-route --transit-gateway-route-table-id "$RTB_W" --destination-cidr-block 10.3.0.0/16 --transit-gateway-attachment-id "$PEER" >/dev/null

# Spoke C isolated: a static blackhole route for its CIDR in tgw-east's route table (a static route
# wins over the propagated one of the same prefix: tgw-route-tables.html, "Route evaluation order").
ec2 "$EAST" create-transit-gateway-route --transit-gateway-route-table-id "$RTB_E" --destination-cidr-block 10.3.0.0/16 --blackhole >/dev/null

# A flow log of spoke B's VPC (CloudWatch Logs in us-west-2): the records of B's instance and of
# the transit gateway attachment's network interface in B's subnet.
GROUP="/cloudbox/hub-and-spoke/$VPC_B"
ec2 "$WEST" create-flow-logs --resource-type VPC --resource-ids "$VPC_B" --traffic-type ALL --log-group-name "$GROUP" \
  --deliver-logs-permission-arn "arn:aws:iam::$ACCOUNT:role/flow-logs" --max-aggregation-interval 60 \
  --log-format '${interface-id} ${instance-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${dstport} ${action} ${flow-direction}' >/dev/null
echo "east: tgw=$TGW_E rtb=$RTB_E A=$A ($IP_A) C=$C ($IP_C)"
echo "west: tgw=$TGW_W rtb=$RTB_W B=$B ($IP_B)"
echo "peering=$PEER"

# --- probes (POST /_cloudbox/probe; `cloudbox probe --from X --to Y --port 443` prints the same) ------
summary='let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);const b=r.blockedAt;
console.log([r.verdict,b?`${b.explanationCode} ${b.componentType} ${b.componentId} (${b.path})`:""].join("\t"))})'
probe() { # name expected from to
  local out verdict why
  out=$(curl -fsS -X POST "$ENDPOINT/_cloudbox/probe" -H 'content-type: application/json' -d "{\"from\":\"$3\",\"to\":\"$4\",\"port\":443}" | node -e "$summary")
  IFS=$'\t' read -r verdict why <<<"$out"
  expect "$1" "$2" "$verdict"
  if [ -n "$why" ]; then echo "  blocked: $why"; fi
  return 0
}
probe probe_a_to_b ACCEPT "$A" "$B"   # us-east-1 -> us-west-2 through the peering
probe probe_b_to_a ACCEPT "$B" "$A"
probe probe_a_to_c REJECT "$A" "$C"   # tgw-east's blackhole, on the request
probe probe_b_to_c REJECT "$B" "$C"   # from us-west-2: the same blackhole, in us-east-1
probe probe_c_to_a REJECT "$C" "$A"   # the request passes; the reply meets the blackhole

# --- Reachability Analyzer (source and destination in one Region, as AWS requires) -------------------
analyse() { # name expected region source destination
  local path analysis result found code arn
  path=$(ec2 "$3" create-network-insights-path --source "$4" --destination "$5" --protocol tcp --destination-port 443 \
    --query NetworkInsightsPath.NetworkInsightsPathId --output text)
  analysis=$(ec2 "$3" start-network-insights-analysis --network-insights-path-id "$path" --query NetworkInsightsAnalysis.NetworkInsightsAnalysisId --output text)
  result=$(ec2 "$3" describe-network-insights-analyses --network-insights-analysis-ids "$analysis" \
    --query 'NetworkInsightsAnalyses[0].[NetworkPathFound, Explanations[0].ExplanationCode, Explanations[0].Component.Arn]' --output text)
  read -r found code arn <<<"$result"
  expect "$1" "$2" "$found"
  if [ "$found" = "False" ]; then echo "  blocked: $code $arn"; fi
  return 0
}
analyse analysis_a_to_c False "$EAST" "$A" "$C"

# --- flow log records in us-west-2 ---------------------------------------------------------------------
# On the transit gateway's interface (instance-id '-') srcaddr/dstaddr name the interface itself
# on its side, pkt-srcaddr/pkt-dstaddr the instances in us-east-1 (flow-logs-records-examples.html,
# "Traffic through a transit gateway").
curl -fsS -X POST "$ENDPOINT/_cloudbox/flow-logs/flush" >/dev/null
echo "flow log records of $VPC_B (interface-id instance-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr dstport action flow-direction):"
aws --endpoint-url "$ENDPOINT" --region "$WEST" logs filter-log-events --log-group-name "$GROUP" --query 'events[].message' --output text | tr '\t' '\n' | sort -u

exit "$FAILED"
