// Unknown config keys under the CLI: withStrictConfig makes a policy refuse
// them before it validates anything.
import { strict as assert } from "assert";
import { pinnedImages } from "../policies/pinnedImages";
import { replicasWithinNodes } from "../policies/replicasWithinNodes";
import { ResourceValidationPolicy, StackValidationPolicy } from "./policyTypes";
import { withStrictConfig } from "./strictConfig";

describe("policy pack: unknown config keys under the CLI (withStrictConfig)", () => {
    // The CLI validates policy config only against properties/required, so an unknown key reaches the policy.
    const stackArgs = (config: object) => ({ getConfig: () => config, resources: [] }) as any;

    it("a stack policy refuses a misspelled key before validating, and runs with a valid one", () => {
        const strict = withStrictConfig(replicasWithinNodes) as StackValidationPolicy;
        assert.throws(() => strict.validateStack(stackArgs({ schedulableNode: 3 }), () => undefined),
            /replicas-within-schedulable-nodes\.schedulableNode is not a setting of this policy \(known: schedulableNodes\)/);
        strict.validateStack(stackArgs({ schedulableNodes: 3 }), () => undefined);
    });

    it("a resource policy without a schema refuses any key", () => {
        const strict = withStrictConfig(pinnedImages) as ResourceValidationPolicy;
        const validators = [strict.validateResource].flat();
        assert.ok(validators.length > 0);
        const args = { getConfig: () => ({ allowLatest: true }), type: "kubernetes:core/v1:ConfigMap", props: {}, urn: "u", name: "n" } as any;
        for (const validate of validators) {
            assert.throws(() => validate!(args, () => undefined), /pinned-images\.allowLatest is not a setting of this policy \(known: none\)/);
        }
    });
});
