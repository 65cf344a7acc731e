/**
 * Zone arithmetic for the `topologyZones` setting beyond the majority rule
 * (policy/lib/zoneMajority.ts, shared with the policy pack): how one pod per
 * node spreads over zones under topologySpreadConstraints with maxSkew 1 and
 * whenUnsatisfiable DoNotSchedule.
 */
export { largestZoneShare, majorityOf, survivesLosingAZone, zoneTopology } from "../policy/lib/zoneMajority";

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
