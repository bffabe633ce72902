#!/usr/bin/env bash
# Gateway endpoint for S3 versus interface endpoint for S3, from a private subnet with no NAT
# gateway and no internet gateway: built with the AWS CLI v2 against a running Cloudbox, then
# checked with probes (one connection each through the emulated network), Reachability Analyzer
# and the VPC flow log records the probes wrote.
#
#   - a gateway endpoint is a route: the S3 prefix list (pl-…) -> vpce-… in the subnet's route
#     table. Without it, S3's public addresses have no route (NO_ROUTE_TO_DESTINATION); with it,
#     the same addresses are reached through the endpoint. It has no security group.
#   - an interface endpoint is a network interface with a private address in your subnet and a
#     security group of its own: reached on 443 only if that group allows it (else
#     ENI_SG_RULES_MISMATCH), whatever the route table says.
#
# Usage: examples/vpc-endpoints/run.sh            (CLOUDBOX_ENDPOINT, default http://127.0.0.1:4566)
# Prints "name=value" lines for every verdict; exits non-zero if any verdict differs from the
# expected one.
set -euo pipefail

export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER=""
ENDPOINT="${CLOUDBOX_ENDPOINT:-http://127.0.0.1:4566}"
REGION="$AWS_DEFAULT_REGION"
S3="com.amazonaws.$REGION.s3"

ec2() { aws --endpoint-url "$ENDPOINT" ec2 "$@"; }

FAILED=0
expect() { # name expected actual
  echo "$1=$3"
  if [ "$2" != "$3" ]; then echo "  expected $2" >&2; FAILED=1; fi
}

# --- a private subnet: local route only, no NAT, no internet gateway --------------------------------
VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
read -r SUBNET AZ < <(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --query '[Subnet.SubnetId, Subnet.AvailabilityZone]' --output text)
EP_SUBNET=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/24 --availability-zone "$AZ" --query Subnet.SubnetId --output text)
RTB=$(ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC" "Name=association.main,Values=true" --query 'RouteTables[0].RouteTableId' --output text)
APP_SG=$(ec2 create-security-group --vpc-id "$VPC" --group-name app --description "app (all outbound)" --query GroupId --output text)
read -r APP APP_IP < <(ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro --count 1 --subnet-id "$SUBNET" \
  --security-group-ids "$APP_SG" --query 'Instances[0].[InstanceId, PrivateIpAddress]' --output text)
# A flow log of both subnets' traffic: the VPC, custom format with the v5 fields.
GROUP="/cloudbox/vpc-endpoints/$VPC"
ec2 create-flow-logs --resource-type VPC --resource-ids "$VPC" --traffic-type ALL --log-group-name "$GROUP" \
  --deliver-logs-permission-arn "arn:aws:iam::000000000000:role/flow-logs" --max-aggregation-interval 60 \
  --log-format '${interface-id} ${instance-id} ${srcaddr} ${dstaddr} ${dstport} ${action} ${flow-direction} ${traffic-path}' >/dev/null
echo "vpc=$VPC subnet=$SUBNET route-table=$RTB app=$APP ($APP_IP)"

# --- probes (POST /_cloudbox/probe; `cloudbox probe --from X --to Y --port 443` prints the same) ------
# Destinations: "s3" (the first address of this Region's S3 prefix list), a pl-… id, any address,
# a vpce-… id (an interface endpoint: its network interface in the source's zone).
# Prints the verdict, then the blocking component or the route the request took.
summary='let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);const b=r.blockedAt;
const m=r.forwardPath.find(h=>h.routeTableRoute)?.routeTableRoute;const rt=m&&`${m.route.destinationPrefixListId??m.matchedCidr} -> ${m.route.gatewayId}`;
console.log([r.verdict,b?`blocked: ${b.explanationCode} ${b.componentType} ${b.componentId}`:`route: ${rt} (${m.matchedCidr})`].join("\t"))})'
probe() { # name expected to port
  local out verdict why
  out=$(curl -fsS -X POST "$ENDPOINT/_cloudbox/probe" -H 'content-type: application/json' -d "{\"from\":\"$APP\",\"to\":\"$3\",\"port\":$4}" | node -e "$summary")
  IFS=$'\t' read -r verdict why <<<"$out"
  expect "$1" "$2" "$verdict"
  echo "  $why"
}

