/**
 * The ConfigMap every backup pod mounts at /scripts: the files of
 * components/backup/scripts, the restore role the replica-set bootstrap
 * creates, which the verification recreates in its scratch mongod, and the
 * bootstrap's rule for users of other generations, which the restore applies.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { paths, scriptFiles } from "./layout";

export function backupScriptsConfigMapName(name: string): string {
    return `${name}-backup-scripts`;
}

export function backupScriptsConfigMap(name: string, namespace: string, labels: Record<string, string>) {
    const scriptsDir = path.join(__dirname, "scripts");
    return {
        apiVersion: "v1" as const,
        kind: "ConfigMap" as const,
        metadata: { name: backupScriptsConfigMapName(name), namespace, labels },
        data: {
            ...Object.fromEntries(scriptFiles.map((file) => [file, readFileSync(path.join(scriptsDir, file), "utf8")])),
            // The verification creates the production restore role from the bootstrap's own definition.
            [path.basename(paths.restoreRole)]: readFileSync(path.join(__dirname, "..", "mongodb", "restoreRole.json"), "utf8"),
            // The restore drops other generations of the platform users by the bootstrap's own rule.
            [path.basename(paths.userGenerations)]: readFileSync(path.join(__dirname, "..", "mongodb", "userGenerations.js"), "utf8"),
        },
    };
}
