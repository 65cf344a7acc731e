/**
 * Assertions and edits shared by the policies' tests (policy/policies/*.test.ts).
 * Not part of the pack (index.ts never imports it).
 */
import { strict as assert } from "assert";
import { compliantObjects } from "./fixtures";

/** Exactly one message, matching every pattern, that also tells how to fix it. */
export function assertOneViolation(messages: string[], ...patterns: RegExp[]): void {
    assert.equal(messages.length, 1, `expected one violation, got: ${JSON.stringify(messages, null, 2)}`);
    for (const pattern of patterns) {
        assert.match(messages[0], pattern);
    }
    assert.match(messages[0], / Fix: \S/);
}

/** The compliant stack with the objects of the given kind and name replaced (or removed with null). */
export function stackWith(replacements: Record<string, Record<string, any> | null>): Record<string, any>[] {
    const key = (object: Record<string, any>) => `${object.kind}/${object.metadata.name}`;
    const objects = compliantObjects().map((object) => (key(object) in replacements ? replacements[key(object)] : object));
    return objects.filter((object): object is Record<string, any> => object !== null);
}

/** A Deployment's pod spec. */
export const chatSpec = (deployment: Record<string, any>) => deployment.spec.template.spec;

/** The first container of a workload's pod template (CronJobs included). */
export const firstContainer = (workload: Record<string, any>) => (workload.spec.template ?? workload.spec.jobTemplate.spec.template).spec.containers[0];
