/**
 * The restore identity's role, defined once in restoreRole.json with exactly
 * createRole's fields. The bootstrap Job creates it in the replica set
 * (RESTORE_ROLE) and the backup verification creates it in its scratch
 * mongod from the same text, so both restore with the same privileges.
 * (Not named restoreRole.ts: require() would resolve "./restoreRole" to the JSON.)
 */
import { readFileSync } from "fs";
import * as path from "path";

export const restoreRolePath = path.join(__dirname, "restoreRole.json");

/** The definition as JSON text, byte for byte the file (it also feeds the bootstrap Job's digest). */
export function restoreRoleJson(): string {
    return readFileSync(restoreRolePath, "utf8");
}
