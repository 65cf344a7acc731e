// How many backups can run between two restore tests (components/backup/verificationCadence.ts).
import { strict as assert } from "assert";
import { mostBackupsBetweenVerifications } from "../components/backup/verificationCadence";
import { settingsFor } from "./support/settings";

describe("the verification cadence bounds the archives kept (issue 25 finding 5)", () => {
    it("counts the backups between consecutive verifications, stopping once past what is asked", () => {
        assert.equal(mostBackupsBetweenVerifications("15 2 * * *", "45 3 * * *", 7), 1, "the defaults: one nightly archive per restore test");
        assert.equal(mostBackupsBetweenVerifications("15 2 * * *", "0 4 * * 0", 7), 7, "daily backups, weekly test: seven");
        assert.equal(mostBackupsBetweenVerifications("@hourly", "@daily", 30), 24);
        assert.equal(mostBackupsBetweenVerifications("@hourly", "@yearly", 7), 8, "stops counting at retention + 1");
        assert.equal(mostBackupsBetweenVerifications("* * * * *", "@daily", 7), 8, "an every-minute backup is not stepped through for two years");
    });

    it("a verification that runs less than twice in two years bounds nothing", () => {
        assert.equal(mostBackupsBetweenVerifications("@daily", "0 0 29 2 *", 7), 8);
    });

    it("is a settings rule only while backups run, and a larger retention admits the faster backup", () => {
        assert.doesNotThrow(() => settingsFor("prod", { backupSchedule: "@hourly", backupRetention: 24 }));
        assert.doesNotThrow(() => settingsFor("prod", { backupSchedule: "@hourly", backupVerifySchedule: "@yearly", backupEnabled: false }));
    });
});
