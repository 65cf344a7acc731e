/**
 * Whether the restore test runs often enough for retention to mean anything.
 *
 * Pruning never removes the newest verified archive or anything newer
 * (scripts/retention.sh), so every backup taken since the last verification
 * stays on the claim. With `@hourly` backups and a `@yearly` verification the
 * claim keeps up to a year of hourly dumps until it fills, whatever
 * backupRetention says. So the most backups that can run between two
 * verifications must not exceed backupRetention, the number of archives the
 * claim is sized for.
 */
import { scheduledRunMinutes } from "../monitoring/cronInterval";

/** Two years of calendar days: every pattern of both schedules, leap day included, repeats within them. */
const horizonDays = 800;

/**
 * The most backup runs between two consecutive verification runs (the
 * stretch before the first verification left out), counting no further than
 * `enough` + 1: the caller only needs to know whether it is above `enough`.
 * Undefined when no backup runs after the first verification.
 */
export function mostBackupsBetweenVerifications(backupSchedule: string, verifySchedule: string, enough: number): number | undefined {
    const verifications = scheduledRunMinutes(verifySchedule, horizonDays);
    const backups = scheduledRunMinutes(backupSchedule, horizonDays);
    let verification = verifications.next();
    let backup = backups.next();
    // Skip to the first verification.
    while (!backup.done && !verification.done && backup.value <= verification.value) {
        backup = backups.next();
    }
    let most: number | undefined;
    for (verification = verifications.next(); !verification.done; verification = verifications.next()) {
        let count = 0;
        while (!backup.done && backup.value <= verification.value) {
            count++;
            backup = backups.next();
            if (count > enough) {
                return count;
            }
        }
        most = Math.max(most ?? 0, count);
    }
    // A verification that runs less than twice in two years bounds nothing while backups run.
    return most ?? (backup.done ? undefined : enough + 1);
}
