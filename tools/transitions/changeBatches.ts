/**
 * The every-setting sweep's changes grouped into a few combined changes, so
 * the real engine can preview all of them within CI's budget (one preview
 * takes half a minute there; a hundred would take most of an hour).
 *
 * A batch holds changes that touch disjoint settings and that the model
 * (tools/transitions/plannedSteps.ts) classified alike: planned ones
 * together, refusals together by the kind of refusal. Whether a combination
 * still behaves like its parts is not assumed: `settleBatches` runs each
 * combined change through a check and splits a batch that fails it in two,
 * down to single changes.
 */
import type { SettingChangeRun } from "./settingSweep";

export interface ChangeBatch {
    /** The settings whose representative changes it combines, in sweep order. */
    readonly settings: readonly string[];
    /** The combined change (every setting and companion of its members). */
    readonly change: Readonly<Record<string, unknown>>;
    /** "planned", or the name of the refusal every member got alone (ConfigError, UpgradeRefused). */
    readonly expected: string;
}

function expectationOf(run: SettingChangeRun): string {
    return run.outcome.kind === "planned" ? "planned" : String(run.outcome.error?.name ?? "Error");
}

function combine(runs: readonly SettingChangeRun[], expected: string): ChangeBatch {
    return { settings: runs.map((r) => r.setting), change: Object.assign({}, ...runs.map((r) => r.change)), expected };
}

/** Greedy first fit, in sweep order: a change joins the first batch of its kind whose settings it does not touch. */
export function proposeBatches(runs: readonly SettingChangeRun[], maxSize: number): ChangeBatch[] {
    const open: { expected: string; runs: SettingChangeRun[]; keys: Set<string> }[] = [];
    for (const run of runs) {
        const expected = expectationOf(run);
        const keys = Object.keys(run.change);
        const fits = open.find((b) => b.expected === expected && b.runs.length < maxSize && keys.every((k) => !b.keys.has(k)));
        if (fits) {
            fits.runs.push(run);
            keys.forEach((k) => fits.keys.add(k));
        } else {
            open.push({ expected, runs: [run], keys: new Set(keys) });
        }
    }
    return open.map((b) => combine(b.runs, b.expected));
}

/**
 * Keeps each batch `holds` accepts; splits one it rejects into halves and
 * tries again, so a combination that interacts ends as smaller batches (a
 * single change always holds: it is what the sweep classified).
 */
export async function settleBatches(batches: readonly ChangeBatch[], runs: readonly SettingChangeRun[],
    holds: (batch: ChangeBatch) => Promise<boolean>): Promise<ChangeBatch[]> {
    const bySetting = new Map(runs.map((r) => [r.setting, r]));
    const settled: ChangeBatch[] = [];
    const queue = [...batches];
    while (queue.length > 0) {
        const batch = queue.shift()!;
        if (batch.settings.length === 1 || (await holds(batch))) {
            settled.push(batch);
            continue;
        }
        const members = batch.settings.map((s) => bySetting.get(s)!);
        const half = Math.ceil(members.length / 2);
        queue.unshift(combine(members.slice(0, half), batch.expected), combine(members.slice(half), batch.expected));
    }
    return settled;
}
