import { strict as assert } from "assert";
import { rollingUpdateFor } from "../components/rocketchat/rolloutStrategy";
import { canPlaceOneMore, evenZoneSizes, largestZoneShare, majorityOf, placeOneByOne, survivesLosingAZone, zoneTopology } from "../components/zones";
import { builtStack } from "./support/platformBuild";
import { configErrorFor, settingsFor } from "./support/settings";

describe("zones (topologyZones)", () => {
    describe("arithmetic", () => {
        it("losing the largest zone leaves a majority for 3, 5 and 7 members over 3 or more zones", () => {
            for (const members of [3, 5, 7]) {
                for (let zones = 3; zones <= 7; zones++) {
                    assert.ok(survivesLosingAZone(members, zones), `${members} over ${zones}`);
                }
            }
        });

        it("never over 2 zones, and never with one member", () => {
            for (const members of [1, 3, 5, 7]) {
                assert.equal(survivesLosingAZone(members, 2), false, `${members} over 2`);
            }
            assert.equal(survivesLosingAZone(1, 3), false);
            assert.equal(largestZoneShare(3, 2), 2);
            assert.equal(majorityOf(3), 2);
        });

        it("spreads five nodes over three zones as 2+2+1", () => {
            assert.deepEqual(evenZoneSizes(5, 3), [2, 2, 1]);
        });

        it("one pod per node over evenly spread nodes places every count up to the node count (so fitsOnNodes covers capacity)", () => {
            for (let zones = 3; zones <= 5; zones++) {
                for (let nodes = zones; nodes <= 12; nodes++) {
                    const sizes = evenZoneSizes(nodes, zones);
                    for (let pods = 0; pods <= nodes; pods++) {
                        const counts = placeOneByOne(sizes, pods);
                        assert.ok(counts, `${pods} pods on ${sizes.join("+")}`);
                        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
                    }
                    assert.equal(placeOneByOne(sizes, nodes + 1), undefined);
                }
            }
        });

        it("unevenly spread nodes can leave a pod Pending below the node count (why the README asks for an even spread)", () => {
            assert.equal(placeOneByOne([3, 1, 1], 5), undefined);
            assert.deepEqual(placeOneByOne([3, 1, 1], 4), [2, 1, 1]);
        });
    });

    describe("the rollout strategy still holds with zones", () => {
        it("a surge pod finds a node within maxSkew 1 whenever the strategy surges, and a replacement always takes the freed node", () => {
            for (let zones = 3; zones <= 5; zones++) {
                for (let nodes = zones; nodes <= 10; nodes++) {
                    const sizes = evenZoneSizes(nodes, zones);
                    for (let mostPods = 1; mostPods <= nodes; mostPods++) {
                        const r = rollingUpdateFor({ mostPods, schedulableNodes: nodes, antiAffinity: "required", disruptionBudgetMaxUnavailable: 1 });
                        const counts = placeOneByOne(sizes, mostPods)!;
                        if (r.maxSurge > 0) {
                            assert.ok(canPlaceOneMore(sizes, counts), `surge of ${mostPods} on ${sizes.join("+")}`);
                        } else {
                            // Whichever zone the Deployment controller removes a pod from, the replacement fits.
                            for (let zone = 0; zone < zones; zone++) {
                                if (counts[zone] === 0) {
                                    continue;
                                }
                                const after = counts.map((c, i) => (i === zone ? c - 1 : c));
                                assert.ok(canPlaceOneMore(sizes, after), `replace in zone ${zone} of ${mostPods} on ${sizes.join("+")}`);
                            }
                        }
                    }
                }
            }
        });
    });

    describe("settings", () => {
        it("prod spreads over three zones", () => {
            assert.equal(settingsFor("prod").topologyZones, 3);
            assert.equal(settingsFor("dev").topologyZones, 0);
        });

        const refusals: [Record<string, unknown>, RegExp][] = [
            [{ topologyZones: 2 }, /rocketchat-ha:topologyZones = 2: must be 0 \(off\) or at least 3: a replica set over 2 zones cannot survive losing the zone that holds the majority of its members \(with mongodbMembers 3, one zone holds 2 members and a majority is 2\).*third site \(a third zone, or an arbiter there/],
            [{ topologyZones: 1 }, /rocketchat-ha:topologyZones = 1: must be 0 \(off\) or at least 3: one zone has nothing to spread over/],
            [{ mongodbMembers: 1, schedulableNodes: 5 }, /rocketchat-ha:mongodbMembers = 1: must be a count whose largest zone share stays below a majority over topologyZones \(3\): 1 member\(s\) put 1 in one zone and a majority is 1/],
            [{ topologyZones: 7 }, /rocketchat-ha:schedulableNodes = 5: must be at least topologyZones \(7\): each zone needs a node/],
            [{ topologyZones: "three" }, /rocketchat-ha:topologyZones = "three": must be a whole number from 0 to 64/],
        ];
        for (const [overrides, message] of refusals) {
            it(`refuses ${JSON.stringify(overrides)}`, () => {
                assert.match(configErrorFor("prod", overrides), message);
            });
        }

        it("accepts 3 and 5 members over 3 to 5 zones", () => {
            settingsFor("prod", { topologyZones: 5, mongodbMembers: 5 });
            settingsFor("prod", { topologyZones: 4 });
        });
    });

    describe("rendered placement", () => {
        const podSpecs = async (overrides: Record<string, unknown> = {}) => {
            const run = builtStack("prod", overrides);
            const sts = run.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!.inputs;
            const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "rocketchat")!.inputs;
            return { mongodb: sts.spec.template.spec, rocketchat: deployment.spec.template.spec, selectors: { mongodb: sts.spec.selector.matchLabels, rocketchat: deployment.spec.selector.matchLabels } };
        };

        it("prod spreads members and Rocket.Chat pods over zones (maxSkew 1, DoNotSchedule) as well as one per node", async () => {
            const specs = await podSpecs();
            for (const workload of ["mongodb", "rocketchat"] as const) {
                const spec = specs[workload];
                assert.deepEqual(spec.topologySpreadConstraints, [{
                    maxSkew: 1, topologyKey: zoneTopology, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: specs.selectors[workload] },
                    // Members only: a zone that lost its nodes still counts (podShapes.ts countLostZones).
                    ...(workload === "mongodb" ? { minDomains: 3 } : {}),
                }], workload);
                assert.equal(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname", workload);
            }
        });

        it("with zones off there is no zone constraint", async () => {
            const specs = await podSpecs({ topologyZones: 0 });
            assert.equal(specs.mongodb.topologySpreadConstraints, undefined);
            assert.equal(specs.rocketchat.topologySpreadConstraints, undefined);
        });
    });
});

