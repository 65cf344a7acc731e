/**
 * A fast model of what `pulumi up` does to a running stack when its settings
 * change: the program is run twice under the mock runtime (the previous
 * run's settings and record, then the new ones), and each resource's step
 * is derived from the two registrations with the providers' rules
 * (providerRules.ts) and the engine's dependent replacement,
 * pulumi/pkg v3.248.0 `resource/deploy/step_generator.go`
 * calculateDependentReplacements (3009-3149): when a resource is replaced
 * delete-before-replace, each resource with an input that came from it
 * (a property dependency; a plain dependsOn is not enough, 3072-3076) is
 * asked again with that whole input unknown, and is replaced too when its
 * provider says so; what is replaced that way joins the set, transitively.
 *
 * The engine tests (test/engine) confirm the model on the real engine for a
 * sample of changes: issue 31's event log (an app-password rotation
 * delete-replaced the users Secret, the StatefulSet and the Deployment) is
 * what the model gives without the provider's mutable options.
 */
import type { Registration, StackRun } from "../mockRuntime";
import { KubernetesProviderOptions, providerDiff, replacedWhenUnknown } from "./providerRules";

export type StepOp = "same" | "create" | "delete" | "update" | "replace" | "delete-before-replace";

export interface PlannedStep {
    /** "type::name", the resource's identity in both runs. */
    readonly resource: string;
    readonly op: StepOp;
    /** Why it is replaced: the changed forceNew paths, or "depends on <resource>". */
    readonly reasons: readonly string[];
}

const keyOf = (type: string, name: string) => `${type}::${name}`;

/** "type::name" of a URN (urn:pulumi:stack::project::Parent$type::name). */
export function resourceOfUrn(urn: string): string {
    const parts = urn.split("::");
    return keyOf(parts[2].split("$").pop()!, parts.slice(3).join("::"));
}

/** The program's custom resources, by "type::name", with their inputs and registration. */
function customResources(run: StackRun): Map<string, { inputs: any; registration?: Registration }> {
    const registrations = new Map(run.registrations.map((r) => [keyOf(r.type, r.name), r]));
    return new Map(run.resources.map((r) => [keyOf(r.type, r.name), { inputs: r.inputs, registration: registrations.get(keyOf(r.type, r.name)) }]));
}

/** The steps `pulumi up` takes from `previous` to `next`, one per resource of either run. */
export function plannedSteps(previous: StackRun, next: StackRun, options: KubernetesProviderOptions): PlannedStep[] {
    const before = customResources(previous);
    const after = customResources(next);
    const steps = new Map<string, PlannedStep>();
    for (const [resource, { inputs, registration }] of after) {
        const old = before.get(resource);
        if (!old) {
            steps.set(resource, { resource, op: "create", reasons: [] });
            continue;
        }
        const diff = providerDiff(resource.split("::")[0], old.inputs, inputs, options, registration?.ignoreChanges ?? []);
        const op: StepOp = diff.decision === "replace" ? (diff.deleteBeforeReplace ? "delete-before-replace" : "replace") : diff.decision;
        steps.set(resource, { resource, op, reasons: diff.replaceReasons });
    }
    for (const resource of before.keys()) {
        if (!after.has(resource)) {
            steps.set(resource, { resource, op: "delete", reasons: [] });
        }
    }
    takeDownDependants(steps, after, before, options);
    return [...steps.values()].sort((a, b) => a.resource.localeCompare(b.resource));
}

/** The engine's dependent replacement (step_generator.go:3009-3149), transitively. */
function takeDownDependants(steps: Map<string, PlannedStep>, after: ReturnType<typeof customResources>, before: ReturnType<typeof customResources>,
    options: KubernetesProviderOptions): void {
    const replaced = new Set([...steps.values()].filter((s) => s.op === "delete-before-replace").map((s) => s.resource));
    for (let grew = true; grew;) {
        grew = false;
        for (const [resource, { inputs, registration }] of after) {
            const step = steps.get(resource);
            if (!step || replaced.has(resource) || !before.has(resource) || step.op === "create") {
                continue;
            }
            const type = resource.split("::")[0];
            const from = Object.entries(registration?.propertyDependencies ?? {})
                .flatMap(([key, urns]) => urns.map(resourceOfUrn).filter((on) => replaced.has(on)).map((on) => ({ key, on })))
                .filter(({ key }) => replacedWhenUnknown(type, inputs, key, options));
            if (from.length > 0) {
                // A fixed-name object cannot be created again beside itself: it goes first.
                const fixedName = type.startsWith("kubernetes:");
                steps.set(resource, { resource, op: fixedName ? "delete-before-replace" : "replace", reasons: [...step.reasons, ...from.map(({ key, on }) => `${key} depends on ${on}`)] });
                if (fixedName) {
                    replaced.add(resource);
                    grew = true;
                }
            }
        }
    }
}
