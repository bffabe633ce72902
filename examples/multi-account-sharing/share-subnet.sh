#!/usr/bin/env bash
# The seed's multi-account scenario ("The hidden truth behind AWS Availability Zones": sharing a
# subnet between two accounts, aligned by AZ ID), with the AWS CLI v2 against Cloudbox:
#
#   1. both accounts look at their AZ names and AZ IDs (they differ by name, agree by ID);
#   2. account 111111111111 (the owner) creates a VPC and a subnet in AZ ID use1-az1;
#   3. the owner shares the subnet with 222222222222 through AWS RAM;
#   4. 222222222222 (the participant) accepts the invitation;
#   5. the participant sees the subnet, under its own AZ name for the same AZ ID;
#   6. the participant launches an instance into the shared subnet: the instance and its network
#      interface belong to the participant, the subnet and the VPC stay the owner's.
#
# Cloudbox takes the account from the access key id (a 12-digit key id is that account).
# Output: a few KEY=VALUE lines (used by test/ram/sharing.test.ts) plus a readable summary on stderr.
set -euo pipefail

ENDPOINT="${CLOUDBOX_ENDPOINT:-http://127.0.0.1:4566}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-cloudbox}"
export AWS_PAGER=""
OWNER="${OWNER_ACCOUNT:-111111111111}"
PARTICIPANT="${PARTICIPANT_ACCOUNT:-222222222222}"
AZ_ID="${AZ_ID:-use1-az1}"
CIDR_PREFIX="${CIDR_PREFIX:-10.42}"

# aws as an account: as <account> <aws args...>
as() {
  local account="$1"
  shift
  AWS_ACCESS_KEY_ID="$account" aws --endpoint-url "$ENDPOINT" --output text "$@"
}
say() { echo "$*" >&2; }

say "== 1. AZ names and IDs of each account in $AWS_DEFAULT_REGION"
say "owner:       $(as "$OWNER" ec2 describe-availability-zones --query 'AvailabilityZones[].[ZoneName,ZoneId]' | tr '\t\n' '= ')"
say "participant: $(as "$PARTICIPANT" ec2 describe-availability-zones --query 'AvailabilityZones[].[ZoneName,ZoneId]' | tr '\t\n' '= ')"
OWNER_AZ_NAME=$(as "$OWNER" ec2 describe-availability-zones --zone-ids "$AZ_ID" --query 'AvailabilityZones[0].ZoneName')
PARTICIPANT_AZ_NAME=$(as "$PARTICIPANT" ec2 describe-availability-zones --zone-ids "$AZ_ID" --query 'AvailabilityZones[0].ZoneName')

say "== 2. the owner creates a VPC and a subnet in $AZ_ID"
VPC_ID=$(as "$OWNER" ec2 create-vpc --cidr-block "$CIDR_PREFIX.0.0/16" --query 'Vpc.VpcId')
SUBNET_ID=$(as "$OWNER" ec2 create-subnet --vpc-id "$VPC_ID" --cidr-block "$CIDR_PREFIX.1.0/24" --availability-zone-id "$AZ_ID" --query 'Subnet.SubnetId')
SUBNET_ARN="arn:aws:ec2:$AWS_DEFAULT_REGION:$OWNER:subnet/$SUBNET_ID"
say "vpc $VPC_ID, subnet $SUBNET_ID ($OWNER_AZ_NAME for the owner)"

say "== 3. the owner shares the subnet with $PARTICIPANT"
SHARE_ARN=$(as "$OWNER" ram create-resource-share --name "shared-subnet-$SUBNET_ID" \
  --resource-arns "$SUBNET_ARN" --principals "$PARTICIPANT" --query 'resourceShare.resourceShareArn')
say "resource share $SHARE_ARN"

say "== 4. the participant accepts the invitation"
INVITATION_ARN=$(as "$PARTICIPANT" ram get-resource-share-invitations --resource-share-arns "$SHARE_ARN" \
  --query "resourceShareInvitations[?status=='PENDING'].resourceShareInvitationArn | [0]")
INVITATION_STATUS=$(as "$PARTICIPANT" ram accept-resource-share-invitation --resource-share-invitation-arn "$INVITATION_ARN" \
  --query 'resourceShareInvitation.status')
say "invitation $INVITATION_ARN: $INVITATION_STATUS"

say "== 5. the participant sees the shared subnet under its own AZ name"
read -r SEEN_AZ_NAME SEEN_AZ_ID SUBNET_OWNER < <(as "$PARTICIPANT" ec2 describe-subnets --subnet-ids "$SUBNET_ID" \
  --query 'Subnets[0].[AvailabilityZone,AvailabilityZoneId,OwnerId]')
say "subnet $SUBNET_ID: $SEEN_AZ_NAME ($SEEN_AZ_ID), owner $SUBNET_OWNER"

say "== 6. the participant launches an instance into the shared subnet"
# Participants cannot use the owner's default security group (vpc-sharing.html): create one.
SG_ID=$(as "$PARTICIPANT" ec2 create-security-group --vpc-id "$VPC_ID" --group-name "participant-app-$SUBNET_ID" \
  --description "participant app" --query 'GroupId')
INSTANCE_ID=$(as "$PARTICIPANT" ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro \
  --subnet-id "$SUBNET_ID" --security-group-ids "$SG_ID" --query 'Instances[0].InstanceId')
read -r INSTANCE_OWNER INSTANCE_SUBNET INSTANCE_AZ < <(as "$PARTICIPANT" ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].[OwnerId,Instances[0].SubnetId,Instances[0].Placement.AvailabilityZone]')
read -r ENI_ID ENI_OWNER ENI_SUBNET < <(as "$PARTICIPANT" ec2 describe-network-interfaces \
  --filters "Name=attachment.instance-id,Values=$INSTANCE_ID" --query 'NetworkInterfaces[0].[NetworkInterfaceId,OwnerId,SubnetId]')
VPC_OWNER=$(as "$OWNER" ec2 describe-vpcs --vpc-ids "$VPC_ID" --query 'Vpcs[0].OwnerId')
say "instance $INSTANCE_ID owned by $INSTANCE_OWNER in $INSTANCE_SUBNET ($INSTANCE_AZ); ENI $ENI_ID owned by $ENI_OWNER; VPC owned by $VPC_OWNER"

cat <<OUT
VPC_ID=$VPC_ID
SUBNET_ID=$SUBNET_ID
SHARE_ARN=$SHARE_ARN
INVITATION_STATUS=$INVITATION_STATUS
OWNER_AZ_NAME=$OWNER_AZ_NAME
PARTICIPANT_AZ_NAME=$PARTICIPANT_AZ_NAME
SEEN_AZ_NAME=$SEEN_AZ_NAME
SEEN_AZ_ID=$SEEN_AZ_ID
SUBNET_OWNER=$SUBNET_OWNER
INSTANCE_ID=$INSTANCE_ID
INSTANCE_OWNER=$INSTANCE_OWNER
INSTANCE_SUBNET=$INSTANCE_SUBNET
INSTANCE_AZ=$INSTANCE_AZ
ENI_OWNER=$ENI_OWNER
ENI_SUBNET=$ENI_SUBNET
VPC_OWNER=$VPC_OWNER
OUT
