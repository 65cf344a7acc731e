// Every setting changed on a deployed prod stack, one at a time, under the
// fast two-run model (tools/transitions/plannedSteps.ts): each change is
// either refused before anything is declared (a ConfigError or
// UpgradeRefused naming the setting) or planned without taking down what
// holds data or serves users. test/engine/lifecycle.engine.ts applies a
// sample of the same changes with the real engine. docs/changes.md describes
// the same runs; it is checked here, where the sweep has already run (mocha's
// workers do not share a process, so another file would run it again).
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { settingNames } from "../components/settings";
import type { StackRun } from "../tools/mockRuntime";
import { SettingSweep } from "../tools/transitions/settingSweep";
import { unsafeSteps } from "../tools/transitions/unsafeSteps";
import { changesDoc, changesDocFile } from "../tools/changesDoc";
import { representativeChanges } from "./support/settingChanges";
import { prodSettingSweep } from "./support/settingSweep";

/** `type::name` of what the deployed stack keeps on delete. */
const retainedOf = (previous: StackRun) => new Set(previous.registrations.filter((r) => r.retainOnDelete).map((r) => `${r.type}::${r.name}`));

describe("every setting changed on a running prod stack: refused, or safe under the two-run model", function () {
    this.timeout(120_000);
    let sweep: SettingSweep;
    const outcomes: Record<string, string> = {};

    // Every run at once, shared with the docs/changes.md check below (one sweep per process).
    before(async () => {
        sweep = await prodSettingSweep();
    });

    it("has a representative change for every setting", () => {
        assert.deepEqual(Object.keys(representativeChanges).sort(), [...settingNames].sort());
    });

    for (const setting of settingNames) {
        const change = representativeChanges[setting];
        it(`${setting} -> ${JSON.stringify(change[setting]).slice(0, 60)}`, () => {
            const { outcome } = sweep.runs.find((run) => run.setting === setting)!;
            if (outcome.kind === "threw") {
                const error = outcome.error;
                assert.ok(["ConfigError", "UpgradeRefused"].includes(error?.name), `a refusal, not a crash: ${error?.stack ?? error}`);
                // The refusal names the setting changed (a namespace move shows as the members' new host names).
                const named = setting === "namespace" ? "clusterDomain" : setting;
                assert.match(error.message, new RegExp(`rocketchat-ha:${named} = `), "the refusal names the setting and its value");
                assert.deepEqual((error.declaredResources ?? []).map((d: { type: string }) => d.type).filter((t: string) => !t.startsWith("pulumi:pulumi:")), [],
                    "refused before any resource is declared");
                outcomes[setting] = "refused";
                return;
            }
            const steps = outcome.steps;
            const unsafe = unsafeSteps(steps, retainedOf(sweep.previous));
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

describe("docs/changes.md", function () {
    this.timeout(120_000);

    it("describes the sweep's runs (npm run docs:changes writes it)", async () => {
        const expected = changesDoc(await prodSettingSweep());
        const committed = readFileSync(changesDocFile, "utf8");
        if (committed !== expected) {
            const [want, have] = [expected.split("\n"), committed.split("\n")];
            const differs = want.findIndex((line, i) => line !== have[i]);
            assert.fail(`docs/changes.md is stale: run npm run docs:changes (first difference at line ${(differs < 0 ? want.length : differs) + 1})`);
        }
    });
});
