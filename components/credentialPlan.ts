/**
 * Rotation on purpose: which generation of each generated credential this run
 * declares, given the generation settings (mongodb<Role>PasswordGeneration,
 * mongodbKeyfileGeneration, adminPasswordGeneration) and what the previous
 * successful run recorded (upgrades/deploymentRecord.ts). Pure: no Pulumi.
 *
 * A generation may stay or rise by exactly one per run. Raising it is a
 * rotation run: the previous generation's value is declared once more (so
 * the bootstrap can still log in with it, and so the next run may delete it)
 * next to the new one. The run after that declares the new one alone.
 *
 * The keyfile needs two runs (MongoDB, "Rotate Keys for Self-Managed Replica
 * Sets": members authenticate each other while at least one key is common):
 * the rotation run gives every member both keys, old first, and records phase
 * "both"; the next run with the same generation gives the new key alone and
 * records "single".
 */
import type { SettingName } from "./settings";

/** Every generated credential that can be rotated. */
export const credentialIds = ["root", "app", "backup", "restore", "monitoring", "keyfile", "admin"] as const;
export type CredentialId = (typeof credentialIds)[number];

/** The setting that holds each credential's wanted generation. */
export const generationSettings: Readonly<Record<CredentialId, SettingName>> = {
    root: "mongodbRootPasswordGeneration",
    app: "mongodbAppPasswordGeneration",
    backup: "mongodbBackupPasswordGeneration",
    restore: "mongodbRestorePasswordGeneration",
    monitoring: "mongodbMonitoringPasswordGeneration",
    keyfile: "mongodbKeyfileGeneration",
    admin: "adminPasswordGeneration",
};

export type Generations = Readonly<Record<CredentialId, number>>;

/** "both": members hold the previous and the current key; "single": the current key alone. */
export type KeyfilePhase = "single" | "both";

/** What a run recorded about its credentials; an old record without it means all 0, "single". */
export interface RecordedCredentials {
    readonly credentialGenerations: Generations;
    readonly keyfilePhase: KeyfilePhase;
}

export const initialCredentials: RecordedCredentials = {
    credentialGenerations: Object.fromEntries(credentialIds.map((id) => [id, 0])) as Record<CredentialId, number>,
    keyfilePhase: "single",
};

/** The generations one credential declares this run: `previous` only in its rotation run. */
export interface CredentialGeneration {
    readonly current: number;
    readonly previous?: number;
}

export interface CredentialPlan {
    readonly credentials: Readonly<Record<CredentialId, CredentialGeneration>>;
    /** The keyfile's keys by generation, in file order (the previous key first). */
    readonly keyfileKeys: readonly number[];
    /** True when the members' keyfile changes this run (a rotation, or the run finishing one): a rolling restart. */
    readonly keyfileChanges: boolean;
    /** What this run records once it completes. */
    readonly record: RecordedCredentials;
}

/** Each credential's wanted generation, read off the settings. */
export function wantedGenerations(settings: { readonly [K in SettingName]?: unknown }): Generations {
    return Object.fromEntries(credentialIds.map((id) => [id, Number(settings[generationSettings[id]] ?? 0)])) as Record<CredentialId, number>;
}

/**
 * The plan of this run. Without a record (a first install) every credential
 * starts at its wanted generation with nothing previous. Call only after
 * rotationRefusals found nothing: a refused change is planned as if fresh.
 */
export function planCredentials(recorded: RecordedCredentials | undefined, wanted: Generations): CredentialPlan {
    const credentials = Object.fromEntries(credentialIds.map((id) => {
        const before = recorded?.credentialGenerations[id];
        const rotating = before !== undefined && wanted[id] === before + 1;
        return [id, rotating ? { current: wanted[id], previous: before } : { current: wanted[id] }];
    })) as Record<CredentialId, CredentialGeneration>;
    const keyfile = credentials.keyfile;
    // A rotation gives both keys; the run after it (same generation, phase "both") the new one alone.
    const keyfileKeys = keyfile.previous !== undefined ? [keyfile.previous, keyfile.current] : [keyfile.current];
    const finishing = recorded?.keyfilePhase === "both" && keyfileKeys.length === 1;
    return {
        credentials,
        keyfileKeys,
        keyfileChanges: keyfileKeys.length === 2 || finishing,
        record: { credentialGenerations: wanted, keyfilePhase: keyfileKeys.length === 2 ? "both" : "single" },
    };
}

/** What the operator must know after this run: a keyfile rotation needs a second pulumi up. */
export function rotationWarnings(plan: CredentialPlan): string[] {
    if (plan.keyfileKeys.length !== 2) {
        return [];
    }
    return [`keyfile rotation to generation ${plan.credentials.keyfile.current} is half done: the members now hold the old and the new key. ` +
        `Run pulumi up again (with ${generationSettings.keyfile} unchanged) to remove the old key.`];
}

/** True when this run rotates the credential (declares its previous generation too). */
export function rotates(plan: CredentialPlan, id: CredentialId): boolean {
    return plan.credentials[id].previous !== undefined;
}

