/**
 * Zone arithmetic for the `topologyZones` setting: how the scheduler spreads
 * pods over zones under `topologySpreadConstraints` with maxSkew 1 and
 * whenUnsatisfiable DoNotSchedule, and what that means for a majority.
 *
 * Scheduler rule (kubernetes/pkg/scheduler/framework/plugins/podtopologyspread,
 * filtering.go): a pod may go to a zone only if, after placing it, the zone's
 * matching pods minus the fewest matching pods of any eligible zone is at most
 * maxSkew. With maxSkew 1 the zones' counts therefore differ by at most one.
 */

/** The well-known zone label (k8s.io/api/core/v1 LabelTopologyZone). */
export const zoneTopology = "topology.kubernetes.io/zone";

/** The most of `pods` one zone holds when they spread over `zones` with maxSkew 1. */
export function largestZoneShare(pods: number, zones: number): number {
    return Math.ceil(pods / zones);
}

/** Votes a replica set of `members` voting members needs to elect a primary. */
export function majorityOf(members: number): number {
    return Math.floor(members / 2) + 1;
}

/** True when losing the zone with the most members still leaves a majority. */
export function survivesLosingAZone(members: number, zones: number): boolean {
    return members - largestZoneShare(members, zones) >= majorityOf(members);
}

/**
 * Nodes per zone when `nodes` spread as evenly as their count allows (five over
 * three zones: 2+2+1). The settings' capacity checks assume this shape; the
 * README says so.
 */
export function evenZoneSizes(nodes: number, zones: number): number[] {
    return Array.from({ length: zones }, (_, zone) => Math.floor(nodes / zones) + (zone < nodes % zones ? 1 : 0));
}

/**
 * Whether one more pod can be placed, one pod per node, without breaking
 * maxSkew 1: some zone with the fewest pods (counting zones with nodes) must
 * have a free node. `counts[i]` pods run on `sizes[i]` nodes.
 */
export function canPlaceOneMore(sizes: readonly number[], counts: readonly number[]): boolean {
    const fewest = Math.min(...counts);
    return sizes.some((size, zone) => counts[zone] + 1 - fewest <= 1 && counts[zone] < size);
}

/** Places `pods` one at a time as the scheduler would; undefined when one stays Pending. */
export function placeOneByOne(sizes: readonly number[], pods: number): number[] | undefined {
    const counts = sizes.map(() => 0);
    for (let pod = 0; pod < pods; pod++) {
        const fewest = Math.min(...counts);
        // Only a zone at the fewest count keeps the skew within 1.
        const zone = sizes.findIndex((size, i) => counts[i] === fewest && counts[i] < size);
        if (zone < 0) {
            return undefined;
        }
        counts[zone]++;
    }
    return counts;
}
