/**
 * docs/changes.md, "What changing each setting does to a running stack",
 * written from the every-setting sweep (tools/transitions/settingSweep.ts):
 * one row per setting, in the order of components/settingDefinitions.ts,
 * with the change tried and what the plan does, in words derived from the
 * steps (transitions/changeEffects.ts) or the refusal's own message
 * (transitions/refusalReason.ts). `npm run docs:changes` writes it;
 * test/everySettingChange.test.ts fails when it is stale.
 */
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { projectRoot } from "./stackConfig";
import { ChangeEffects, changeEffects, PodRestart } from "./transitions/changeEffects";
import { DocReference, firstSentence, refusalReason } from "./transitions/refusalReason";
import type { SettingChangeRun, SettingSweep } from "./transitions/settingSweep";

export const changesDocFile = path.join(projectRoot, "docs", "changes.md");

/** What a row's outcome is, for the counts in the header. */
export type OutcomeClass = "refused" | "rolling restart" | "new Job runs (no restart)" | "in place (no restart)" | "no change";

export interface ChangeRow {
    readonly setting: string;
    readonly tried: string;
    readonly outcomeClass: OutcomeClass;
    readonly outcome: string;
    /** The objects the plan touches, by step. */
    readonly objects: string;
}

/** Reads a repository file (to check that a section a refusal names exists). */
export type DocReader = (file: string) => string;

const readRepositoryFile: DocReader = (file) => readFileSync(path.join(projectRoot, file), "utf8");

const refusalNames = ["ConfigError", "UpgradeRefused"];

/** Who runs in a workload's pods, by its app.kubernetes.io/name label; another workload is named as Kind/name. */
const podsOf: Readonly<Record<string, string>> = {
    rocketchat: "Rocket.Chat",
    mongodb: "MongoDB members",
    "mongodb-exporter": "the MongoDB exporter",
};

