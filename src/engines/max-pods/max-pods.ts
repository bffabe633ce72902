/**
 * How many pods fit on an EKS node of an instance type, the way the EKS tooling computes it.
 *
 * - The table value (amazon-vpc-cni-k8s `misc/eni-max-pods.txt`, what a node gets by default):
 *   ENIs on the default network card × (IPv4 addresses per ENI − 1) + 2. Never capped.
 *   https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html
 * - The max-pods calculator (amazon-eks-ami `max-pods-calculator.sh`) uses the same inputs, with
 *   prefix delegation (Nitro only, VPC CNI 1.9.0 or later) each secondary address slot holds a
 *   /28 prefix of 16 addresses: ENIs × ((IPv4 per ENI − 1) × 16) + 2; custom networking leaves
 *   the primary ENI out; then it caps at 110 for ≤ 30 vCPUs and 250 above, unless asked for the
 *   maximum allowed. Bare-metal types report no hypervisor, so they never get prefix delegation.
 *
 * Pure: the instance type's limits come in as data (data/instance-network-limits.json).
 */
export interface InstanceNetworkLimits {
  enis: number;
  /** ENIs on the default network card: what the formula uses on multi-card types. */
  enisDefaultCard: number;
  ipv4PerEni: number;
  hypervisor?: "nitro" | "xen";
  bareMetal?: boolean;
  vcpus?: number;
}

export interface MaxPodsOptions {
  prefixDelegation?: boolean;
  /** VPC CNI version, e.g. "1.18.3"; prefix delegation needs 1.9.0 or later. Default: a current one. */
  cniVersion?: string;
  customNetworking?: boolean;
  /** Apply the calculator's 110/250 ceiling. */
  cap?: boolean;
}

export interface MaxPodsResult {
  instanceType: string;
  enis: number;
  ipv4PerEni: number;
  vcpus: number | undefined;
  hypervisor: string | undefined;
  prefixDelegation: boolean;
  /** Before the ceiling. */
  uncapped: number;
  /** The ceiling applied, when capping was asked for and the vCPU count is known. */
  ceiling: number | undefined;
  maxPods: number;
  /** Why a requested option did not apply. */
  notes: string[];
}

export const IPS_PER_PREFIX = 16;
const CEILING_LOW_CPU = 110;
const CEILING_HIGH_CPU = 250;
const LOW_CPU_LIMIT = 30;

/** Parses "1.9.0", "v1.12.6-eksbuild.2" into [major, minor]. */
export const parseCniVersion = (version: string): [number, number] | undefined => {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

const supportsPrefixDelegation = (version: string | undefined): boolean => {
  if (version === undefined) return true;
  const parsed = parseCniVersion(version);
  if (!parsed) throw new RangeError(`invalid VPC CNI version: ${version}`);
  const [major, minor] = parsed;
  return major > 1 || (major === 1 && minor >= 9);
};

export const maxPods = (instanceType: string, limits: InstanceNetworkLimits, options: MaxPodsOptions = {}): MaxPodsResult => {
  const notes: string[] = [];
  const enis = options.customNetworking ? limits.enisDefaultCard - 1 : limits.enisDefaultCard;
  let prefixDelegation = false;
  if (options.prefixDelegation) {
    if (limits.hypervisor !== "nitro") notes.push(`prefix delegation needs a Nitro instance type (${instanceType} reports ${limits.hypervisor ?? "no hypervisor"})`);
    else if (!supportsPrefixDelegation(options.cniVersion)) notes.push(`prefix delegation needs VPC CNI 1.9.0 or later (given ${options.cniVersion})`);
    else prefixDelegation = true;
  }
  const slots = limits.ipv4PerEni - 1;
  const uncapped = prefixDelegation ? enis * (slots * IPS_PER_PREFIX) + 2 : enis * slots + 2;
  let ceiling: number | undefined;
  if (options.cap) {
    if (limits.vcpus === undefined) notes.push(`no vCPU count is known for ${instanceType}, so no ceiling applies`);
    else ceiling = limits.vcpus > LOW_CPU_LIMIT ? CEILING_HIGH_CPU : CEILING_LOW_CPU;
  }
  return {
    instanceType,
    enis,
    ipv4PerEni: limits.ipv4PerEni,
    vcpus: limits.vcpus,
    hypervisor: limits.hypervisor,
    prefixDelegation,
    uncapped,
    ceiling,
    maxPods: ceiling === undefined ? uncapped : Math.min(ceiling, uncapped),
    notes,
  };
};
