#!/usr/bin/env bash
# The seed article's three-tier network ("Traffic Control in AWS VPC with Security Groups and
# NACLs"), built with the AWS CLI v2 against a running Cloudbox (or, unchanged but for the
# endpoint, against AWS itself):
#   - a VPC 10.0.0.0/16 with frontend, backend and database subnets in two Availability Zones;
#   - security groups: frontend (80/443 from anywhere), backend (8080 from the frontend group),
#     database (3306 from the backend group);
#   - one network ACL per tier, as in the article's table, plus the return-traffic rules that a
#     stateless ACL needs (ephemeral ports 1024-65535, see README.md).
# Usage: examples/three-tier/deploy.sh [name]     (name tags every resource; default three-tier)
# Prints the ids as name=value lines at the end.
set -euo pipefail

NAME="${1:-three-tier}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_PAGER=""
ENDPOINT="${CLOUDBOX_ENDPOINT:-http://127.0.0.1:4566}"

ec2() { aws --endpoint-url "$ENDPOINT" ec2 "$@"; }
tags() { echo "ResourceType=$1,Tags=[{Key=Name,Value=$NAME-$2},{Key=app,Value=$NAME}]"; }

# --- VPC and subnets ---------------------------------------------------------------------------
VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --tag-specifications "$(tags vpc vpc)" --query Vpc.VpcId --output text)
read -r AZ1 AZ2 _ <<<"$(ec2 describe-availability-zones --query 'AvailabilityZones[].ZoneName' --output text)"

subnet() { # tier-az cidr az
  ec2 create-subnet --vpc-id "$VPC" --cidr-block "$2" --availability-zone "$3" \
    --tag-specifications "$(tags subnet "$1")" --query Subnet.SubnetId --output text
}
FRONTEND_A=$(subnet frontend-a 10.0.1.0/24 "$AZ1")
FRONTEND_B=$(subnet frontend-b 10.0.2.0/24 "$AZ2")
BACKEND_A=$(subnet backend-a 10.0.11.0/24 "$AZ1")
BACKEND_B=$(subnet backend-b 10.0.12.0/24 "$AZ2")
DATABASE_A=$(subnet database-a 10.0.21.0/24 "$AZ1")
DATABASE_B=$(subnet database-b 10.0.22.0/24 "$AZ2")

# --- security groups ---------------------------------------------------------------------------
group() { # tier description
  ec2 create-security-group --vpc-id "$VPC" --group-name "$NAME-$1" --description "$2" \
    --tag-specifications "$(tags security-group "$1")" --query GroupId --output text
}
FRONTEND_SG=$(group frontend "Frontend: HTTP and HTTPS from anywhere")
BACKEND_SG=$(group backend "Backend: 8080 from the frontend group")
DATABASE_SG=$(group database "Database: MySQL 3306 from the backend group")

ec2 authorize-security-group-ingress --group-id "$FRONTEND_SG" --ip-permissions \
  'IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0,Description=HTTP}]' \
  'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0,Description=HTTPS}]' >/dev/null
ec2 authorize-security-group-ingress --group-id "$BACKEND_SG" --ip-permissions \
  "IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=$FRONTEND_SG,Description=frontend}]" >/dev/null
ec2 authorize-security-group-ingress --group-id "$DATABASE_SG" --ip-permissions \
  "IpProtocol=tcp,FromPort=3306,ToPort=3306,UserIdGroupPairs=[{GroupId=$BACKEND_SG,Description=backend}]" >/dev/null

# --- network ACLs ------------------------------------------------------------------------------
acl() { ec2 create-network-acl --vpc-id "$VPC" --tag-specifications "$(tags network-acl "$1")" --query NetworkAcl.NetworkAclId --output text; }
# entry acl direction rule from-port to-port cidr
entry() {
  ec2 create-network-acl-entry --network-acl-id "$1" "--$2" --rule-number "$3" --protocol tcp \
    --port-range "From=$4,To=$5" --cidr-block "$6" --rule-action allow
}
FRONTEND_ACL=$(acl frontend)
entry "$FRONTEND_ACL" ingress 100 80 80 0.0.0.0/0
entry "$FRONTEND_ACL" ingress 110 443 443 0.0.0.0/0
entry "$FRONTEND_ACL" ingress 120 1024 65535 10.0.11.0/24     # replies from the backend
entry "$FRONTEND_ACL" ingress 130 1024 65535 10.0.12.0/24
entry "$FRONTEND_ACL" egress 100 1024 65535 0.0.0.0/0         # replies to web clients
entry "$FRONTEND_ACL" egress 110 8080 8080 10.0.11.0/24       # requests to the backend
entry "$FRONTEND_ACL" egress 120 8080 8080 10.0.12.0/24

BACKEND_ACL=$(acl backend)
entry "$BACKEND_ACL" ingress 100 8080 8080 10.0.1.0/24
entry "$BACKEND_ACL" ingress 110 8080 8080 10.0.2.0/24
entry "$BACKEND_ACL" ingress 120 1024 65535 10.0.21.0/24      # replies from the database
entry "$BACKEND_ACL" ingress 130 1024 65535 10.0.22.0/24
entry "$BACKEND_ACL" egress 100 1024 65535 10.0.1.0/24        # replies to the frontend
entry "$BACKEND_ACL" egress 110 1024 65535 10.0.2.0/24
entry "$BACKEND_ACL" egress 120 3306 3306 10.0.21.0/24        # requests to the database
entry "$BACKEND_ACL" egress 130 3306 3306 10.0.22.0/24

DATABASE_ACL=$(acl database)
entry "$DATABASE_ACL" ingress 100 3306 3306 10.0.11.0/24
entry "$DATABASE_ACL" ingress 110 3306 3306 10.0.12.0/24
entry "$DATABASE_ACL" egress 100 1024 65535 10.0.11.0/24      # replies to the backend
entry "$DATABASE_ACL" egress 110 1024 65535 10.0.12.0/24

associate() { # subnet acl: move the subnet from its current (default) ACL to the tier's ACL
  local assoc
  assoc=$(ec2 describe-network-acls --filters "Name=association.subnet-id,Values=$1" \
    --query "NetworkAcls[].Associations[?SubnetId=='$1'].NetworkAclAssociationId" --output text)
  ec2 replace-network-acl-association --association-id "$assoc" --network-acl-id "$2" >/dev/null
}
associate "$FRONTEND_A" "$FRONTEND_ACL"
associate "$FRONTEND_B" "$FRONTEND_ACL"
associate "$BACKEND_A" "$BACKEND_ACL"
associate "$BACKEND_B" "$BACKEND_ACL"
associate "$DATABASE_A" "$DATABASE_ACL"
associate "$DATABASE_B" "$DATABASE_ACL"

cat <<EOF
vpc=$VPC
frontend_subnets=$FRONTEND_A,$FRONTEND_B
backend_subnets=$BACKEND_A,$BACKEND_B
database_subnets=$DATABASE_A,$DATABASE_B
frontend_sg=$FRONTEND_SG
backend_sg=$BACKEND_SG
database_sg=$DATABASE_SG
frontend_acl=$FRONTEND_ACL
backend_acl=$BACKEND_ACL
database_acl=$DATABASE_ACL
EOF
