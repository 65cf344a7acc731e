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

/**
 * mongod accepts --wiredTigerCacheSizeGB from 0.25 to 10000
 * (storage.wiredTiger.engineConfig.cacheSizeGB, validator gte 0.25 / lte 10000
 * in mongo's src/mongo/db/storage/wiredtiger/wiredtiger_global_options.idl).
 */
export const wiredTigerCacheLimitsGb = { min: 0.25, max: 10000 } as const;

/**
 * The smallest memory limit we run a mongod under: the minimum cache (0.25 GB)
 * plus 0.75 GiB for everything outside the cache (connections at about 1 MB
 * each, in-memory sorts up to 100 MB, the mongosh probes that run in the
 * same container at 100+ MB each, the restore tools beside the verification
 * mongod). Below it the limit OOM-kills mongod instead of constraining it.
 */
export const minimumMongodMemory = "1Gi";

/** Undefined when mongod can run under `memoryLimit` with the cache wiredTigerCacheGb gives it, else what is allowed. */
export function mongodMemoryProblem(memoryLimit: string): string | undefined {
    const bytes = parseQuantity(memoryLimit);
    const floor = parseQuantity(minimumMongodMemory)!;
    if (bytes === undefined || bytes < floor) {
        return `at least ${minimumMongodMemory}: mongod's smallest WiredTiger cache is ${wiredTigerCacheLimitsGb.min} GB and needs about 0.75 GiB beside it`;
    }
    const cacheGb = wiredTigerCacheGb(memoryLimit);
    if (cacheGb > wiredTigerCacheLimitsGb.max) {
        const ceilingGi = 2 * wiredTigerCacheLimitsGb.max + 1;
        return `at most ${ceilingGi}Gi: it would give a WiredTiger cache of ${cacheGb} GB, above mongod's maximum of ${wiredTigerCacheLimitsGb.max}`;
    }
    return undefined;
}

/** DNS name of each member through the headless Service. */
export function memberHosts(statefulSet: string, headlessService: string, namespace: string, clusterDomain: string, members: number): string[] {
    return Array.from({ length: members }, (_, i) => `${statefulSet}-${i}.${headlessService}.${namespace}.svc.${clusterDomain}:27017`);
}
