// The render applies the policy pack through policy/offline.ts; a mandatory
// violation fails it. Waits (skips) until the pack's offline module exists.
import { strict as assert } from "assert";
import { DeclaredResource } from "../tools/mockRuntime";
import { policyPackAvailable } from "../tools/renderPolicies";
import { mandatoryViolations, renderFailed, renderRun } from "../tools/renderStack";
import { knownStacks } from "../tools/stackConfig";
import { stackRun } from "./support/stacks";

describe("render: policy pack", function () {
    before(function () {
        // The pack is part of the repository: a render that cannot find it is broken, not exempt.
        assert.ok(policyPackAvailable(), "the render cannot find the policy pack (policy/offline.ts)");
    });

    for (const stack of knownStacks()) {
        it(`${stack}: applies the pack and has no mandatory violation`, async () => {
            const rendered = await renderRun(await stackRun(stack));
            assert.ok(rendered.policy.applied);
            assert.deepEqual(mandatoryViolations(rendered), []);
        });
    }

    it("fails the render on a mandatory violation (an unpinned image)", async () => {
        const run = await stackRun("prod");
        const deployment = run.resources.find((resource) => resource.inputs?.kind === "Deployment")!;
        const unpinned: DeclaredResource = structuredClone(deployment);
        unpinned.inputs.metadata.name = "unpinned";
        unpinned.inputs.spec.template.spec.containers[0].image = "registry.rocket.chat/rocketchat/rocket.chat:latest";
        const rendered = await renderRun({ ...run, resources: [...run.resources, { ...unpinned, name: "unpinned" }] });
        assert.ok(renderFailed(rendered));
        assert.ok(mandatoryViolations(rendered).some((violation) => violation.policy === "pinned-images" && /unpinned/.test(violation.resource ?? "")), JSON.stringify(mandatoryViolations(rendered)));
    });
});
