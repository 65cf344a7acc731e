/**
 * The real apiserver as the oracle for the settings' rules (issue 17): for
 * every setting that reaches a field the apiserver validates, a corpus of
 * edge values (lib/settingsCorpus.ts). Each value goes through the program
 * (rendered in-process under the mock runtime, the path index.ts takes);
 * each value it accepts is rendered and the objects are server-side dry-run;
 * each value it refuses is put where the setting lands (found from a render
 * with a marker value) and dry-run too, so the apiserver's verdict on every
 * value is known. The program must refuse every value the apiserver refuses,
 * and every value it accepts must give objects the apiserver accepts. It may
 * be stricter (it refuses `@every 1h`, a DNS subdomain where a label is
 * expected, a 512Mi mongod); the summary lists those.
 */
import * as assert from "assert";
import { kubectlRaw } from "./lib/kube";
import { Placement, SettingCorpus, settingsCorpus } from "./lib/settingsCorpus";
import { ConfigError, loadSettings } from "../../components/config";
import { kubernetesObjects, runStack } from "../../tools/mockRuntime";
import { loadStackConfig, projectName } from "../../tools/stackConfig";

const baseStack = "prod";
const oracleNamespace = "settings-oracle";

type Verdict = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

/**
 * The program's verdict (its own loadSettings on the stack's config with the
 * override, as index.ts runs it) and, when it accepts, the objects it renders.
 */
async function programVerdict(overrides: Record<string, unknown>): Promise<{ verdict: Verdict; objects?: any[] }> {
    const config = loadStackConfig(baseStack, overrides);
    try {
        loadSettings((name) => config.values[`${projectName}:${name}`], () => Object.keys(config.values));
    } catch (error) {
        if (!(error instanceof ConfigError)) {
            throw error;
        }
        const setting = Object.keys(overrides).find((key) => key !== "namespace") ?? "namespace";
        const line = error.problems.find((p) => p.startsWith(`rocketchat-ha:${setting} = `)) ?? error.message;
        return { verdict: { accepted: false, reason: line } };
    }
    return { verdict: { accepted: true }, objects: kubernetesObjects(await runStack(baseStack, overrides)) };
}

const namespacesMade = new Set<string>([oracleNamespace]);

/** Namespaced objects need their namespace to exist even in a dry run: create it (the apiserver judges its name). */
function ensureNamespaces(objects: any[]): Verdict {
    const names = new Set<string>([
        ...objects.filter((o) => o.metadata?.namespace).map((o) => o.metadata.namespace as string),
        ...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name as string),
    ]);
    for (const name of names) {
        if (namespacesMade.has(name)) {
            continue;
        }
        const created = kubectlRaw(["create", "namespace", name]);
        if (created.code !== 0 && !/AlreadyExists/.test(created.stderr)) {
            return { accepted: false, reason: created.stderr.trim() };
        }
        namespacesMade.add(name);
    }
    return { accepted: true };
}

/** Server-side dry-run of every object in one kubectl call. */
function apiserverVerdict(objects: any[]): Verdict {
    const namespaces = ensureNamespaces(objects);
    if (!namespaces.accepted) {
        return namespaces;
    }
    const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
    const result = kubectlRaw(["apply", "--server-side", "--dry-run=server", "--force-conflicts", "--field-manager=settings-oracle", "-f", "-"], list);
    return result.code === 0 ? { accepted: true } : { accepted: false, reason: result.stderr.trim().split("\n").filter((l) => !/^Warning/.test(l)).join(" | ") };
}

/** Every (path, value) leaf of a JSON value, paths as arrays of keys. */
function* leaves(value: any, path: (string | number)[] = []): Generator<[(string | number)[], any]> {
    if (value && typeof value === "object") {
        for (const [key, child] of Object.entries(value)) {
            yield* leaves(child, [...path, Array.isArray(value) ? Number(key) : key]);
        }
    } else {
        yield [path, value];
    }
}

function setAt(root: any, path: (string | number)[], value: unknown): void {
    const parent = path.slice(0, -1).reduce((node, key) => node[key], root);
    parent[path[path.length - 1]] = value;
}

/** Renders of the marker (and, for numbers, a second valid value) that show where a setting lands. */
interface Landing {
    readonly objects: any[];
    /** Paths whose number is the marker in one render and the other value in the second (number placements). */
    readonly numberPaths: (string | number)[][];
}

function asPairs(value: unknown): [string, string][] {
    return ([] as unknown[]).concat(value).map((entry) => {
        const text = String(entry);
        const at = text.indexOf("=");
        return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
    });
}

