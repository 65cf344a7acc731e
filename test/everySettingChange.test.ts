// Every setting changed on a deployed prod stack, one at a time, under the
// fast two-run model (tools/transitions/plannedSteps.ts): each change is
// either refused before anything is declared (a ConfigError or
// UpgradeRefused naming the setting) or planned without taking down what
// holds data or serves users. test/engine/lifecycle.engine.ts applies a
// sample of the same changes with the real engine.
import { strict as assert } from "assert";
import { recordFor } from "../components/platform";
import { settingNames } from "../components/settings";
import { runStack, StackRun } from "../tools/mockRuntime";
import { loadStackConfig } from "../tools/stackConfig";
import { PlannedStep, plannedSteps } from "../tools/transitions/plannedSteps";
import { providerOptionsOf } from "../tools/transitions/providerRules";
import { instance } from "./support/platformBuild";
import { settingsFor } from "./support/settings";
import { representativeChanges } from "./support/settingChanges";

const options = providerOptionsOf(loadStackConfig("prod").values);

const kindOf = (resource: string) => resource.split("::")[0];
/** What serves users or holds data: the replica set and Rocket.Chat (the exporter may go with monitoring). */
const servingWorkloads = new Set(["kubernetes:apps/v1:StatefulSet::rocketchat-mongodb", "kubernetes:apps/v1:Deployment::rocketchat"]);
/** Objects that hold data or open it: claims, Secrets, generated values. */
const dataBearing = /^(kubernetes:core\/v1:(PersistentVolumeClaim|Secret)|random:index\/)/;

/** The steps that would take something down: a workload or a data-bearing object replaced, or deleted from the cluster. */
function unsafeSteps(steps: PlannedStep[], previous: StackRun): PlannedStep[] {
    const retained = new Set(previous.registrations.filter((r) => r.retainOnDelete).map((r) => `${r.type}::${r.name}`));
    return steps.filter((s) => {
        const guarded = servingWorkloads.has(s.resource) || dataBearing.test(kindOf(s.resource));
        if (!guarded) {
            return false;
        }
        return s.op === "replace" || s.op === "delete-before-replace" || (s.op === "delete" && !retained.has(s.resource));
    });
}

describe("every setting changed on a running prod stack: refused, or safe under the two-run model", function () {
    this.timeout(120_000);
    const record = recordFor(instance, settingsFor("prod"));
    let previous: StackRun;
    const outcomes: Record<string, string> = {};

    before(async () => {
        previous = await runStack("prod", {}, { previousOutputs: { deployment: record } });
    });

    it("has a representative change for every setting", () => {
        assert.deepEqual(Object.keys(representativeChanges).sort(), [...settingNames].sort());
    });

    for (const setting of settingNames) {
        const change = representativeChanges[setting];
        it(`${setting} -> ${JSON.stringify(change[setting]).slice(0, 60)}`, async () => {
            let next: StackRun;
            try {
                next = await runStack("prod", change, { previousOutputs: { deployment: record } });
            } catch (error: any) {
                assert.ok(["ConfigError", "UpgradeRefused"].includes(error?.name), `a refusal, not a crash: ${error?.stack ?? error}`);
                // The refusal names the setting changed (a namespace move shows as the members' new host names).
                const named = setting === "namespace" ? "clusterDomain" : setting;
                assert.match(error.message, new RegExp(`rocketchat-ha:${named} = `), "the refusal names the setting and its value");
                assert.deepEqual((error.declaredResources ?? []).map((d: { type: string }) => d.type).filter((t: string) => !t.startsWith("pulumi:pulumi:")), [],
                    "refused before any resource is declared");
                outcomes[setting] = "refused";
                return;
            }
            const steps = plannedSteps(previous, next, options);
            const unsafe = unsafeSteps(steps, previous);
            assert.deepEqual(unsafe.map((s) => `${s.op} ${s.resource} (${s.reasons.join("; ")})`), [], `${setting}: takes down what holds data or serves users`);
            outcomes[setting] = steps.some((s) => s.op !== "same") ? "applied" : "no change";
        });
    }

    after(() => {
        const count = (what: string) => Object.values(outcomes).filter((o) => o === what).length;
        if (process.env.SWEEP_DETAIL) { console.log(JSON.stringify(outcomes, null, 1)); }
        console.log(`      sweep: ${Object.keys(outcomes).length} settings, ${count("applied")} applied safely, ${count("refused")} refused, ${count("no change")} plan no change`);
    });
});