export interface RotationRefusal {
    readonly setting: SettingName;
    readonly value: number;
    /** What is wrong and what to do instead. */
    readonly reason: string;
}

export interface RotationContext {
    /**
     * True when the upgrade guard Job runs this run (versions or members
     * change): it logs in as root and dumps as the backup user with the
     * values of the users Secret before the bootstrap could switch them.
     */
    readonly upgradeGuardRuns: boolean;
    /**
     * True while restoreArchive is set: Rocket.Chat stays at zero replicas and
     * no channels Job runs, so nothing could change the admin password in
     * Rocket.Chat. Defaults to false.
     */
    readonly restoreRuns?: boolean;
}

/** Credentials the upgrade guard Job logs in with (upgradeGuardObjects.ts: root for the checks, backup for its dump). */
const usedByUpgradeGuard: readonly CredentialId[] = ["root", "backup"];

/** Every refused generation change, each naming the setting, the value, the recorded value and what is allowed. */
export function rotationRefusals(recorded: RecordedCredentials | undefined, wanted: Generations, context: RotationContext): RotationRefusal[] {
    if (recorded === undefined) {
        return [];
    }
    const refusals: RotationRefusal[] = [];
    for (const id of credentialIds) {
        const setting = generationSettings[id];
        const before = recorded.credentialGenerations[id];
        const value = wanted[id];
        const allowed = `set ${setting} to ${before} (keep) or ${before + 1} (rotate), one step per pulumi up`;
        if (value < before) {
            refusals.push({
                setting, value,
                reason: `the last run deployed generation ${before}; a lower generation would bring back a value the database no longer accepts (generations are never reused). ${allowed}`,
            });
        } else if (value > before + 1) {
            refusals.push({
                setting, value,
                reason: `the last run deployed generation ${before}; skipping generations would drop the value the running pods still use before the new one is in place. ${allowed}`,
            });
        } else if (value === before + 1 && id === "keyfile" && recorded.keyfilePhase === "both") {
            refusals.push({
                setting, value,
                reason: `the keyfile rotation to generation ${before} is half done (members hold two keys, and MongoDB accepts at most two). ` +
                    `Run pulumi up once more with ${setting} = ${before} to finish it, then raise it to ${before + 1}`,
            });
        } else if (value === before + 1 && id === "admin" && context.restoreRuns) {
            refusals.push({
                setting, value,
                reason: `a restore is in progress (restoreArchive is set): Rocket.Chat is stopped and no channels Job runs to change the password in Rocket.Chat, ` +
                    `so the next run would drop the only password it accepts. Keep ${setting} at ${before} until the restore is finished and restoreArchive is empty again`,
            });
        } else if (value === before + 1 && context.upgradeGuardRuns && usedByUpgradeGuard.includes(id)) {
            refusals.push({
                setting, value,
                reason: `this run also changes versions or members, so the upgrade guard Job runs first and logs in with the ${id} credentials before the bootstrap could switch them. ` +
                    `Rotate in a run of its own: keep ${setting} at ${before} for this change, then raise it to ${value}`,
            });
        }
    }
    return refusals;
}

/**
 * The Pulumi resource name of a credential's generation: generation 0 keeps
 * the name stacks have always had (no replacement on upgrade), later ones end
 * in -g<generation>.
 */
export function generationName(base: string, generation: number): string {
    return generation === 0 ? base : `${base}-g${generation}`;
}

/** The MongoDB user name of a role's generation: the root user keeps "root" (the image creates it, on an empty volume only). */
export function generationUsername(base: string, role: string, generation: number): string {
    return role === "root" ? base : generationName(base, generation);
}

/**
 * Pod-template annotation naming the credential generations a pod was started
 * with (numbers only, never values): a Secret change alone restarts nobody,
 * so a rotation that running pods must pick up changes this annotation.
 */
export const credentialGenerationsAnnotation = "rocketchat-ha.io/credential-generations";

/**
 * The annotations that roll a workload when one of `ids` rotates; none while
 * they are all at generation 0 with nothing previous, so stacks that never
 * rotated do not roll on upgrade.
 */
export function rolloutAnnotations(plan: CredentialPlan, ids: readonly CredentialId[]): Record<string, string> {
    const parts = ids.map((id) => id === "keyfile" ? `keyfile=${plan.keyfileKeys.join("+")}` : `${id}=${plan.credentials[id].current}`);
    return neverRotated(plan, ids) ? {} : { [credentialGenerationsAnnotation]: parts.join(",") };
}

/** What the bootstrap Job's name digest takes from the plan (generations, never values); undefined for a stack that never rotated, so its Job keeps its name. */
export function planDigestInput(plan: CredentialPlan): unknown {
    return neverRotated(plan, credentialIds) ? undefined : { generations: plan.credentials, keyfile: plan.keyfileKeys };
}

/** True while these credentials are at generation 0 with nothing previous: what every stack ran before rotation existed. */
function neverRotated(plan: CredentialPlan, ids: readonly CredentialId[]): boolean {
    return ids.every((id) => plan.credentials[id].current === 0 && !rotates(plan, id));
}