/** The marker render with `value` put where the marker was; throws when the marker lands nowhere. */
function placeValue(landing: Landing, placement: Placement, value: unknown): any[] {
    const objects = JSON.parse(JSON.stringify(landing.objects));
    let placed = 0;
    if (placement.kind === "text") {
        const walk = (node: any): any => {
            if (typeof node === "string" && node.includes(placement.marker)) {
                placed++;
                return node === placement.marker ? value : node.split(placement.marker).join(String(value));
            }
            if (Array.isArray(node)) {
                return node.map(walk);
            }
            if (node && typeof node === "object") {
                return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
            }
            return node;
        };
        return checkPlaced(walk(objects), placed, placement);
    }
    if (placement.kind === "pairs") {
        const [markerKey] = asPairs(placement.marker)[0];
        const walk = (node: any): void => {
            if (!node || typeof node !== "object") {
                return;
            }
            if (!Array.isArray(node) && markerKey in node) {
                delete node[markerKey];
                asPairs(value).forEach(([k, v]) => (node[k] = v));
                placed++;
            }
            Object.values(node).forEach(walk);
        };
        walk(objects);
        return checkPlaced(objects, placed, placement);
    }
    for (const path of landing.numberPaths) {
        setAt(objects, path, typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value);
        placed++;
    }
    return checkPlaced(objects, placed, placement);
}

function checkPlaced(objects: any[], placed: number, placement: Placement): any[] {
    if (placed === 0) {
        throw new Error(`the marker ${JSON.stringify(placement.marker)} lands in no Kubernetes object: this setting does not belong in the corpus`);
    }
    return objects;
}

function markerValue(corpus: SettingCorpus): unknown {
    const { placement } = corpus;
    if (placement.kind === "pairs") {
        return Array.isArray(corpus.values[0][0]) ? [placement.marker] : placement.marker;
    }
    return placement.marker;
}

/** A second valid number, for finding where a number lands. */
function otherNumber(corpus: SettingCorpus): number {
    const marker = (corpus.placement as { marker: number }).marker;
    return corpus.setting === "autoscalingMaxReplicas" ? 4 : marker + 1 === 4 ? 5 : marker + 1;
}

async function landingOf(corpus: SettingCorpus, overrides: Record<string, unknown>): Promise<Landing> {
    const first = await programVerdict({ ...overrides, [corpus.setting]: markerValue(corpus) });
    if (!first.objects) {
        throw new Error(`the marker of ${corpus.setting} is refused by the program: ${(first.verdict as { reason: string }).reason}`);
    }
    if (corpus.placement.kind !== "number") {
        return { objects: first.objects, numberPaths: [] };
    }
    const marker = corpus.placement.marker;
    const other = otherNumber(corpus);
    const second = await programVerdict({ ...overrides, [corpus.setting]: other });
    if (!second.objects) {
        throw new Error(`${corpus.setting} = ${other} is refused by the program`);
    }
    const secondLeaves = new Map([...leaves(second.objects)].map(([path, value]) => [JSON.stringify(path), value]));
    const numberPaths = [...leaves(first.objects)]
        .filter(([path, value]) => value === marker && secondLeaves.get(JSON.stringify(path)) === other)
        .map(([path]) => path);
    return { objects: first.objects, numberPaths };
}

describe("settings against the real apiserver (issue 17: the program refuses what Kubernetes refuses)", function () {
    const summary: string[] = [];

    before(function () {
        kubectlRaw(["create", "namespace", oracleNamespace]);
    });

    after(function () {
        for (const name of namespacesMade) {
            kubectlRaw(["delete", "namespace", name, "--wait=false", "--ignore-not-found"]);
        }
        console.log(`\n  settings oracle (program verdict / apiserver verdict per value):\n${summary.join("\n")}\n`);
    });

    it("has at least five edge values for each setting", function () {
        for (const corpus of settingsCorpus) {
            assert.ok(corpus.values.length >= 5, `${corpus.setting} has ${corpus.values.length} values`);
        }
    });

    for (const corpus of settingsCorpus) {
        it(`${corpus.setting}: the program refuses every value the apiserver refuses, and what it accepts dry-runs cleanly`, async function () {
            this.timeout(600_000);
            const overrides: Record<string, unknown> = { namespace: oracleNamespace, ...corpus.with };
            const landing = await landingOf(corpus, overrides);
            const disagreements: string[] = [];
            for (const [value, why] of corpus.values) {
                const program = await programVerdict({ ...overrides, [corpus.setting]: value });
                const objects = program.objects ?? placeValue(landing, corpus.placement, value);
                const apiserver = apiserverVerdict(objects);
                const name = `rocketchat-ha:${corpus.setting} = ${JSON.stringify(value)} (${why})`;
                summary.push(`    ${program.verdict.accepted ? "accept" : "refuse"} / ${apiserver.accepted ? "accept" : "refuse"}  ${name}`);
                if (program.verdict.accepted && !apiserver.accepted) {
                    disagreements.push(`${name}: the program accepts it, the apiserver refuses the objects: ${apiserver.reason}`);
                }
            }
            assert.deepStrictEqual(disagreements, [], disagreements.join("\n"));
        });
    }
});
