/**
 * Defaults of the backup arguments that have one: the same values as the
 * corresponding settings' defaults in Pulumi.yaml (test/backupStack.test.ts
 * compares them), so the component behaves like the platform without it.
 */
import type { ResourceSettings } from "../podShapes";

export const backupDefaults = {
    /** backupSchedule */
    schedule: "15 2 * * *",
    /** backupRetention */
    retention: 7,
    /** backupVerifySchedule */
    verifySchedule: "45 3 * * *",
    /** backupStorageSize */
    storageSize: "50Gi",
    /** backupSuspectBelowPercent */
    suspectBelowPercent: 50,
    /** backupCpuRequest, backupCpuLimit, backupMemoryRequest, backupMemoryLimit */
    resources: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi" } as ResourceSettings,
    /** fixedUids */
    fixedUid: true,
    /** mongodbStorageSize: the restored database fits in a member's volume. */
    scratchSize: "20Gi",
} as const;
