/**
 * Remembers schema problems per object content, so a render whose objects did
 * not change does not load the validators at all (kubernetes-models costs
 * about 0.3 s of module loading per process). The key covers everything the
 * answer depends on: the object's JSON, the validator sources in tools/ and
 * the versions of the kubernetes-models packages and the pinned Route CRD. Results live in
 * the git-ignored .cache/; deleting it only costs time.
 */
import { createHash } from "crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import * as path from "path";
import type { SchemaProblem } from "./schemaProblem";
import { defaultCacheDir, openshiftApiVersion } from "./schemaRouteSource";

let validatorFingerprint: string | undefined;

/** Changes whenever the validation logic or the schemas behind it change. */
function fingerprint(): string {
    if (validatorFingerprint === undefined) {
        const hash = createHash("sha256");
        for (const modelPackage of ["kubernetes-models", "@kubernetes-models/prometheus-operator"]) {
            hash.update(require(`${modelPackage}/package.json`).version);
        }
        hash.update(openshiftApiVersion);
        for (const file of readdirSync(__dirname).filter((name) => name.startsWith("schema")).sort()) {
            hash.update(file).update(readFileSync(path.join(__dirname, file)));
        }
        validatorFingerprint = hash.digest("hex");
    }
    return validatorFingerprint;
}

function resultFile(object: unknown): string {
    const key = createHash("sha256").update(fingerprint()).update(JSON.stringify(object)).digest("hex");
    return path.join(defaultCacheDir, "schema-results", `${key}.json`);
}

/**
 * The problems of `object`, from the cache or from `validate`. Only answers
 * that do not depend on the outside world are kept: a Route whose schema could
 * not be fetched is checked again next time.
 */
export function cachedProblems(object: unknown, validate: () => SchemaProblem[], cacheable: (problems: SchemaProblem[]) => boolean): SchemaProblem[] {
    const file = resultFile(object);
    try {
        return JSON.parse(readFileSync(file, "utf8"));
    } catch {
        const problems = validate();
        if (cacheable(problems)) {
            mkdirSync(path.dirname(file), { recursive: true });
            const partial = `${file}.${process.pid}.tmp`;
            writeFileSync(partial, JSON.stringify(problems));
            renameSync(partial, file);
        }
        return problems;
    }
}
