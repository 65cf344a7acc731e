/**
 * "Did you mean ...?" for misspelled keys: the known name nearest by edit
 * distance (case ignored), offered only when it is near enough to be the
 * likely intent, so a key from another program gets no misleading hint.
 */
import { distance } from "fastest-levenshtein";

/** The closest of `known` to `typed`, or undefined when none is plausibly meant. */
export function closestName(typed: string, known: readonly string[]): string | undefined {
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const d = distance(typed.toLowerCase(), name.toLowerCase());
        if (!best || d < best.distance) {
            best = { name, distance: d };
        }
    }
    // A third of the longer name: "channel" -> "channels", "mongodbMember" -> "mongodbMembers", "backupShedule" -> "backupSchedule".
    const tolerance = best ? Math.max(2, Math.ceil(Math.max(typed.length, best.name.length) / 3)) : 0;
    return best && best.distance <= tolerance ? best.name : undefined;
}

/** "; did you mean X?" or nothing. */
export function didYouMean(typed: string, known: readonly string[], show: (name: string) => string = (name) => name): string {
    const nearest = closestName(typed, known);
    return nearest === undefined ? "" : `; did you mean ${show(nearest)}?`;
}
