/**
 * What the ops commands need to know about a stack, taken from the outputs
 * the program exports (index.ts; read by stackOutputs.ts), so nothing here
 * repeats how components/ name or configure things. Every output is checked
 * before use: a stack last deployed by an older program, without an output,
 * is a clear error naming it.
 */
import * as v from "valibot";
import type { EnforcedSettings } from "../../components/rocketchat/enforcedSettings";
import { OpsError } from "./errors";
import { podOfHost } from "./replicaHealth";
import { OutputsSource, readStackOutputs } from "./stackOutputs";

const name = v.pipe(v.string(), v.minLength(1));
const userKeys = v.object({ username: name, password: name });

/** The outputs ops reads, and what each must hold. A test checks index.ts exports every one. */
export const opsOutputsSchema = v.object({
    namespace: name,
    mongodbStatefulSet: name,
    mongodbMemberHosts: v.pipe(v.array(name), v.minLength(1)),
    mongodbImage: name,
    mongodbDatabase: name,
    mongodbUsersSecret: v.object({ name, keys: v.object({ root: userKeys, app: userKeys }) }),
    rocketchatEnforcedSettings: v.object({ values: v.record(v.string(), v.string()), fromSecrets: v.array(v.string()) }),
    backupClaim: v.nullable(name),
    backupVerifyCronJob: v.nullable(name),
    backupSchedule: v.nullable(name),
    backupVerifySchedule: v.nullable(name),
    backupArchivePrefix: v.nullable(name),
    backupRunAsUser: v.nullable(v.pipe(v.number(), v.integer())),
});

export type OpsOutputs = v.InferOutput<typeof opsOutputsSchema>;

export const opsOutputNames = Object.keys(opsOutputsSchema.entries) as (keyof OpsOutputs)[];

export interface UserKeys {
    readonly usernameKey: string;
    readonly passwordKey: string;
}

export interface StackLayout {
    /** The stack's name, or the --outputs file, for messages. */
    readonly stack: string;
    readonly namespace: string;
    /** The MongoDB StatefulSet and its member pods, in member order. */
    readonly mongodb: { readonly statefulSet: string; readonly pods: readonly string[]; readonly image: string; readonly database: string };
    /** Secret with the MongoDB users and the keys of the root and app users. */
    readonly users: { readonly secret: string; readonly root: UserKeys; readonly app: UserKeys };
    /** The Rocket.Chat settings the program enforces. */
    readonly enforcedSettings: EnforcedSettings;
    /** Backups, when the stack has them. */
    readonly backup?: {
        readonly claimName: string;
        readonly verifyCronJob: string;
        readonly archivePrefix: string;
        readonly schedule: string;
        readonly verifySchedule: string;
        /** The UID the backup pods run as where UIDs are fixed; undefined where the platform assigns one (OpenShift). */
        readonly runAsUser?: number;
    };
}

const userKeysOf = (keys: { username: string; password: string }): UserKeys => ({ usernameKey: keys.username, passwordKey: keys.password });

/** The backup outputs are all set or all null (backups off); anything else is a broken export. */
function backupOf(label: string, o: OpsOutputs): StackLayout["backup"] {
    const required = { backupClaim: o.backupClaim, backupVerifyCronJob: o.backupVerifyCronJob, backupSchedule: o.backupSchedule, backupVerifySchedule: o.backupVerifySchedule, backupArchivePrefix: o.backupArchivePrefix };
    const missing = Object.entries(required).filter(([, value]) => value === null).map(([key]) => key);
    if (missing.length === Object.keys(required).length) {
        return undefined;
    }
    if (missing.length > 0) {
        throw new OpsError(`stack ${label}: outputs ${missing.join(", ")} are null while the other backup outputs are set: expected all of them (backups on) or none (off)`);
    }
    return {
        claimName: o.backupClaim!,
        verifyCronJob: o.backupVerifyCronJob!,
        archivePrefix: o.backupArchivePrefix!,
        schedule: o.backupSchedule!,
        verifySchedule: o.backupVerifySchedule!,
        ...(o.backupRunAsUser !== null ? { runAsUser: o.backupRunAsUser } : {}),
    };
}

/** Pure: the layout from a stack's outputs; an output that is missing or malformed is an OpsError naming it. */
export function layoutFromOutputs(label: string, outputs: unknown): StackLayout {
    const parsed = v.safeParse(opsOutputsSchema, outputs);
    if (!parsed.success) {
        const problems = parsed.issues.map((issue) => {
            const where = v.getDotPath(issue) ?? "(the whole document)";
            return issue.input === undefined ? `${where}: missing` : `${where} = ${JSON.stringify(issue.input)}: expected ${issue.expected ?? issue.message}`;
        });
        throw new OpsError(`stack ${label}: the outputs ops reads are missing or malformed (deploy the stack with this version of the program):\n  ${problems.join("\n  ")}`);
    }
    const o = parsed.output;
    return {
        stack: label,
        namespace: o.namespace,
        mongodb: { statefulSet: o.mongodbStatefulSet, pods: o.mongodbMemberHosts.map(podOfHost), image: o.mongodbImage, database: o.mongodbDatabase },
        users: { secret: o.mongodbUsersSecret.name, root: userKeysOf(o.mongodbUsersSecret.keys.root), app: userKeysOf(o.mongodbUsersSecret.keys.app) },
        enforcedSettings: o.rocketchatEnforcedSettings,
        backup: backupOf(label, o),
    };
}

/** Reads the outputs `source` names and returns the layout. */
export async function loadLayout(source: OutputsSource, timeoutSeconds: number): Promise<StackLayout> {
    const { label, values } = await readStackOutputs(source, timeoutSeconds);
    return layoutFromOutputs(label, values);
}
