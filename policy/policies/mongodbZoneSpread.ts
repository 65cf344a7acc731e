/**
 * One member per node survives a node, not a zone: two of three members can
 * still share a zone, and losing it loses the majority and every write. When
 * the stack says its nodes spread over zones (this policy's `zones`, equal to
 * rocketchat-ha:topologyZones), a stateful majority workload (the MongoDB
 * StatefulSet) must carry a topologySpreadConstraint on
 * topology.kubernetes.io/zone with maxSkew 1 and whenUnsatisfiable
 * DoNotSchedule that selects its own pods, and its member count spread that
 * way must leave a majority outside the largest zone. ScheduleAnyway is a
 * preference the scheduler drops when a zone is short of nodes.
 *
 * The constraint must also say `minDomains: zones`: without it, once a zone's
 * nodes are gone the scheduler counts only the zones that still have nodes
 * and a replacement member piles onto one of them (2+1), which then holds a
 * majority. And no nodeSelector may name the zone label: it narrows the
 * nodes the spread counts to one zone (nodeAffinityPolicy Honor), so every
 * member lands there while the constraint looks satisfied (Kubernetes docs,
 * "Pod Topology Spread Constraints").
 */
import { isMongoStatefulSet } from "../lib/haWorkloads";
import { selectorMatches } from "../lib/labelSelectors";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { validateWorkloads } from "../lib/workloads";
import { largestZoneShare, majorityOf, survivesLosingAZone, zoneTopology } from "../lib/zoneMajority";

export interface ZoneSpreadConfig {
    /** Zones the stack's nodes spread over; 0 when the stack has no zones. */
    zones: number;
}

const fix = "set rocketchat-ha:topologyZones to the number of zones (3 or more); the program then adds " +
    `topologySpreadConstraints [{maxSkew: 1, topologyKey: ${zoneTopology}, whenUnsatisfiable: DoNotSchedule, labelSelector: the workload's selector}] to spec.template.spec.`;

export const mongodbZoneSpread: ResourceValidationPolicy = {
    name: "mongodb-zone-spread",
    description: "When the stack's nodes spread over zones, the MongoDB StatefulSet spreads its members over them (topologySpreadConstraints on topology.kubernetes.io/zone, maxSkew 1, DoNotSchedule, selecting its own pods) so that no zone holds a majority.",
    configSchema: {
        properties: {
            zones: { type: "integer", minimum: 0, default: 0, description: "Zones the nodes spread over; keep equal to rocketchat-ha:topologyZones (0: no zones, nothing to check)." },
        },
    },
    validateResource: validateWorkloads((workload, report, args) => {
        const { zones } = args.getConfig<ZoneSpreadConfig>();
        if (zones === 0 || !isMongoStatefulSet(workload)) {
            return;
        }
        const members = workload.replicas;
        if (zones < 3) {
            report(violation(
                `${workload.title} runs over ${zones} zone(s): one zone then holds ${largestZoneShare(members, zones)} of ${members} members, and losing it loses the majority (${majorityOf(members)}) and every write.`,
                "spread the nodes over a third zone (a third site) and set zones and rocketchat-ha:topologyZones to 3 or more.",
            ));
            return;
        }
        const constraints = workload.template.spec.topologySpreadConstraints ?? [];
        const spreading = constraints.find((c) =>
            c.topologyKey === zoneTopology && c.maxSkew === 1 && c.whenUnsatisfiable === "DoNotSchedule" && selectorMatches(c.labelSelector, workload.template.labels));
        if (!spreading) {
            const onZone = constraints.filter((c) => c.topologyKey === zoneTopology);
            const problem = onZone.length === 0
                ? `has no topologySpreadConstraint on ${zoneTopology}`
                : `has a ${zoneTopology} constraint ${JSON.stringify(onZone[0])} that is not maxSkew 1 with DoNotSchedule selecting its own pods ${JSON.stringify(workload.template.labels)}`;
            report(violation(
                `${workload.title} ${problem}, so on ${zones} zones a majority of its members can land in one zone and losing that zone stops every write.`,
                fix,
            ));
        }
        if (spreading && spreading.minDomains !== zones) {
            report(violation(
                `${workload.title}'s ${zoneTopology} constraint has minDomains ${spreading.minDomains ?? "unset"}, not ${zones}: when a zone loses its nodes the spread counts only the zones left and members pile up in one of them, which then holds a majority.`,
                `set minDomains: ${zones} on the constraint (the program does, from rocketchat-ha:topologyZones).`,
            ));
        }
        const pinnedZone = workload.template.spec.nodeSelector?.[zoneTopology];
        if (pinnedZone !== undefined) {
            report(violation(
                `${workload.title} selects nodes with ${zoneTopology}=${pinnedZone}: every member lands in that zone (the spread counts only the selected nodes), and losing it loses every member.`,
                `remove ${zoneTopology} from the nodeSelector (rocketchat-ha:podPlacement all/mongodb).`,
            ));
        }
        if (!survivesLosingAZone(members, zones)) {
            report(violation(
                `${workload.title} runs ${members} member(s) over ${zones} zones: the largest zone holds ${largestZoneShare(members, zones)}, a majority is ${majorityOf(members)}, so losing that zone stops every write.`,
                "run 3, 5 or 7 members (rocketchat-ha:mongodbMembers).",
            ));
        }
    }),
};
