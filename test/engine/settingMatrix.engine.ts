/**
 * Every setting changed on a running prod-shaped stack, previewed by the real
 * engine (issue 24, the transition matrix). The stack is deployed once; each
 * setting's representative change (test/support/settingChanges.ts) is
 * classified by the two-run model as the unit sweep does
 * (test/everySettingChange.test.ts), and the changes are previewed in
 * batches (tools/transitions/changeBatches.ts) so the matrix fits CI.
 *
 * Per batch the engine must plan exactly the steps the model planned for the
 * same combined change (so the model's per-setting classification, and
 * docs/changes.md made from it, stand on the engine), nothing that holds data
 * or serves users may be replaced or deleted, and a batch of refusals must
 * stop the preview naming every setting in it.
 *
 * The stack is prod with single sign-on off (the Keycloak provider cannot be
 * built here, docs/engine-tests.md), so the Keycloak settings' changes plan
 * what they plan without SSO.
 */
import { strict as assert } from "assert";
import { settingNames } from "../../components/settings";
import { ChangeBatch, proposeBatches, settleBatches } from "../../tools/transitions/changeBatches";
import { SettingSweep, sweepSettingChanges } from "../../tools/transitions/settingSweep";
import { unsafeSteps } from "../../tools/transitions/unsafeSteps";
import { representativeChanges } from "../support/settingChanges";
import { typeAndName } from "./lib/engineSteps";
import { engineScenario } from "./lib/scenario";
import { overridesOf, prodWithoutSso, stackYaml } from "./lib/stacks";

const stack = "matrix";
const config = prodWithoutSso({ namespace: "rocketchat-matrix", hostname: "chat-matrix.example.org" });
/** Changes per preview: enough to keep the matrix to a dozen previews, few enough that a mismatch is easy to place. */
const batchSize = 12;

const qualified = (change: Readonly<Record<string, unknown>>) =>
    Object.fromEntries(Object.entries(change).map(([k, v]) => [k.includes(":") ? k : `rocketchat-ha:${k}`, v]));
/** The model's op as `pulumi preview --json` names it (a delete-before-replace is a replace there). */
const engineOp = (op: string) => (op === "delete-before-replace" ? "replace" : op);
/**
 * The stack-identity check Job's name carries a digest of the stack's own name
 * (components/stackIdentity), which is `matrix` here and `prod` under the
 * model: compared without it.
 */
const comparable = (step: string) => step.replace(/(Job::rocketchat-stack-identity-)[0-9a-f]{8}$/, "$1<stack digest>");
/** The setting a refusal names (a namespace move shows as the members' new host names, as in the unit sweep). */
const namedBy = (setting: string) => (setting === "namespace" ? "clusterDomain" : setting);

describe("every setting changed on a running prod-shaped stack, previewed by the real engine", function () {
    const project = engineScenario({ nodePrefix: "matrix", nodes: 6, stacks: { [stack]: ["prod", config] } });
    let previousOutputs: Record<string, unknown>;
    const base = overridesOf("prod", config);
    let sweep: SettingSweep;
    let batches: ChangeBatch[];

    /** The model's run of one combined change on the deployed stack. */
    const modelRun = async (batch: ChangeBatch) => (await sweepSettingChanges("prod", [[batch.settings.join("+"), batch.change]], previousOutputs, base)).runs[0];

    before(async function () {
        await project.ok(["up", "--stack", stack, "--yes", "--skip-preview"]);
        previousOutputs = { deployment: JSON.parse((await project.ok(["stack", "output", "deployment", "--json", "--stack", stack])).stdout) };
    });

    it("1. the model classifies every setting's change on the deployed stack; the changes go into batches, each setting in exactly one", async function () {
        sweep = await sweepSettingChanges("prod", settingNames.map((s) => [s, representativeChanges[s]] as const), previousOutputs, base);
        const refusalNames = (batch: ChangeBatch, error: any) => batch.settings.every((s) => new RegExp(`rocketchat-ha:${namedBy(s)} = `).test(String(error?.message)));
        batches = await settleBatches(proposeBatches(sweep.runs, batchSize), sweep.runs, async (batch) => {
            const run = await modelRun(batch);
            return batch.expected === "planned"
                ? run.outcome.kind === "planned"
                : run.outcome.kind === "threw" && run.outcome.error?.name === batch.expected && refusalNames(batch, run.outcome.error);
        });
        assert.deepEqual(batches.flatMap((b) => b.settings).sort(), [...settingNames].sort(), "every setting once");
        const crashed = sweep.runs.filter((r) => r.outcome.kind === "threw" && !["ConfigError", "UpgradeRefused"].includes(r.outcome.error?.name));
        assert.deepEqual(crashed.map((r) => r.setting), [], "a refusal, never a crash");
        const count = (kind: string) => batches.filter((b) => b.expected === kind).length;
        console.log(`      [matrix] ${settingNames.length} settings in ${batches.length} previews: ${count("planned")} planned, ` +
            `${count("ConfigError")} of configuration refusals, ${count("UpgradeRefused")} of guard refusals`);
    });

    it("2. each batch: the engine plans exactly the model's steps, replaces or deletes nothing that holds data or serves users; refusals stop the preview naming each setting", async function () {
        const retained = new Set(sweep.previous.registrations.filter((r) => r.retainOnDelete).map((r) => `${r.type}::${r.name}`));
        const problems: string[] = [];
        try {
            for (const batch of batches) {
                const label = batch.settings.join(", ");
                project.writeStackFile(stack, stackYaml({ ...config, ...qualified(batch.change) }));
                const res = await project.run(["preview", "--stack", stack, "--json"]);
                if (batch.expected !== "planned") {
                    const output = res.stdout + res.stderr;
                    const unnamed = batch.settings.filter((s) => !output.includes(`rocketchat-ha:${namedBy(s)} = `));
                    if (res.code === 0 || unnamed.length > 0) {
                        problems.push(`[${label}] expected ${batch.expected}: exit ${res.code}, not named: ${unnamed.join(", ")}`);
                    }
                    continue;
                }
                if (res.code !== 0) {
                    problems.push(`[${label}] preview failed:\n${(res.stdout + res.stderr).slice(-2000)}`);
                    continue;
                }
                const engineSteps = (JSON.parse(res.stdout).steps ?? [])
                    .filter((s: any) => !s.urn.includes("::pulumi:providers:") && s.op !== "same" && s.op !== "read")
                    .map((s: any) => ({ op: s.op as string, resource: typeAndName(s.urn) }));
                const run = await modelRun(batch);
                const modelSteps = run.outcome.kind === "planned" ? run.outcome.steps.filter((s) => s.op !== "same") : [];
                const engine = engineSteps.map((s: { op: string; resource: string }) => comparable(`${s.op} ${s.resource}`)).sort();
                const model = modelSteps.map((s) => comparable(`${engineOp(s.op)} ${s.resource}`)).sort();
                if (JSON.stringify(engine) !== JSON.stringify(model)) {
                    problems.push(`[${label}] engine and model differ:\n  engine only: ${engine.filter((e: string) => !model.includes(e)).join("; ")}\n` +
                        `  model only: ${model.filter((m) => !engine.includes(m)).join("; ")}`);
                }
                const unsafe = unsafeSteps(engineSteps, retained);
                if (unsafe.length > 0) {
                    problems.push(`[${label}] takes down what holds data or serves users: ${unsafe.map((s) => `${s.op} ${s.resource}`).join("; ")}`);
                }
            }
        } finally {
            project.writeStackFile(stack, stackYaml(config));
        }
        assert.deepEqual(problems, [], problems.join("\n"));
    });
});
