/**
 * The stored network interface document, and the interfaces that AWS services create on their
 * own behalf in a customer's subnet.
 *
 * The compute family owns network interfaces: their operations, createEni() and its address
 * rules. But other families' resources have an interface of their own that is a real EC2 network
 * interface ("A requester-managed network interface is a network interface that an AWS service
 * creates in your VPC on your behalf. The network interface is associated with a resource for
 * another service, such as a DB instance from Amazon RDS, a NAT gateway, or an interface VPC
 * endpoint", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html).
 * The vpc family's NAT gateways are one of them, and the vpc family may not import compute
 * (compute imports vpc). So the document's shape, the rules of its DNS name and MAC address, and
 * the writer of a service-managed interface live here, where every family can reach them; the
 * compute family's operations then describe, filter and protect such an interface like any other.
 *
 * What this does not do: choose or validate the address (the caller did, against its subnet) or
 * resolve security groups (the caller passes them; a NAT gateway's interface has none).
 */
import { randomBytes } from "node:crypto";
import type { GroupIdentifier, NetworkInterface, NetworkInterfaceAttachment } from "@aws-sdk/client-ec2";
import { newResourceId, type StorePort } from "../../../core/index.js";
import { allocateAddress, deleteResource, getResource, putResource, type Scope } from "./resource-store.js";

/** The resource type of network interfaces in the store (and in TagSpecifications). */
export const NETWORK_INTERFACE = "network-interface";

/** The stored interface: the API's NetworkInterface (TagSet on output) plus bookkeeping. */
export type NetworkInterfaceDoc = Omit<NetworkInterface, "TagSet"> & {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  AvailabilityZoneId: string;
  /**
   * Bookkeeping, never on the wire: autoPublicIp = the public address came from the Amazon pool
   * (released with the interface); managedBy = the resource of another family that owns a
   * requester-managed interface (it goes away with that resource).
   */
  _cb?: { autoPublicIp?: boolean; managedBy?: string };
};

/** "10.0.0.5" → "ip-10-0-0-5" (EC2's IP-based host names, data/vpc-facts.json group dns). */
export const ipHostLabel = (ipv4: string): string => `ip-${ipv4.replace(/\./g, "-")}`;

/**
 * The private DNS name of an address (data/vpc-facts.json, group dns: ip-private-ipv4-address.ec2.internal
 * in us-east-1, ip-private-ipv4-address.region.compute.internal elsewhere).
 */
export const privateDnsName = (region: string, ipv4: string): string =>
  region === "us-east-1" ? `${ipHostLabel(ipv4)}.ec2.internal` : `${ipHostLabel(ipv4)}.${region}.compute.internal`;

/** A locally administered unicast MAC address (02:…), as EC2 gives its interfaces. */
export const macAddress = (): string => {
  const b = randomBytes(5);
  return ["02", ...[...b].map((x) => x.toString(16).padStart(2, "0"))].join(":");
};

export interface ManagedInterfaceSpec {
  /** The interface id (the caller may have named it already, e.g. in its own document). */
  readonly id?: string;
  readonly subnet: { readonly SubnetId: string; readonly VpcId: string; readonly AvailabilityZoneId: string };
  /** The subnet's zone name as the owner sees it (names are per account, IDs are stored). */
  readonly availabilityZone: string;
  /** The primary private IPv4 address: already validated against the subnet and free. */
  readonly privateIp: string;
  /**
   * As the wire carries it: "nat_gateway", "vpc_endpoint", ... (a real DescribeNetworkInterfaces
   * answer says "nat_gateway", the interface-type filter of
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInterfaces.html
   * lists nat_gateway, while the SDK's enum spells it natGateway).
   */
  readonly interfaceType: string;
  readonly description: string;
  /** The AWS-side principal that created it (RequesterId). */
  readonly requesterId: string;
  /** The resource that owns the interface (nat-…): it goes away with it. */
  readonly managedBy: string;
  readonly groups?: readonly GroupIdentifier[];
  readonly sourceDestCheck?: boolean;
  /** The service's own attachment, if it shows one (it makes the interface in-use). */
  readonly attachment?: NetworkInterfaceAttachment;
}

/**
 * Writes a requester-managed interface owned by the caller's account and takes its address in the subnet with the interface as holder, so that
 * deleting the interface (deleteResource) frees the address. Returns the document, or undefined
 * when the address was taken meanwhile.
 */
export const putManagedInterface = (store: StorePort, scope: Scope, spec: ManagedInterfaceSpec): NetworkInterfaceDoc | undefined => {
  const id = spec.id ?? newResourceId("eni");
  if (!allocateAddress(store, spec.subnet.SubnetId, spec.privateIp, id)) return undefined;
  const dns = privateDnsName(scope.region, spec.privateIp);
  const doc: NetworkInterfaceDoc = {
    ...(spec.attachment ? { Attachment: spec.attachment } : {}),
    AvailabilityZone: spec.availabilityZone,
    AvailabilityZoneId: spec.subnet.AvailabilityZoneId,
    Description: spec.description,
    Groups: [...(spec.groups ?? [])],
    InterfaceType: spec.interfaceType as NetworkInterface["InterfaceType"],
    Ipv6Addresses: [],
    MacAddress: macAddress(),
    NetworkInterfaceId: id,
    OwnerId: scope.accountId,
    PrivateDnsName: dns,
    PrivateIpAddress: spec.privateIp,
    PrivateIpAddresses: [{ Primary: true, PrivateDnsName: dns, PrivateIpAddress: spec.privateIp }],
    Ipv4Prefixes: [],
    RequesterId: spec.requesterId,
    RequesterManaged: true,
    SourceDestCheck: spec.sourceDestCheck ?? true,
    Status: spec.attachment ? "in-use" : "available",
    SubnetId: spec.subnet.SubnetId,
    VpcId: spec.subnet.VpcId,
    _cb: { managedBy: spec.managedBy },
  };
  // Parent = the subnet, as for every interface: DeleteSubnet (and DeleteVpc) see it.
  putResource(store, scope, NETWORK_INTERFACE, id, doc, { parent: spec.subnet.SubnetId });
  return doc;
};

/**
 * Deletes the requester-managed interface that a resource owns, and with it the addresses it
 * holds ("When you delete the resource associated with a requester-managed network interface, the
 * AWS service detaches the network interface and deletes it", requester-managed-eni.html). An
 * interface that the resource does not own is left alone.
 */
export const deleteManagedInterface = (store: StorePort, scope: Scope, eniId: string, owner: string): void => {
  const eni = getResource<NetworkInterfaceDoc>(store, scope, NETWORK_INTERFACE, eniId, { owned: true });
  if (eni?._cb?.managedBy === owner) deleteResource(store, eniId);
};
