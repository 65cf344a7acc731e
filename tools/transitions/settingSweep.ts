/**
 * One change of each setting applied to a deployed stack under the fast
 * two-run model (plannedSteps.ts): the program is run as deployed (reading
 * the given previous outputs), then once per change, and each run's steps
 * are planned from the deployed run. What the program throws is kept, not
 * judged: the sweep test (test/everySettingChange.test.ts) checks the runs,
 * and docs/changes.md (tools/changesDoc.ts) describes them.
 */
import { Registration, runStack, StackRun } from "../mockRuntime";
import { loadStackConfig } from "../stackConfig";
import { PlannedStep, plannedSteps } from "./plannedSteps";
import { providerOptionsOf } from "./providerRules";

/** A resource the plan touches, with what the description of a change needs beyond its step. */
export interface ResourceChange {
    readonly step: PlannedStep;
    /** Its inputs as deployed; absent for a create. */
    readonly before?: any;
    /** Its inputs after the change; absent for a delete. */
    readonly after?: any;
    /** False for a component (it has no object of its own). */
    readonly custom: boolean;
    /** Deployed with retainOnDelete: a delete leaves it in the cluster. */
    readonly retainOnDelete: boolean;
}

/** The program threw (a refusal or a crash), or ran and its steps were planned. */
export type ChangeOutcome =
    | { readonly kind: "threw"; readonly error: any }
    | { readonly kind: "planned"; readonly steps: PlannedStep[]; readonly changes: ResourceChange[] };

export interface SettingChangeRun {
    readonly setting: string;
    /** The settings changed, the setting itself and any companion a valid change needs. */
    readonly change: Readonly<Record<string, unknown>>;
    readonly outcome: ChangeOutcome;
}

export interface SettingSweep {
    readonly stack: string;
    /** The deployed stack: the program run with no change. */
    readonly previous: StackRun;
    /** One run per setting, in the order given. */
    readonly runs: readonly SettingChangeRun[];
}

const keyOf = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

/** The resources whose step is not "same", with both runs' inputs and registrations. */
function resourceChanges(previous: StackRun, next: StackRun, steps: readonly PlannedStep[]): ResourceChange[] {
    const inputs = (run: StackRun) => new Map(run.resources.map((r) => [keyOf(r), r.inputs]));
    const registrations = (run: StackRun) => new Map<string, Registration>(run.registrations.map((r) => [keyOf(r), r]));
    const [before, after] = [inputs(previous), inputs(next)];
    const [deployed, declared] = [registrations(previous), registrations(next)];
    return steps.filter((step) => step.op !== "same").map((step) => {
        const registration = declared.get(step.resource) ?? deployed.get(step.resource);
        return {
            step,
            before: before.get(step.resource),
            after: after.get(step.resource),
            custom: registration?.custom ?? true,
            retainOnDelete: deployed.get(step.resource)?.retainOnDelete === true,
        };
    });
}

/**
 * Runs `stack` as deployed (`previousOutputs` is what the last `pulumi up`
 * exported), then with each of `changes`, one at a time, in order. `base`
 * (runStack overrides, e.g. the engine tests' stack made from prod) applies
 * to every run.
 */
export async function sweepSettingChanges(stack: string, changes: ReadonlyArray<readonly [string, Readonly<Record<string, unknown>>]>,
    previousOutputs: Record<string, unknown>, base: Readonly<Record<string, unknown>> = {}): Promise<SettingSweep> {
    const options = providerOptionsOf(loadStackConfig(stack, base).values);
    const previous = await runStack(stack, base, { previousOutputs });
    const runs: SettingChangeRun[] = [];
    for (const [setting, change] of changes) {
        let outcome: ChangeOutcome;
        try {
            const next = await runStack(stack, { ...base, ...change }, { previousOutputs });
            const steps = plannedSteps(previous, next, options);
            outcome = { kind: "planned", steps, changes: resourceChanges(previous, next, steps) };
        } catch (error) {
            outcome = { kind: "threw", error };
        }
        runs.push({ setting, change, outcome });
    }
    return { stack, previous, runs };
}
