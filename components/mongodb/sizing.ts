import { parseQuantity } from "../validators";

const GiB = 2 ** 30;

/**
 * WiredTiger cache for a memory limit, following mongod's own default of
 * max(0.25 GB, 50% of (RAM - 1 GB)). mongod reads the host's RAM, not the
 * container limit, so it must be told; two decimals are plenty.
 */
export function wiredTigerCacheGb(memoryLimit: string): number {
    const bytes = parseQuantity(memoryLimit);
    if (bytes === undefined) {
        throw new Error(`not a memory quantity: ${memoryLimit}`);
    }
    const gb = Math.max(0.25, 0.5 * (bytes / GiB - 1));
    return Math.floor(gb * 100) / 100;
}

/** DNS name of each member through the headless Service. */
export function memberHosts(statefulSet: string, headlessService: string, namespace: string, clusterDomain: string, members: number): string[] {
    return Array.from({ length: members }, (_, i) => `${statefulSet}-${i}.${headlessService}.${namespace}.svc.${clusterDomain}:27017`);
}