# 1. No endpoint: S3's addresses are public, the subnet routes only 10.0.0.0/16.
probe probe_s3_without_endpoint REJECT s3 443

# 2. A gateway endpoint adds the route "pl-… (S3's prefix list) -> vpce-…" to the table.
GW=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name "$S3" --route-table-ids "$RTB" --query VpcEndpoint.VpcEndpointId --output text)
probe probe_s3_via_gateway_endpoint ACCEPT s3 443

# 3. An interface endpoint for S3 in the endpoint subnet, with a security group that has no
#    inbound rule yet.
EP_SG=$(ec2 create-security-group --vpc-id "$VPC" --group-name s3-endpoint --description "S3 interface endpoint" --query GroupId --output text)
read -r IEP IEP_ENI < <(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface --service-name "$S3" \
  --subnet-ids "$EP_SUBNET" --security-group-ids "$EP_SG" --no-private-dns-enabled \
  --query '[VpcEndpoint.VpcEndpointId, VpcEndpoint.NetworkInterfaceIds[0]]' --output text)
echo "gateway-endpoint=$GW interface-endpoint=$IEP ($IEP_ENI) endpoint-sg=$EP_SG"
probe probe_interface_endpoint_443_no_rule REJECT "$IEP" 443

# Reachability Analyzer agrees (a VPC endpoint is a valid destination).
PATH_ID=$(ec2 create-network-insights-path --source "$APP" --destination "$IEP" --protocol tcp --destination-port 443 \
  --query NetworkInsightsPath.NetworkInsightsPathId --output text)
analyse() { # name expected
  local analysis found code component
  analysis=$(ec2 start-network-insights-analysis --network-insights-path-id "$PATH_ID" --query NetworkInsightsAnalysis.NetworkInsightsAnalysisId --output text)
  read -r found code component < <(ec2 describe-network-insights-analyses --network-insights-analysis-ids "$analysis" \
    --query 'NetworkInsightsAnalyses[0].[NetworkPathFound, Explanations[0].ExplanationCode, Explanations[0].Component.Id]' --output text)
  expect "$1" "$2" "$found"
  if [ "$found" = "False" ]; then echo "  blocked: $code $component"; fi
  return 0
}
analyse analysis_interface_endpoint_443_no_rule False

# 4. The endpoint's group allows 443 from the app's group: 443 passes, 80 still does not.
ec2 authorize-security-group-ingress --group-id "$EP_SG" --protocol tcp --port 443 --source-group "$APP_SG" >/dev/null
probe probe_interface_endpoint_443 ACCEPT "$IEP" 443
probe probe_interface_endpoint_80 REJECT "$IEP" 80
analyse analysis_interface_endpoint_443 True

# 5. Without the gateway endpoint its route goes, and S3's public addresses are unreachable again;
#    the interface endpoint does not need a route (its address is in the VPC).
ec2 delete-vpc-endpoints --vpc-endpoint-ids "$GW" >/dev/null
probe probe_s3_after_deleting_gateway_endpoint REJECT s3 443
probe probe_interface_endpoint_443_without_gateway ACCEPT "$IEP" 443

# --- flow log records ----------------------------------------------------------------------------------
# The app's records say traffic-path 7 (gateway VPC endpoint) for S3; the interface endpoint's own
# network interface records the 443 connections and REJECTs port 80 (its security group).
curl -fsS -X POST "$ENDPOINT/_cloudbox/flow-logs/flush" >/dev/null
echo "flow log records (interface-id instance-id srcaddr dstaddr dstport action flow-direction traffic-path):"
aws --endpoint-url "$ENDPOINT" logs filter-log-events --log-group-name "$GROUP" --query 'events[].message' --output text | tr '\t' '\n' | sort
exit "$FAILED"
