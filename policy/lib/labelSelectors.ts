/**
 * Kubernetes label-selector semantics (metav1.LabelSelector): matchLabels
 * and matchExpressions are ANDed. A missing selector matches nothing; an
 * empty one matches everything, which our policies treat separately.
 */
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Unwrap } from "@pulumi/pulumi";
import { Labels, LabelSelector } from "./kubernetes";

type Requirement = Unwrap<k8s.meta.v1.LabelSelectorRequirement>;

function expressionMatches(expression: Requirement, labels: Labels): boolean {
    const present = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
        case "In":
            return present && values.includes(labels[expression.key]);
        case "NotIn":
            return !present || !values.includes(labels[expression.key]);
        case "Exists":
            return present;
        case "DoesNotExist":
            return !present;
        default:
            // An unknown operator is rejected by the API server: it selects nothing.
            return false;
    }
}

export function selectorMatches(selector: LabelSelector | undefined | null, labels: Labels): boolean {
    if (!selector) {
        return false;
    }
    const matchLabels = selector.matchLabels ?? {};
    const expressions = selector.matchExpressions ?? [];
    return Object.entries(matchLabels).every(([key, value]) => labels[key] === value)
        && expressions.every((expression) => expressionMatches(expression, labels));
}

/** A selector with no requirement at all selects every pod. */
export function selectsEverything(selector: LabelSelector | undefined | null): boolean {
    return !!selector
        && Object.keys(selector.matchLabels ?? {}).length === 0
        && (selector.matchExpressions ?? []).length === 0;
}
