// The policy pack as the Pulumi CLI loads it (`pulumi preview --policy-pack policy`).
// Constructing PolicyPack starts a gRPC server: nothing else may import this file.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, packEnforcementLevel, packName } from "./allPolicies";
import { withStrictConfig } from "./lib/strictConfig";

new PolicyPack(packName, {
    policies: allPolicies.map(withStrictConfig),
    enforcementLevel: packEnforcementLevel,
    description: "Enforces the rocketchat-ha high-availability design: see docs/policies.md.",
});
