// The policy pack's per-stack config against the program's stack settings it
// mirrors. The pack's own tests (runner, structure, each policy) live next to
// it in policy/ (policy/offline.test.ts, policy/policies/*.test.ts).
import { strict as assert } from "assert";
import { readdirSync } from "fs";
import { loadStackConfig, knownStacks } from "../tools/stackConfig";
import { loadPolicyConfig, policyConfigDir } from "../policy/offline";

describe("policy pack: configuration", () => {
    it("has a policy config for every stack, and its node count matches the stack's", () => {
        for (const stack of knownStacks()) {
            const config = loadPolicyConfig(stack);
            const stackNodes = Number(loadStackConfig(stack).values["rocketchat-ha:schedulableNodes"]);
            assert.equal(config.get("replicas-within-schedulable-nodes")!.properties.schedulableNodes, stackNodes, `${stack}: schedulableNodes differs between Pulumi.${stack}.yaml and policy/config/${stack}.json`);
            const stackZones = Number(loadStackConfig(stack).values["rocketchat-ha:topologyZones"]);
            assert.equal(config.get("mongodb-zone-spread")!.properties.zones, stackZones, `${stack}: topologyZones differs between Pulumi.${stack}.yaml and policy/config/${stack}.json`);
        }
        assert.deepEqual(readdirSync(policyConfigDir).sort(), knownStacks().map((stack) => `${stack}.json`).sort());
    });
});