/** Text in a table cell: `|` would end the cell, `<pod>` would be read as HTML, `*` as emphasis. */
function prose(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/\*/g, "\\*");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** A link from docs/changes.md; a section the refusal names must be a heading of that document. */
function docLink(reference: DocReference, readDoc: DocReader): string {
    const href = reference.file.startsWith("docs/") ? reference.file.slice("docs/".length) : `../${reference.file}`;
    if (!reference.section) {
        return `[${reference.file}](${href})`;
    }
    const headings = readDoc(reference.file).split("\n").filter((line) => /^#+ /.test(line)).map((line) => line.replace(/^#+ /, "").trim());
    if (!headings.includes(reference.section)) {
        throw new Error(`a refusal names section "${reference.section}" of ${reference.file}, which has no such heading`);
    }
    return `[${reference.file}, "${reference.section}"](${href}#${headingAnchor(reference.section)})`;
}

function triedText(change: Readonly<Record<string, unknown>>): string {
    return Object.entries(change).map(([key, value]) => `\`${key} = ${JSON.stringify(value).replace(/\|/g, "\\|")}\``).join(", ");
}

function restartWords(restarts: readonly PodRestart[]): string {
    const byStrategy = new Map<string, string[]>();
    for (const restart of restarts) {
        byStrategy.set(restart.strategy, [...byStrategy.get(restart.strategy) ?? [], podsOf[restart.app] ?? restart.workload]);
    }
    return [...byStrategy].map(([strategy, pods]) => `${strategy === "RollingUpdate" ? "rolling restart" : `restart (${strategy})`} of ${listed(pods)}`).join("; ");
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
    return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function objectsText(effects: ChangeEffects): string {
    const replaced = effects.replaced.map((r) => `${r.resource} (${r.reasons.join("; ")})`);
    const kept = effects.keptInCluster.length > 0 ? [`removes ${effects.keptInCluster.join(", ")} from the stack (retainOnDelete: kept in the cluster)`] : [];
    const steps = ([["updates", effects.updated], ["creates", effects.created], ["replaces", replaced], ["deletes", effects.deleted]] as const)
        .filter(([, items]) => items.length > 0).map(([verb, items]) => `${verb} ${items.join(", ")}`);
    return [...steps, ...kept].join("; ");
}

function refusedRow(run: SettingChangeRun, error: any, readDoc: DocReader): Omit<ChangeRow, "setting" | "tried"> {
    const refusal = refusalNames.includes(error?.name) ? refusalReason(run.setting, error.message) : undefined;
    if (!refusal) {
        throw new Error(`${run.setting}: the program failed without a refusal naming a setting, so the change cannot be described: ${error?.stack ?? error}`);
    }
    const shownAs = refusal.named === run.setting ? "" : ` (the message names \`${refusal.named}\`)`;
    const links = refusal.references.map((reference) => docLink(reference, readDoc));
    return {
        outcomeClass: "refused",
        outcome: `refused${shownAs}: ${prose(firstSentence(refusal.reason))}${links.length > 0 ? ` See ${links.join(", ")}.` : ""}`,
        objects: "none",
    };
}

function plannedRow(effects: ChangeEffects): Omit<ChangeRow, "setting" | "tried"> {
    const jobs = effects.jobRuns.length > 0 ? `new Job runs: ${effects.jobRuns.join(", ")}` : "";
    if (effects.restarts.length > 0) {
        return { outcomeClass: "rolling restart", outcome: [restartWords(effects.restarts), jobs].filter(Boolean).join("; "), objects: objectsText(effects) };
    }
    if (jobs) {
        return { outcomeClass: "new Job runs (no restart)", outcome: `${jobs}; no restart`, objects: objectsText(effects) };
    }
    return { outcomeClass: "in place (no restart)", outcome: "in place (no restart)", objects: objectsText(effects) };
}

export function changeRow(run: SettingChangeRun, readDoc: DocReader = readRepositoryFile): ChangeRow {
    const { outcome } = run;
    const described = outcome.kind === "threw"
        ? refusedRow(run, outcome.error, readDoc)
        : outcome.changes.length === 0
            ? { outcomeClass: "no change" as const, outcome: "no change", objects: "none" }
            : plannedRow(changeEffects(outcome.changes));
    return { setting: run.setting, tried: triedText(run.change), ...described };
}

const outcomeClasses: readonly OutcomeClass[] = ["refused", "rolling restart", "new Job runs (no restart)", "in place (no restart)", "no change"];

function header(sweep: SettingSweep, rows: readonly ChangeRow[]): string {
    const counts = outcomeClasses.map((c) => `${rows.filter((row) => row.outcomeClass === c).length} ${c}`).join(", ");
    return `# What changing each setting does to a running stack

<!-- Generated by npm run docs:changes (tools/changesDoc.ts); edit the generator, not this file. -->

One realistic change of each setting (\`test/support/settingChanges.ts\`), tried
on the ${sweep.stack} stack as deployed (\`Pulumi.${sweep.stack}.yaml\`). The program is run
twice under the mock runtime (\`tools/mockRuntime.ts\`): as deployed, then with
the change, the second run reading the first run's \`deployment\` output as
\`pulumi up\` reads the stack's last outputs. The steps \`pulumi up\` would take
are planned from the two runs with a model of pulumi-kubernetes' replace
rules and the engine's dependent replacement
(\`tools/transitions/plannedSteps.ts\`); \`test/engine/\` checks the model on
the real engine for a sample of changes (\`docs/engine-tests.md\`). Another
value of the same setting may do something else.

\`npm run docs:changes\` regenerates this file from the same runs as the
every-setting sweep, \`test/everySettingChange.test.ts\`, which also fails
when this file is stale.

The outcomes, from the planned steps:
- **refused**: the program stops before declaring anything (a configuration
  error, or the upgrade guard); the first sentence of its message is quoted,
  with the document it names. Nothing in the cluster changes.
- **rolling restart of ...**: a workload's pod template changes, so
  Kubernetes replaces its pods by its update strategy.
- **new Job runs**: a Job is created under a new name (its name carries a
  hash of its spec) and runs once; the Job it follows is deleted.
- **in place (no restart)**: no pod is replaced and no Job runs; the last
  column lists what is updated, created, replaced or deleted.
- **no change**: the plan has no step.

${rows.length} settings: ${counts}.
`;
}

export function changesDoc(sweep: SettingSweep, readDoc: DocReader = readRepositoryFile): string {
    const rows = sweep.runs.map((run) => changeRow(run, readDoc));
    const table = [
        "| Setting | Change tried | Outcome | Objects the plan changes |",
        "| --- | --- | --- | --- |",
        ...rows.map((row) => `| \`${row.setting}\` | ${row.tried} | ${row.outcome} | ${row.objects} |`),
    ];
    return `${header(sweep, rows)}\n${table.join("\n")}\n`;
}

if (require.main === module) {
    // The SDK rejects a refused run's stack outputs a second time, where
    // nothing awaits them: mocha ignores that, a plain process dies of it.
    process.on("unhandledRejection", (reason: any) => {
        if (!refusalNames.includes(reason?.name)) {
            throw reason;
        }
    });
    // The sweep's changes are the sweep test's (test/support/settingChanges.ts).
    const { prodSettingSweep } = require("../test/support/settingSweep") as typeof import("../test/support/settingSweep");
    prodSettingSweep().then((sweep) => {
        const before = existsSync(changesDocFile) ? readFileSync(changesDocFile, "utf8") : "";
        const text = changesDoc(sweep);
        writeFileSync(changesDocFile, text);
        console.log(`${path.relative(projectRoot, changesDocFile)}: ${text === before ? "unchanged" : "updated"} (${sweep.runs.length} settings)`);
    }).catch((error) => {
        console.error(error);
        process.exitCode = 1;
    });
}
