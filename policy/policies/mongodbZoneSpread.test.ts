// Policy mongodb-zone-spread (mongodbZoneSpread.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation } from "../testing/assertions";
import { compliantObjects, messagesOf, mongoStatefulSet, rocketChatDeployment } from "../testing/fixtures";
import { mongodbZoneSpread } from "./mongodbZoneSpread";

describe("policy mongodb-zone-spread", () => {
    const zoneSpec = (sts: Record<string, any>) => sts.spec.template.spec;

    it("accepts members spread over 3 zones with maxSkew 1 and DoNotSchedule selecting their own pods", async () => {
        assert.deepEqual(await messagesOf(mongodbZoneSpread, compliantObjects(), { zones: 3 }), []);
    });

    it("checks nothing when the stack has no zones", async () => {
        const sts = mongoStatefulSet();
        delete zoneSpec(sts).topologySpreadConstraints;
        assert.deepEqual(await messagesOf(mongodbZoneSpread, [sts], { zones: 0 }), []);
    });

    it("reports a StatefulSet without a zone constraint when the stack has zones", async () => {
        const sts = mongoStatefulSet();
        delete zoneSpec(sts).topologySpreadConstraints;
        assertOneViolation(await messagesOf(mongodbZoneSpread, [sts], { zones: 3 }),
            /StatefulSet chat\/rocketchat-mongodb has no topologySpreadConstraint on topology\.kubernetes\.io\/zone, so on 3 zones a majority of its members can land in one zone/,
            /rocketchat-ha:topologyZones/);
    });

    it("reports a soft (ScheduleAnyway) zone constraint and one that selects other pods", async () => {
        const soft = mongoStatefulSet();
        zoneSpec(soft).topologySpreadConstraints[0].whenUnsatisfiable = "ScheduleAnyway";
        assertOneViolation(await messagesOf(mongodbZoneSpread, [soft], { zones: 3 }), /is not maxSkew 1 with DoNotSchedule selecting its own pods/);
        const other = mongoStatefulSet();
        zoneSpec(other).topologySpreadConstraints[0].labelSelector = { matchLabels: { "app.kubernetes.io/name": "mongo" } };
        assertOneViolation(await messagesOf(mongodbZoneSpread, [other], { zones: 3 }), /is not maxSkew 1 with DoNotSchedule selecting its own pods/);
    });

    it("reports a zone constraint without minDomains equal to the zones (members pile up when a zone's nodes are gone)", async () => {
        const sts = mongoStatefulSet();
        delete zoneSpec(sts).topologySpreadConstraints[0].minDomains;
        assertOneViolation(await messagesOf(mongodbZoneSpread, [sts], { zones: 3 }), /minDomains unset, not 3: when a zone loses its nodes/, /minDomains: 3/);
    });

    it("reports members pinned to one zone by a nodeSelector", async () => {
        const sts = mongoStatefulSet();
        zoneSpec(sts).nodeSelector = { "topology.kubernetes.io/zone": "eu-1a" };
        assertOneViolation(await messagesOf(mongodbZoneSpread, [sts], { zones: 3 }), /selects nodes with topology\.kubernetes\.io\/zone=eu-1a: every member lands in that zone/);
    });

    it("reports 2 zones, which cannot keep a majority through the loss of either", async () => {
        assertOneViolation(await messagesOf(mongodbZoneSpread, [mongoStatefulSet()], { zones: 2 }),
            /runs over 2 zone\(s\): one zone then holds 2 of 3 members, and losing it loses the majority \(2\)/, /third zone/);
    });

    it("reports a member count whose largest zone share is a majority", async () => {
        assertOneViolation(await messagesOf(mongodbZoneSpread, [mongoStatefulSet(1)], { zones: 3 }),
            /runs 1 member\(s\) over 3 zones: the largest zone holds 1, a majority is 1/);
    });

    it("leaves the Rocket.Chat Deployment to the anti-affinity rules (stateless: any pod serves)", async () => {
        const deployment = rocketChatDeployment();
        assert.deepEqual(await messagesOf(mongodbZoneSpread, [deployment], { zones: 3 }), []);
    });
});
