// The shape of the pack itself: names, descriptions, reserved settings, and
// that only index.ts constructs the PolicyPack.
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { allPolicies } from "./allPolicies";

const policyRoot = __dirname;

describe("policy pack: structure", () => {
    it("has uniquely named policies, each with a description a reviewer can read", () => {
        const names = allPolicies.map((policy) => policy.name);
        assert.equal(new Set(names).size, names.length);
        for (const policy of allPolicies) {
            assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(policy.description.length > 60, `${policy.name}: description too short`);
            assert.ok(!("enforcementLevel" in (policy.configSchema?.properties ?? {})), `${policy.name}: enforcementLevel is reserved`);
        }
    });

    it("constructs the PolicyPack only in policy/index.ts (construction starts a gRPC server)", () => {
        const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
            entry.name === "node_modules" ? [] : entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : []);
        const constructing = sources(policyRoot).filter((file) => /new\s+PolicyPack\s*\(/.test(readFileSync(file, "utf8")));
        assert.deepEqual(constructing, [path.join(policyRoot, "index.ts")]);
    });
});
