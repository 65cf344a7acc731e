/**
 * Names of the backup CronJobs. The backup component names its CronJobs with
 * this function and the monitoring alerts (declared earlier, so unable to read
 * the backups' outputs) find them with it: one definition, no drift.
 */
export function backupCronJobNames(instance: string): { backup: string; uploads: string; verify: string } {
    return { backup: `${instance}-backup`, uploads: `${instance}-backup-uploads`, verify: `${instance}-backup-verify` };
}
