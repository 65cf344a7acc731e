/**
 * The short digest a run-once Job carries in its name. A Job's pod template
 * is immutable and a completed Job never runs again, so a change to what it
 * does must give it a new name; an unchanged one keeps its name (no diff).
 */
import { createHash } from "crypto";

/** Eight hex characters of the SHA-256 of `value`'s JSON (keys in the order the caller wrote them). */
export function nameDigest(value: unknown): string {
    return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 8);
}
