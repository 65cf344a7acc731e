/**
 * Whether a replica set spread over zones keeps a majority when one zone is
 * lost. Lives in the pack (which must stand alone when published) and is
 * imported by the program's settings checks (components/zones.ts), so both
 * judge a layout the same way.
 *
 * Scheduler rule (kubernetes/pkg/scheduler/framework/plugins/podtopologyspread,
 * filtering.go): a pod may go to a zone only if, after placing it, that zone's
 * matching pods minus the fewest of any eligible zone is at most maxSkew. With
 * maxSkew 1 the zones' counts differ by at most one, so the largest zone holds
 * ceil(pods / zones).
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
