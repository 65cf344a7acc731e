/**
 * Validates OpenShift Routes (route.openshift.io/v1) against the CRD's
 * openAPIV3Schema with ajv, made strict about unknown fields the way the
 * apiserver prunes them, and their metadata against ObjectMeta. CEL rules
 * (x-kubernetes-validations) only run in a real apiserver and are skipped.
 */
import type { ValidateFunction } from "ajv";
import { problemsFromAjv, SchemaProblem } from "./schemaProblem";
import { validateObjectMeta } from "./schemaKubernetes";
import { loadRouteSchema, RouteSchemaUnavailable } from "./schemaRouteSource";

/** Applies `change` to every schema node of a structural schema, children first. */
function mapSchemaNodes(schema: any, change: (node: any) => any): any {
    if (!schema || typeof schema !== "object") {
        return schema;
    }
    const node: any = { ...schema };
    if (schema.properties) {
        node.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, mapSchemaNodes(property, change)]));
    }
    for (const single of ["items", "additionalProperties", "not"]) {
        if (schema[single] && typeof schema[single] === "object") {
            node[single] = mapSchemaNodes(schema[single], change);
        }
    }
    for (const combinator of ["allOf", "anyOf", "oneOf"]) {
        if (Array.isArray(schema[combinator])) {
            node[combinator] = schema[combinator].map((branch: any) => mapSchemaNodes(branch, change));
        }
    }
    return change(node);
}

/**
 * What the apiserver reads into a structural schema but ajv cannot: keywords
 * generated as null (the Route CRD has `anyOf: null`) mean absent, and
 * x-kubernetes-int-or-string means integer or string.
 */
function asJsonSchemaNode(node: any): any {
    const cleaned = Object.fromEntries(Object.entries(node).filter(([, value]) => value !== null));
    if (cleaned["x-kubernetes-int-or-string"] === true && cleaned.type === undefined && cleaned.anyOf === undefined) {
        cleaned.anyOf = [{ type: "integer" }, { type: "string" }];
    }
    return cleaned;
}

/** additionalProperties: false wherever a node lists properties and does not preserve unknown fields. */
function closeObjectNode(node: any): any {
    const open = node.additionalProperties !== undefined || node["x-kubernetes-preserve-unknown-fields"] === true;
    return node.properties && !open ? { ...node, additionalProperties: false } : node;
}

/** The CRD schema as a strict JSON schema for ajv. */
export function strictRouteJsonSchema(crdSchema: object): object {
    return mapSchemaNodes(crdSchema, (node) => closeObjectNode(asJsonSchemaNode(node)));
}

let compiled: ValidateFunction | Error | undefined;

function routeValidator(): ValidateFunction {
    if (compiled === undefined) {
        try {
            const Ajv = require("ajv").default;
            const addFormats = require("ajv-formats").default;
            // strict: false lets ajv ignore the x-kubernetes-* extension keywords.
            const ajv = new Ajv({ allErrors: true, strict: false });
            addFormats(ajv);
            ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
            ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
            compiled = ajv.compile(strictRouteJsonSchema(loadRouteSchema())) as ValidateFunction;
        } catch (error) {
            compiled = error as Error;
        }
    }
    if (compiled instanceof Error) {
        throw compiled;
    }
    return compiled;
}

/** Starts the message of a Route that could not be checked. */
export const notValidatedPrefix = "not validated:";

export function validateRoute(route: { metadata?: object }): SchemaProblem[] {
    let validate: ValidateFunction;
    try {
        validate = routeValidator();
    } catch (error) {
        const reason = error instanceof RouteSchemaUnavailable ? error.message : `the Route schema could not be compiled: ${(error as Error).message}`;
        return [{ path: "/", message: `${notValidatedPrefix} ${reason}` }];
    }
    const problems = validate(route) ? [] : problemsFromAjv(validate.errors ?? []);
    return [...problems, ...validateObjectMeta(route.metadata ?? {})];
}
