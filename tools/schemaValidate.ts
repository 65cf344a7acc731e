/**
 * Schema validation of every Kubernetes object a stack renders: built-in
 * kinds and Prometheus operator resources through kubernetes-models packages,
 * the OpenShift Route through its CRD. A
 * kind with no known schema is an error, so a typo in apiVersion cannot slip by.
 */
import { validateKubernetesObject } from "./schemaKubernetes";
import { SchemaProblem } from "./schemaProblem";
import { cachedProblems } from "./schemaResultCache";
import { notValidatedPrefix, validateRoute } from "./schemaRoute";

export interface SchemaFinding extends SchemaProblem {
    readonly kind: string;
    /** namespace/name, or name for cluster-scoped objects. */
    readonly object: string;
}

interface ManifestLike {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
}

function objectLabel(manifest: ManifestLike): string {
    const name = String(manifest.metadata?.name ?? "<unnamed>");
    return manifest.metadata?.namespace ? `${manifest.metadata.namespace}/${name}` : name;
}

function problemsOf(manifest: ManifestLike): SchemaProblem[] {
    if (typeof manifest.apiVersion !== "string" || typeof manifest.kind !== "string") {
        return [{ path: "/", message: "has no apiVersion and kind" }];
    }
    if (manifest.apiVersion === "route.openshift.io/v1" && manifest.kind === "Route") {
        return validateRoute(manifest);
    }
    const problems = validateKubernetesObject(manifest as { apiVersion: string; kind: string });
    return problems ?? [{ path: "/", message: `no schema known for apiVersion ${manifest.apiVersion} kind ${manifest.kind} (add its kubernetes-models package in tools/schemaKubernetes.ts)` }];
}

/** A missing Route schema is a fact about this machine, not about the object: check again next time. */
function answerIsFinal(problems: SchemaProblem[]): boolean {
    return !problems.some((problem) => problem.message.startsWith(notValidatedPrefix));
}

export function validateManifests(manifests: readonly ManifestLike[], options: { useCache: boolean } = { useCache: true }): SchemaFinding[] {
    return manifests.flatMap((manifest) => {
        const identity = { kind: String(manifest.kind ?? "<no kind>"), object: objectLabel(manifest) };
        const problems = options.useCache ? cachedProblems(manifest, () => problemsOf(manifest), answerIsFinal) : problemsOf(manifest);
        return problems.map((problem) => ({ ...identity, ...problem }));
    });
}

/** "Deployment ns/name: /spec/replicas must be integer" */
export function describeFinding(finding: SchemaFinding): string {
    return `${finding.kind} ${finding.object}: ${finding.path} ${finding.message}`;
}
