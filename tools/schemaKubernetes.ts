/**
 * Validates Kubernetes kinds with kubernetes-models 4.5.1 (built-in kinds)
 * and its sibling packages (custom resources such as ServiceMonitor): the
 * official OpenAPI schema (types, required fields, enums, quantities) plus
 * unknown-field strictness derived from the same schema.
 * Each kind's model is required on demand: loading all of them costs time.
 */
import { problemsFromAjv, SchemaProblem, unknownFieldProblems } from "./schemaProblem";
import { recordFieldAccess } from "./schemaUnknownFields";

interface KindModel {
    prototype: { validate(this: unknown): void };
}

// apiVersion and kind become a module path: accept only what they can look like.
const apiVersionShape = /^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const kindShape = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Packages of the kubernetes-models family that hold the schemas of a custom
 * resource group (generated from the project's CRDs, same validators, same
 * .validate()). Built-in groups live in kubernetes-models itself.
 */
const customResourceModelPackages: Record<string, string> = {
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

function modelPackage(apiVersion: string): string {
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
    return customResourceModelPackages[group] ?? "kubernetes-models";
}

function loadKindModel(apiVersion: string, kind: string): KindModel | undefined {
    if (!apiVersionShape.test(apiVersion) || !kindShape.test(kind)) {
        return undefined;
    }
    try {
        return require(`${modelPackage(apiVersion)}/${apiVersion}/${kind}`)[kind];
    } catch (error: any) {
        // Unknown kinds fail resolution through the package's "exports" map or its files.
        if (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
            return undefined;
        }
        throw error;
    }
}

/** True when kubernetes-models has a schema for this kind. */
export function hasKubernetesModel(apiVersion: string, kind: string): boolean {
    return loadKindModel(apiVersion, kind) !== undefined;
}

/** Runs a model's validator over `object`; returns schema and unknown-field problems. */
export function validateWithModel(model: KindModel, object: object): SchemaProblem[] {
    const recorder = recordFieldAccess(object);
    let problems: SchemaProblem[] = [];
    try {
        // The class's own validate(), run on the recording proxy rather than a copy.
        model.prototype.validate.call(recorder.proxy);
    } catch (error: any) {
        if (!Array.isArray(error?.errors)) {
            throw error;
        }
        problems = problemsFromAjv(error.errors);
    }
    return [...problems, ...unknownFieldProblems(recorder.unknownFieldPaths())];
}

/** Problems of a built-in kind, or undefined when kubernetes-models has no such kind. */
export function validateKubernetesObject(object: { apiVersion: string; kind: string }): SchemaProblem[] | undefined {
    const model = loadKindModel(object.apiVersion, object.kind);
    return model ? validateWithModel(model, object) : undefined;
}

/** ObjectMeta's schema, for kinds whose own schema leaves metadata open (CRDs). */
export function validateObjectMeta(metadata: object): SchemaProblem[] {
    const { ObjectMeta } = require("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta");
    return validateWithModel(ObjectMeta, metadata).map((problem) => ({ ...problem, path: `/metadata${problem.path === "/" ? "" : problem.path}` }));
}
