/**
 * The offline render of one stack, in memory: run the program under the mock
 * runtime, validate every Kubernetes object, apply the policy pack, and
 * produce the sorted, redacted documents the CLI writes.
 */
import { DeclaredResource, runStack, StackRun } from "./mockRuntime";
import { compareManifests, compareResources, withStableKeys } from "./renderOrder";
import { applyPolicyPack, PolicyOutcome } from "./renderPolicies";
import { redactInputs, secretNeedles } from "./renderRedact";
import { isPatchType } from "./resourceList";
import { SchemaFinding, validateManifests } from "./schemaValidate";
import { projectName } from "./stackConfig";

export interface OtherResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

export interface RenderedStack {
    readonly stack: string;
    /** Kubernetes objects, sorted and redacted. */
    readonly manifests: any[];
    /** Providers' resources that are not Kubernetes objects (Keycloak, random), redacted. */
    readonly otherResources: OtherResource[];
    readonly schemaFindings: SchemaFinding[];
    readonly policy: PolicyOutcome;
    /** Warnings the program logged (pulumi.log.warn). */
    readonly warnings: string[];
}

/** A whole object the stack creates; a patch (`<Kind>Patch`, e.g. a member claim's size) changes one made by others and is listed with the other resources. */
function isKubernetesObject(resource: DeclaredResource): boolean {
    return resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:index:") && !isPatchType(resource.type) && resource.inputs?.kind !== undefined;
}

/** Components and the stack itself carry no inputs worth listing. */
function isProviderResource(resource: DeclaredResource): boolean {
    return !resource.type.startsWith("pulumi:") && !resource.type.startsWith(`${projectName}:`);
}

export interface RenderSettings {
    /** Reuse schema answers for unchanged objects (.cache/schema-results). Defaults to true. */
    readonly schemaCache?: boolean;
}

/** Renders an already-run stack (tests add objects to `run.resources` first). */
export async function renderRun(run: StackRun, settings: RenderSettings = {}): Promise<RenderedStack> {
    const needles = secretNeedles(run.secretValues);
    const kubernetes = run.resources.filter(isKubernetesObject);
    const others = run.resources.filter((resource) => !isKubernetesObject(resource) && isProviderResource(resource));

    const sorted = kubernetes
        .map((resource) => ({ resourceName: resource.name, manifest: resource.inputs, resource }))
        .sort(compareManifests)
        .map((entry) => entry.resource);
    const manifests = sorted.map((resource) => withStableKeys(redactInputs(resource.inputs, resource.secretPaths, needles)));
    const otherResources = others
        .map((resource) => ({ type: resource.type, name: resource.name, inputs: withStableKeys(redactInputs(resource.inputs, resource.secretPaths, needles), false) }))
        .sort(compareResources);

    return {
        stack: run.stack,
        manifests,
        otherResources,
        // Validated unredacted: the schema judges what the cluster would receive.
        schemaFindings: validateManifests(
            sorted.map((resource) => resource.inputs),
            { useCache: settings.schemaCache ?? true },
        ),
        policy: await applyPolicyPack(run.resources, run.stack),
        warnings: run.warnings,
    };
}

export async function renderStack(stack: string, overrides: Record<string, unknown> = {}, settings: RenderSettings = {}): Promise<RenderedStack> {
    return renderRun(await runStack(stack, overrides), settings);
}

export function mandatoryViolations(rendered: RenderedStack) {
    return rendered.policy.applied ? rendered.policy.violations.filter((violation) => violation.level === "mandatory") : [];
}

/** Schema errors and mandatory violations fail the render. */
export function renderFailed(rendered: RenderedStack): boolean {
    return rendered.schemaFindings.length > 0 || mandatoryViolations(rendered).length > 0;
}
