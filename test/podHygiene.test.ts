/**
 * Properties every pod of every stack shares: ingress isolation by default,
 * and ephemeral storage bounded so a pod is neither evicted for its own
 * scratch space nor able to fill a node's disk.
 */
import { strict as assert } from "assert";
import { findObject, kubernetesObjects } from "../tools/resourceList";
import { parseQuantity } from "../components/validators";
import { builtStack } from "./support/platformBuild";
import { containersOf, podTemplates, stacks } from "./support/stacks";

describe("every pod", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            it("is selected by the default-deny ingress policy, which admits nothing", async () => {
                const run = builtStack(stack);
                const policy = findObject(run, "NetworkPolicy", "rocketchat-default-deny-ingress");
                assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
                assert.equal(policy.spec.ingress, undefined, "no rule: nothing admitted by this policy");
                const selector: Record<string, string> = policy.spec.podSelector.matchLabels;
                const templates = podTemplates(kubernetesObjects(run));
                assert.ok(templates.length >= 4);
                for (const template of templates) {
                    const selected = Object.entries(selector).every(([k, v]) => template.labels[k] === v);
                    assert.ok(selected, `${template.owner} is isolated`);
                }
            });

            it("bounds ephemeral storage above its disk-backed emptyDirs", async () => {
                const run = builtStack(stack);
                for (const template of podTemplates(kubernetesObjects(run))) {
                    const containers = containersOf(template.spec);
                    for (const c of containers) {
                        assert.ok(c.resources?.requests?.["ephemeral-storage"], `${template.owner} ${c.name} requests ephemeral storage`);
                        assert.ok(c.resources?.limits?.["ephemeral-storage"], `${template.owner} ${c.name} limits ephemeral storage`);
                    }
                    const scratch = (template.spec.volumes ?? [])
                        .filter((v: any) => v.emptyDir && v.emptyDir.medium !== "Memory")
                        .map((v: any) => parseQuantity(v.emptyDir.sizeLimit)!);
                    const emptyDirBytes = scratch.reduce((a: number, b: number) => a + b, 0);
                    const limitBytes = (template.spec.containers as any[])
                        .map((c) => parseQuantity(c.resources.limits["ephemeral-storage"])!)
                        .reduce((a, b) => a + b, 0);
                    assert.ok(limitBytes > emptyDirBytes, `${template.owner}: limits ${limitBytes} exceed its emptyDirs ${emptyDirBytes}`);
                }
            });
        });
    }
});
