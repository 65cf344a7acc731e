// The policy pack's per-stack values that mirror a setting (policy/config/<stack>.json)
// follow the setting's definition and the stack's value.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { allPolicies } from "../policy/allPolicies";
import { settingDefinitions } from "../components/settingDefinitions";
import { DefaultedSettingName, settingDefault } from "../components/settings";
import { mirroredSettings, policyConfigFile, withMirroredSettings } from "../tools/policyConfigMirrors";
import { knownStacks } from "../tools/stackConfig";

describe("settings mirrored in the policy pack's config", () => {
    it("are the node count and the zone count", () => {
        assert.deepEqual(mirroredSettings.map(({ name, mirror }) => `${name} -> ${mirror.policy}.${mirror.property}`), [
            "schedulableNodes -> replicas-within-schedulable-nodes.schedulableNodes",
            "topologyZones -> mongodb-zone-spread.zones",
        ]);
    });

    it("policy/config/<stack>.json holds each stack's value (run npm run docs:config)", () => {
        for (const stack of knownStacks()) {
            const text = readFileSync(policyConfigFile(stack), "utf8");
            assert.equal(text, withMirroredSettings(stack, text), `policy/config/${stack}.json`);
        }
    });

    it("a stack value the policy config has not followed is found and rewritten, the rest of the file kept", () => {
        const text = readFileSync(policyConfigFile("prod"), "utf8");
        const regenerated = JSON.parse(withMirroredSettings("prod", text, { schedulableNodes: 6, topologyZones: 0 }));
        assert.notEqual(withMirroredSettings("prod", text, { schedulableNodes: 6 }), text);
        assert.deepEqual(regenerated["replicas-within-schedulable-nodes"], { schedulableNodes: 6 });
        assert.deepEqual(regenerated["mongodb-zone-spread"], { zones: 0 });
        assert.deepEqual(Object.keys(regenerated), Object.keys(JSON.parse(text)));
        assert.equal(regenerated.all, "mandatory");
        // A policy given only a level keeps it; a missing one gets an entry.
        const levelsOnly = JSON.parse(withMirroredSettings("dev", JSON.stringify({ "replicas-within-schedulable-nodes": "advisory" })));
        assert.deepEqual(levelsOnly, { "replicas-within-schedulable-nodes": { enforcementLevel: "advisory", schedulableNodes: 1 }, "mongodb-zone-spread": { zones: 0 } });
    });

    it("each mirror is a property of a policy in the pack, of the setting's type and with the setting's default", () => {
        for (const { name, mirror } of mirroredSettings) {
            const policy = allPolicies.find((p) => p.name === mirror.policy);
            assert.ok(policy, `${name}: the pack has a policy ${mirror.policy}`);
            const property = (policy.configSchema?.properties as Record<string, { type?: string; default?: unknown }> | undefined)?.[mirror.property];
            assert.ok(property, `${name}: ${mirror.policy} has a config property ${mirror.property}`);
            assert.equal(property.type, settingDefinitions[name as keyof typeof settingDefinitions].type, name);
            assert.deepEqual(property.default, settingDefault(name as DefaultedSettingName), name);
        }
    });
});