describe("zone spread that survives a lost zone (issue 24, finding 8)", () => {
    const spreadOf = (objects: any[], kind: string) => objects.find((o) => o.kind === kind && /rocketchat(-mongodb)?$/.test(o.metadata.name)).spec.template.spec.topologySpreadConstraints;

    it("the members count a zone that lost its nodes (minDomains = topologyZones); Rocket.Chat pods do not (stateless: better placed than Pending)", () => {
        const objects = builtStack("prod").resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
        assert.equal(spreadOf(objects, "StatefulSet")[0].minDomains, 3);
        assert.equal(spreadOf(objects, "Deployment")[0].minDomains, undefined);
    });

    it("a nodeSelector on the zone label for the members is refused while zones are on", () => {
        const message = configErrorFor("prod", { podPlacement: { mongodb: { nodeSelector: { [zoneTopology]: "eu-1a" } } } });
        assert.match(message, /rocketchat-ha:podPlacement = \{"mongodb":\{"nodeSelector":\{"topology\.kubernetes\.io\/zone":"eu-1a"\}\}\}: must be no topology\.kubernetes\.io\/zone in mongodb\.nodeSelector/);
        assert.match(configErrorFor("prod", { podPlacement: { all: { nodeSelector: { [zoneTopology]: "eu-1a" } } } }), /in all\.nodeSelector/);
        settingsFor("prod", { podPlacement: { rocketchat: { nodeSelector: { [zoneTopology]: "eu-1a" } } } });
        settingsFor("dev", { podPlacement: { mongodb: { nodeSelector: { [zoneTopology]: "eu-1a" } } } });
    });
});
