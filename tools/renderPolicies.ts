/**
 * The one place the render applies the policy pack: evaluatePolicies() from
 * policy/offline.ts, fed by that module's own converter. It is required
 * lazily and its absence (a checkout without the pack) is reported, not fatal.
 */
import { existsSync } from "fs";
import * as path from "path";
import type { DeclaredResource } from "./mockRuntime";
import type { PolicyViolation } from "../policy/offline";
import { projectRoot } from "./stackConfig";

export type { PolicyViolation };

export type PolicyOutcome =
    | { readonly applied: true; readonly violations: PolicyViolation[] }
    | { readonly applied: false; readonly reason: string };

export const offlinePolicyModule = path.join(projectRoot, "policy", "offline.ts");

export function policyPackAvailable(): boolean {
    return existsSync(offlinePolicyModule);
}

/** Policies see the unredacted inputs, as they would in a real preview. */
export async function applyPolicyPack(resources: readonly DeclaredResource[], stack: string): Promise<PolicyOutcome> {
    if (!policyPackAvailable()) {
        return { applied: false, reason: `${path.relative(projectRoot, offlinePolicyModule)} does not exist` };
    }
    const pack: typeof import("../policy/offline") = require(offlinePolicyModule);
    const violations = await pack.evaluatePolicies(pack.toPolicyResources(resources, stack), stack);
    return { applied: true, violations };
}
