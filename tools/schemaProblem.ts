/** One reason a manifest does not match its schema, in words a reviewer can act on. */
export interface SchemaProblem {
    /** JSON pointer into the object, "/" for the object itself. */
    readonly path: string;
    readonly message: string;
}

/** The fields of an ajv error object we read (kubernetes-models and our ajv both produce them). */
interface AjvLikeError {
    readonly instancePath: string;
    readonly keyword: string;
    readonly message?: string;
    readonly params: Record<string, any>;
}

/** Turns ajv errors into problems, naming the offending property or allowed values where ajv only hints at them. */
export function problemsFromAjv(errors: readonly AjvLikeError[]): SchemaProblem[] {
    const problems = errors
        // anyOf/oneOf summaries repeat what their branches already said.
        .filter((error) => error.keyword !== "anyOf" && error.keyword !== "oneOf")
        .map((error) => {
            let message = error.message ?? error.keyword;
            if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
                message = `must be one of ${error.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}`;
            }
            if (error.keyword === "additionalProperties" && error.params.additionalProperty) {
                return { path: `${error.instancePath}/${error.params.additionalProperty}`, message: "is not a field of this schema (unknown field)" };
            }
            return { path: error.instancePath || "/", message };
        });
    return uniqueProblems(problems);
}

export function unknownFieldProblems(paths: readonly string[]): SchemaProblem[] {
    return paths.map((path) => ({ path, message: "is not a field of this schema (unknown field)" }));
}

function uniqueProblems(problems: SchemaProblem[]): SchemaProblem[] {
    const seen = new Set<string>();
    return problems.filter((problem) => {
        const key = `${problem.path}\u0000${problem.message}`;
        if (seen.has(key)) {
            return false;
        }
        seen.add(key);
        return true;
    });
}
