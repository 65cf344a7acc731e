/**
 * The shape of the placement settings platform teams expect from a chart:
 * node selectors, tolerations, priority classes, extra pod labels and
 * annotations (`podPlacement`, per workload) and image pull secrets. Rules
 * follow the apiserver's (k8s.io/kubernetes pkg/apis/core/validation,
 * validation.go validateTolerations, ValidateNodeSelector via the label
 * rules in kubernetesMetadata.ts); a value it would refuse at `pulumi up`,
 * after other objects changed, is refused here first, and so is a toleration
 * that defeats failover (deniedValues.ts). Pod labels and annotations the
 * program sets itself are refused by programOwned.ts.
 */
import * as v from "valibot";
import { deniedToleration } from "./deniedValues";
import { annotationKeyProblem, dnsSubdomainProblem, labelKeyProblem, labelValueProblem } from "./kubernetesMetadata";

/** The workloads a `podPlacement` entry can address; `all` applies to each of them first. */
export const placedWorkloads = ["mongodb", "rocketchat", "backup", "exporter", "channels"] as const;
export type PlacedWorkload = (typeof placedWorkloads)[number];

const tolerationOperators = ["Exists", "Equal"] as const;
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** A map whose keys and values obey `problem`; the message names the offending entry. */
const checkedMap = (what: string, keyProblem: (key: string) => string | undefined, valueProblem: (value: string) => string | undefined) =>
    v.pipe(
        v.record(v.string(), v.string(`${what} values as strings`), `${what} as a map of key: value`),
        v.rawCheck<Record<string, string>>(({ dataset, addIssue }) => {
            if (!dataset.typed) {
                return;
            }
            for (const [key, value] of Object.entries(dataset.value)) {
                const problem = keyProblem(key) ?? valueProblem(value);
                if (problem) {
                    addIssue({ message: `${what} with ${problem}; ${JSON.stringify(key)}: ${JSON.stringify(value)} is not` });
                }
            }
        }),
    );

/** validateTolerations: the rules the apiserver applies to one toleration. */
function tolerationProblem(t: { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }): string | undefined {
    const key = t.key ?? "";
    const operator = t.operator ?? "Equal";
    if (key !== "") {
        const problem = labelKeyProblem(key);
        if (problem) {
            return `a key that is a qualified name: ${problem}`;
        }
    } else if (operator !== "Exists") {
        return "operator Exists when key is empty (an empty key with Exists tolerates every taint)";
    }
    if (operator === "Exists" && (t.value ?? "") !== "") {
        return "no value with operator Exists";
    }
    if (operator === "Equal") {
        const problem = labelValueProblem(t.value ?? "");
        if (problem) {
            return `a value that is a label value: ${problem}`;
        }
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
        return "effect NoExecute when tolerationSeconds is set";
    }
    return undefined;
}

const toleration = v.pipe(
    v.strictObject({
        key: v.optional(v.string("a toleration key string")),
        operator: v.optional(v.picklist(tolerationOperators, `a toleration operator of ${tolerationOperators.join(" or ")}`)),
        value: v.optional(v.string("a toleration value string")),
        effect: v.optional(v.picklist(taintEffects, `a toleration effect of ${taintEffects.join(", ")} (or none for all effects)`)),
        tolerationSeconds: v.optional(v.pipe(v.number("tolerationSeconds as a number"), v.integer("whole tolerationSeconds"), v.minValue(0, "tolerationSeconds of 0 or more"))),
    }, "a toleration {key, operator, value, effect, tolerationSeconds} (no other keys)"),
    v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed) {
            return;
        }
        const problem = tolerationProblem(dataset.value);
        // Only a toleration the apiserver accepts is judged for what it does.
        const denied = problem ? undefined : deniedToleration(dataset.value);
        if (problem || denied) {
            addIssue({ message: problem ? `a toleration with ${problem}` : denied! });
        }
    }),
);

const optionalName = (what: string) => v.optional(v.pipe(v.string(`${what} as a string`), v.rawCheck<string>(({ dataset, addIssue }) => {
    const problem = dataset.typed ? dnsSubdomainProblem(dataset.value) : undefined;
    if (problem) {
        addIssue({ message: `${what} that is ${problem}` });
    }
})));

export const workloadPlacementSchema = v.strictObject({
    nodeSelector: v.optional(checkedMap("nodeSelector", labelKeyProblem, labelValueProblem)),
    tolerations: v.optional(v.array(toleration, "tolerations as a list")),
    priorityClassName: optionalName("a priorityClassName"),
    podLabels: v.optional(checkedMap("podLabels", labelKeyProblem, labelValueProblem)),
    podAnnotations: v.optional(checkedMap("podAnnotations", annotationKeyProblem, () => undefined)),
}, "an object with nodeSelector, tolerations, priorityClassName, podLabels and podAnnotations (no other keys)");
export type WorkloadPlacementSetting = v.InferOutput<typeof workloadPlacementSchema>;

export const podPlacementSchema = v.strictObject(
    Object.fromEntries(["all", ...placedWorkloads].map((workload) => [workload, v.optional(workloadPlacementSchema)])) as Record<"all" | PlacedWorkload, v.OptionalSchema<typeof workloadPlacementSchema, undefined>>,
    `an object keyed by all, ${placedWorkloads.join(", ")} (no other keys)`,
);
export type PodPlacementSetting = v.InferOutput<typeof podPlacementSchema>;

/** Image pull secret names: Secret names in the namespace. */
export const pullSecretName = (name: string) => dnsSubdomainProblem(name);
