/**
 * AWS RAM end to end (SDK v3 and AWS CLI v2): resource shares, invitations, associations,
 * ListResources, disassociation and deletion withdrawing access, errors with their HTTP status,
 * and sharing a transit gateway and a prefix list.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AcceptTransitGatewayVpcAttachmentCommand,
  CreateManagedPrefixListCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  CreateVpcCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetTransitGatewayRouteTableAssociationsCommand,
} from "@aws-sdk/client-ec2";
import {
  AcceptResourceShareInvitationCommand,
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  DeleteResourceShareCommand,
  DisassociateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceShareInvitationsCommand,
  GetResourceSharesCommand,
  ListResourcesCommand,
  RAMClient,
  RejectResourceShareInvitationCommand,
} from "@aws-sdk/client-ram";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { expectAwsError as expectError } from "../helpers/errors.js";
const OWNER = "111111111111";
const PARTICIPANT = "222222222222";
const OTHER = "333333333333";


describe("ram: resource shares", () => {
  let cb: Cloudbox;
  const creds = (account: string) => ({ accessKeyId: account, secretAccessKey: "x" });
  const ec2 = (account: string, region = "us-east-1") => new EC2Client({ ...cb.clientConfig, region, credentials: creds(account) });
  const ram = (account: string, region = "us-east-1") => new RAMClient({ ...cb.clientConfig, region, credentials: creds(account) });
  before(async () => {
    cb = await startCloudbox();
  });
  after(() => cb.stop());

  const subnetArn = (id: string) => `arn:aws:ec2:us-east-1:${OWNER}:subnet/${id}`;
  const newSubnet = async (cidr: string) => {
    const vpc = (await ec2(OWNER).send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    const subnet = (await ec2(OWNER).send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr.replace(/0\.0\/16$/, "1.0/24"), AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    return { vpc, subnet };
  };
  const invitationFor = async (account: string, shareArn: string) =>
    (await ram(account).send(new GetResourceShareInvitationsCommand({ resourceShareArns: [shareArn] }))).resourceShareInvitations![0];
  const participantSees = async (subnet: string) =>
    ((await ec2(PARTICIPANT).send(new DescribeSubnetsCommand({ Filters: [{ Name: "subnet-id", Values: [subnet] }] }))).Subnets ?? []).length === 1;

  it("creates a share with associations, an invitation, and views for the owner and the participant", async () => {
    const { vpc, subnet } = await newSubnet("10.1.0.0/16");
    const created = await ram(OWNER).send(
      new CreateResourceShareCommand({ name: "net", resourceArns: [subnetArn(subnet)], principals: [PARTICIPANT], tags: [{ key: "team", value: "net" }] }),
    );
    const share = created.resourceShare!;
    assert.match(share.resourceShareArn!, /^arn:aws:ram:us-east-1:111111111111:resource-share\/[0-9a-f-]{36}$/);
    assert.equal(share.status, "ACTIVE");
    assert.equal(share.owningAccountId, OWNER);
    assert.equal(share.allowExternalPrincipals, true);
    assert.deepEqual(share.tags, [{ key: "team", value: "net" }]);

    const principals = await ram(OWNER).send(new GetResourceShareAssociationsCommand({ associationType: "PRINCIPAL", resourceShareArns: [share.resourceShareArn!] }));
    assert.deepEqual(principals.resourceShareAssociations!.map((a) => [a.associatedEntity, a.status, a.external]), [[PARTICIPANT, "ASSOCIATING", true]]);
    const resources = await ram(OWNER).send(new GetResourceShareAssociationsCommand({ associationType: "RESOURCE", resourceArn: subnetArn(subnet) }));
    assert.deepEqual(resources.resourceShareAssociations!.map((a) => [a.associatedEntity, a.status]), [[subnetArn(subnet), "ASSOCIATED"]]);

    // Owner's views.
    const mine = await ram(OWNER).send(new GetResourceSharesCommand({ resourceOwner: "SELF", name: "net" }));
    assert.deepEqual(mine.resourceShares!.map((s) => s.resourceShareArn), [share.resourceShareArn]);
    const byTag = await ram(OWNER).send(new GetResourceSharesCommand({ resourceOwner: "SELF", tagFilters: [{ tagKey: "team", tagValues: ["net"] }] }));
    assert.ok(byTag.resourceShares!.some((s) => s.resourceShareArn === share.resourceShareArn));
    const listed = await ram(OWNER).send(new ListResourcesCommand({ resourceOwner: "SELF", resourceShareArns: [share.resourceShareArn!] }));
    assert.deepEqual(listed.resources!.map((r) => [r.arn, r.type, r.status]), [[subnetArn(subnet), "ec2:Subnet", "AVAILABLE"]]);

    // Participant before acceptance: an invitation, no share, no resources, no subnet.
    assert.equal((await ram(PARTICIPANT).send(new GetResourceSharesCommand({ resourceOwner: "OTHER-ACCOUNTS" }))).resourceShares!.length, 0);
    assert.equal(await participantSees(subnet), false);
    const inv = await invitationFor(PARTICIPANT, share.resourceShareArn!);
    assert.equal(inv.status, "PENDING");
    assert.equal(inv.receiverAccountId, PARTICIPANT);
    assert.equal(inv.resourceShareName, "net");

    // Only the receiver can answer; accepting twice fails.
    await expectError(ram(OTHER).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })), "ResourceShareInvitationArnNotFoundException", 400);
    const accepted = await ram(PARTICIPANT).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }));
    assert.equal(accepted.resourceShareInvitation!.status, "ACCEPTED");
    await expectError(
      ram(PARTICIPANT).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })),
      "ResourceShareInvitationAlreadyAcceptedException",
      400,
    );

    // Participant after acceptance: the share, the resource, the subnet and its VPC.
    const theirs = await ram(PARTICIPANT).send(new GetResourceSharesCommand({ resourceOwner: "OTHER-ACCOUNTS" }));
    assert.deepEqual(theirs.resourceShares!.map((s) => s.resourceShareArn), [share.resourceShareArn]);
    const shared = await ram(PARTICIPANT).send(new ListResourcesCommand({ resourceOwner: "OTHER-ACCOUNTS", resourceType: "ec2:Subnet" }));
    assert.deepEqual(shared.resources!.map((r) => r.arn), [subnetArn(subnet)]);
    assert.equal(await participantSees(subnet), true);
    assert.equal((await ec2(PARTICIPANT).send(new DescribeVpcsCommand({ VpcIds: [vpc] }))).Vpcs![0].OwnerId, OWNER);
    // Another account still sees nothing; the share is not visible in another Region.
    assert.equal(((await ec2(OTHER).send(new DescribeSubnetsCommand({ Filters: [{ Name: "subnet-id", Values: [subnet] }] }))).Subnets ?? []).length, 0);
    assert.equal((await ram(PARTICIPANT, "eu-west-1").send(new GetResourceSharesCommand({ resourceOwner: "OTHER-ACCOUNTS" }))).resourceShares!.length, 0);
    const principalsAfter = await ram(OWNER).send(new GetResourceShareAssociationsCommand({ associationType: "PRINCIPAL", principal: PARTICIPANT }));
    assert.ok(principalsAfter.resourceShareAssociations!.some((a) => a.resourceShareArn === share.resourceShareArn && a.status === "ASSOCIATED"));

    // A second subnet associated later becomes visible at once; disassociating withdraws it.
    const second = await newSubnet("10.2.0.0/16");
    const assoc = await ram(OWNER).send(new AssociateResourceShareCommand({ resourceShareArn: share.resourceShareArn, resourceArns: [subnetArn(second.subnet)] }));
    assert.equal(assoc.resourceShareAssociations![0].status, "ASSOCIATED");
    assert.equal(await participantSees(second.subnet), true);
    const dis = await ram(OWNER).send(new DisassociateResourceShareCommand({ resourceShareArn: share.resourceShareArn, resourceArns: [subnetArn(second.subnet)] }));
    assert.equal(dis.resourceShareAssociations![0].status, "DISASSOCIATING");
    assert.equal(await participantSees(second.subnet), false);
    assert.equal(await participantSees(subnet), true);

    // Deleting the share withdraws everything.
    assert.equal((await ram(OWNER).send(new DeleteResourceShareCommand({ resourceShareArn: share.resourceShareArn }))).returnValue, true);
    assert.equal(await participantSees(subnet), false);
    const deleted = await ram(OWNER).send(new GetResourceSharesCommand({ resourceOwner: "SELF", resourceShareArns: [share.resourceShareArn!] }));
    assert.equal(deleted.resourceShares![0].status, "DELETED");
    await expectError(ram(OWNER).send(new DeleteResourceShareCommand({ resourceShareArn: share.resourceShareArn })), "UnknownResourceException", 400);
  });

  it("rejecting an invitation and removing a principal keep the resources hidden", async () => {
    const { subnet } = await newSubnet("10.3.0.0/16");
    const share = (await ram(OWNER).send(new CreateResourceShareCommand({ name: "rejected", resourceArns: [subnetArn(subnet)], principals: [PARTICIPANT] }))).resourceShare!;
    const inv = await invitationFor(PARTICIPANT, share.resourceShareArn!);
    const rejected = await ram(PARTICIPANT).send(new RejectResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }));
    assert.equal(rejected.resourceShareInvitation!.status, "REJECTED");
    await expectError(
      ram(PARTICIPANT).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })),
      "ResourceShareInvitationAlreadyRejectedException",
      400,
    );
    assert.equal(await participantSees(subnet), false);

    // Re-invite, accept, then remove the principal.
    await ram(OWNER).send(new AssociateResourceShareCommand({ resourceShareArn: share.resourceShareArn, principals: [PARTICIPANT] }));
    const again = (await ram(PARTICIPANT).send(new GetResourceShareInvitationsCommand({ resourceShareArns: [share.resourceShareArn!] }))).resourceShareInvitations!.find(
      (i) => i.status === "PENDING",
    )!;
    await ram(PARTICIPANT).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: again.resourceShareInvitationArn }));
    assert.equal(await participantSees(subnet), true);
    await ram(OWNER).send(new DisassociateResourceShareCommand({ resourceShareArn: share.resourceShareArn, principals: [PARTICIPANT] }));
    assert.equal(await participantSees(subnet), false);
  });

  it("refuses what AWS refuses, with RAM's error codes", async () => {
    const { subnet } = await newSubnet("10.4.0.0/16");
    await expectError(ram(OWNER).send(new CreateResourceShareCommand({ name: "x", resourceArns: ["not-an-arn"] })), "MalformedArnException", 400);
    await expectError(
      ram(OWNER).send(new CreateResourceShareCommand({ name: "x", resourceArns: [`arn:aws:ec2:us-east-1:${OWNER}:subnet/subnet-0000000000000000f`] })),
      "UnknownResourceException",
      400,
    );
    // Someone else's subnet.
    await expectError(ram(PARTICIPANT).send(new CreateResourceShareCommand({ name: "x", resourceArns: [subnetArn(subnet)] })), "UnknownResourceException", 400);
    await expectError(
      ram(OWNER).send(new CreateResourceShareCommand({ name: "x", resourceArns: [`arn:aws:ec2:us-east-1:${OWNER}:instance/i-0123456789abcdef0`] })),
      "InvalidResourceTypeException",
      400,
    );
    await expectError(ram(OWNER).send(new CreateResourceShareCommand({ name: "x", principals: ["not-an-account"] })), "InvalidParameterException", 400);
    await expectError(
      ram(OWNER).send(new CreateResourceShareCommand({ name: "x", principals: [PARTICIPANT], allowExternalPrincipals: false })),
      "OperationNotPermittedException",
      400,
    );
    const share = (await ram(OWNER).send(new CreateResourceShareCommand({ name: "errors" }))).resourceShare!;
    await expectError(ram(PARTICIPANT).send(new AssociateResourceShareCommand({ resourceShareArn: share.resourceShareArn, principals: [OTHER] })), "UnknownResourceException", 400);
    await expectError(ram(OWNER).send(new DisassociateResourceShareCommand({ resourceShareArn: share.resourceShareArn, principals: [OTHER] })), "UnknownResourceException", 400);
    await expectError(ram(OWNER).send(new DeleteResourceShareCommand({ resourceShareArn: "arn:aws:ram:us-east-1:111111111111:bogus" })), "MalformedArnException", 400);
    await expectError(ram(OWNER).send(new GetResourceShareAssociationsCommand({ associationType: "PRINCIPAL", resourceArn: subnetArn(subnet) })), "InvalidParameterException", 400);
  });

  it("shares a transit gateway: the participant attaches its VPC, the owner accepts", async () => {
    const tgw = (await ec2(OWNER).send(new CreateTransitGatewayCommand({}))).TransitGateway!;
    const share = (
      await ram(OWNER).send(
        new CreateResourceShareCommand({ name: "tgw", resourceArns: [`arn:aws:ec2:us-east-1:${OWNER}:transit-gateway/${tgw.TransitGatewayId}`], principals: [PARTICIPANT] }),
      )
    ).resourceShare!;
    await expectError(ec2(PARTICIPANT).send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw.TransitGatewayId!] })), "InvalidTransitGatewayID.NotFound", 400);
    const inv = await invitationFor(PARTICIPANT, share.resourceShareArn!);
    await ram(PARTICIPANT).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }));
    const seen = (await ec2(PARTICIPANT).send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw.TransitGatewayId!] }))).TransitGateways![0];
    assert.equal(seen.OwnerId, OWNER);

    const vpc = (await ec2(PARTICIPANT).send(new CreateVpcCommand({ CidrBlock: "10.5.0.0/16" }))).Vpc!.VpcId!;
    const subnet = (await ec2(PARTICIPANT).send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.5.1.0/24", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    const att = (await ec2(PARTICIPANT).send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId, VpcId: vpc, SubnetIds: [subnet] })))
      .TransitGatewayVpcAttachment!;
    // AutoAcceptSharedAttachments is disabled by default: the owner must accept.
    assert.equal(att.State, "pendingAcceptance");
    const ownerView = (await ec2(OWNER).send(new DescribeTransitGatewayVpcAttachmentsCommand({ TransitGatewayAttachmentIds: [att.TransitGatewayAttachmentId!] })))
      .TransitGatewayVpcAttachments![0];
    assert.equal(ownerView.VpcOwnerId, PARTICIPANT);
    await ec2(OWNER).send(new AcceptTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: att.TransitGatewayAttachmentId }));
    const assoc = await ec2(OWNER).send(new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: tgw.Options!.AssociationDefaultRouteTableId }));
    assert.deepEqual(assoc.Associations!.map((a) => [a.TransitGatewayAttachmentId, a.ResourceId]), [[att.TransitGatewayAttachmentId, vpc]]);
  });

  it("shares a customer-managed prefix list (AWS CLI v2 for RAM)", async () => {
    const pl = (
      await ec2(OWNER).send(new CreateManagedPrefixListCommand({ PrefixListName: "office", AddressFamily: "IPv4", MaxEntries: 5, Entries: [{ Cidr: "203.0.113.0/24" }] }))
    ).PrefixList!;
    const owner = { AWS_ACCESS_KEY_ID: OWNER };
    const participant = { AWS_ACCESS_KEY_ID: PARTICIPANT };
    const created = await awsCli(
      cb.endpoint,
      ["ram", "create-resource-share", "--name", "prefix-lists", "--resource-arns", `arn:aws:ec2:us-east-1:${OWNER}:prefix-list/${pl.PrefixListId}`, "--principals", PARTICIPANT],
      owner,
    );
    assert.equal(created.code, 0, created.stderr);
    const shareArn = created.json.resourceShare.resourceShareArn as string;
    const invs = await awsCli(cb.endpoint, ["ram", "get-resource-share-invitations", "--resource-share-arns", shareArn], participant);
    assert.equal(invs.code, 0, invs.stderr);
    const accepted = await awsCli(cb.endpoint, ["ram", "accept-resource-share-invitation", "--resource-share-invitation-arn", invs.json.resourceShareInvitations[0].resourceShareInvitationArn], participant);
    assert.equal(accepted.code, 0, accepted.stderr);
    const listed = await awsCli(cb.endpoint, ["ram", "list-resources", "--resource-owner", "OTHER-ACCOUNTS", "--resource-type", "ec2:PrefixList"], participant);
    assert.equal(listed.json.resources[0].arn, `arn:aws:ec2:us-east-1:${OWNER}:prefix-list/${pl.PrefixListId}`);
    const seen = await ec2(PARTICIPANT).send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [pl.PrefixListId!] }));
    assert.equal(seen.PrefixLists![0].OwnerId, OWNER);
    const bad = await awsCli(cb.endpoint, ["ram", "get-resource-shares", "--resource-owner", "NOBODY"], owner);
    assert.notEqual(bad.code, 0);
  });
});
