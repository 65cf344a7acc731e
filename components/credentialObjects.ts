/**
 * The Secrets that carry the generated credentials (MongoDB users, the
 * replica-set keyfile, the Rocket.Chat break-glass administrator), as plain
 * objects. The generated values enter as opaque values of `V`: placeholder
 * strings in tests and the render, Pulumi secret Outputs in the program (the
 * random resources stay in the Credentials component, credentials.ts).
 * Names and keys are pure functions of the instance name, for the workloads
 * that reference them.
 */
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { Built } from "./builtObject";
import { CredentialPlan, generationUsername, planCredentials, initialCredentials } from "./credentialPlan";
import { standardLabels } from "./labels";

/** The MongoDB users the bootstrap creates (root comes from the image's entrypoint), in the Secret's key order. */
export const mongoRoles = ["root", "app", "backup", "restore", "monitoring"] as const;
export type MongoRole = (typeof mongoRoles)[number];

/** User name of each MongoDB user at generation 0; later generations end in -g<N> (root excepted, credentialPlan.ts). */
export const mongoUsernames: Readonly<Record<MongoRole, string>> = {
    root: "root",
    app: "rocketchat",
    backup: "backup",
    restore: "restore",
    monitoring: "monitoring",
};

/** A MongoDB user: its name and the keys of the users Secret holding the name and the password. */
export interface MongoUserRef {
    readonly username: string;
    readonly usernameKey: string;
    readonly passwordKey: string;
}

/** A role's user at a generation (0 unless rotated): consumers read the name from the Secret's `<role>-username`. */
export function mongoUserRef(role: MongoRole, generation = 0): MongoUserRef {
    return { username: generationUsername(mongoUsernames[role], role, generation), usernameKey: `${role}-username`, passwordKey: `${role}-password` };
}

/**
 * The previous generation's user of each role rotating this run (root
 * excepted: its password rotates in place), which stays for pods not
 * restarted yet. Every other generation of a platform user is dropped, by the
 * bootstrap and by a restore that brought one back (mongodb/userGenerations.js).
 */
export function previousUsernames(plan: CredentialPlan): string[] {
    return mongoRoles.filter((role) => role !== "root" && plan.credentials[role].previous !== undefined)
        .map((role) => mongoUserRef(role, plan.credentials[role].previous).username);
}

/** PREVIOUS_USERNAMES (JSON list of names, no secret) for bootstrap.js and the restore; absent when no user rotates. */
export function previousUsernamesEnv(previous: readonly string[]): { name: string; value: string }[] {
    return previous.length > 0 ? [{ name: "PREVIOUS_USERNAMES", value: JSON.stringify(previous) }] : [];
}

/**
 * The users Secret's key holding the root password of the previous
 * generation, present only in the run that rotates it: the bootstrap logs in
 * with it when the current one is refused, and changes it (bootstrap.js).
 */
export const previousRootPasswordKey = "root-password-previous";

/** The admin Secret's key holding the previous password, present only in the run that rotates it (the channels Job changes it). */
export const previousAdminPasswordKey = "previous-password";

/** The plan of a stack that never rotated: every credential at generation 0. */
export const unrotatedPlan: CredentialPlan = planCredentials(undefined, initialCredentials.credentialGenerations);

/** Names of the instance's credential Secrets. */
export interface CredentialSecretNames {
    /** The MongoDB users (keys `<role>-username`, `<role>-password`). */
    readonly mongoUsers: string;
    /** Key `keyfile`: the replica-set internal authentication key. */
    readonly keyfile: string;
    /** Keys `username`, `password`, `email` of the break-glass admin. */
    readonly admin: string;
}

export function credentialSecretNames(name: string): CredentialSecretNames {
    return { mongoUsers: `${name}-mongodb-users`, keyfile: `${name}-mongodb-keyfile`, admin: `${name}-admin` };
}

/** How passwords are generated: URI-safe (no special characters), as they are embedded in mongodb:// connection strings. */
export const generatedPassword = { length: 32, special: false } as const;

/**
 * Random bytes of the keyfile: 756 bytes encode to 1008 standard-base64
 * characters without padding, inside mongod's 6..1024 limit and only base64
 * characters (security.keyFile: "between 6 and 1024 characters ... only
 * characters in the base64 set").
 */
export const keyfileBytes = 756;

/** The keyfile Secret's key. */
export const keyfileSecretKey = "keyfile";

/** mongod's limits on one key (security.keyFile): 6 to 1024 base64 characters; a keyfile holds at most two keys. */
const keyPattern = /^[A-Za-z0-9+/=]{6,1024}$/;
const maxKeys = 2;

/**
 * The keyfile's text: one key alone as today, or during a rotation a YAML
 * sequence of two keys, the previous one first. mongod sends key 0 and
 * retries with key 1 on AuthenticationFailed, and accepts either incoming
 * (mongodb/mongo src/mongo/db/auth/security_key.cpp "Only two keys are
 * supported in the security key file"; src/mongo/client/authenticate.cpp;
 * https://www.mongodb.com/docs/manual/core/security-internal-authentication/
 * "keyfiles ... use YAML format to allow for multiple keys").
 */
export function keyfileText(keys: readonly string[]): string {
    if (keys.length < 1 || keys.length > maxKeys) {
        throw new Error(`a keyfile holds one or two keys, not ${keys.length}`);
    }
    const bad = keys.find((key) => !keyPattern.test(key));
    if (bad !== undefined) {
        throw new Error(`a keyfile key must be 6 to 1024 base64 characters (got ${bad.length} characters)`);
    }
    // Quoted scalars: a base64 key may start with characters YAML reads specially ('/' is fine, but stay safe).
    return keys.length === 1 ? keys[0] : keys.map((key) => `- "${key}"`).join("\n") + "\n";
}

export interface CredentialObjectsArgs<V> {
    /** Namespace of the Secrets. */
    readonly namespace: string;
    /** User name of the Rocket.Chat break-glass administrator. Defaults to "rcadmin" (adminUsername). */
    readonly adminUsername?: string;
    /** E-mail of the Rocket.Chat break-glass administrator. */
    readonly adminEmail: string;
    /** The generated password of each MongoDB user. */
    readonly mongoPasswords: Readonly<Record<MongoRole, V>>;
    /** The generated keyfile: 6 to 1024 base64 characters (mongod's limit). */
    readonly keyfile: V;
    /** The generated password of the break-glass administrator. */
    readonly adminPassword: V;
    /** Which generation of each credential this run declares. Defaults to every credential at 0 (unrotatedPlan). */
    readonly plan?: CredentialPlan;
    /** The root password of the previous generation: only in the run that rotates it. */
    readonly previousRootPassword?: V;
    /** The administrator's previous password: only in the run that rotates it. */
    readonly previousAdminPassword?: V;
}

export const credentialDefaults = { adminUsername: "rcadmin" } as const;

export interface CredentialObjects<V> {
    readonly mongoUsers: Built<ISecret, V>;
    readonly keyfile: Built<ISecret, V>;
    readonly admin: Built<ISecret, V>;
}

export function credentialObjects<V>(name: string, args: CredentialObjectsArgs<V>): CredentialObjects<V> {
    const names = credentialSecretNames(name);
    const plan = args.plan ?? unrotatedPlan;
    const labels = standardLabels({ instance: name, name: "credentials", component: "credentials" });
    const secret = (secretName: string, stringData: Record<string, string | V>): Built<ISecret, V> => ({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretName, namespace: args.namespace, labels },
        type: "Opaque",
        stringData,
    });
    return {
        mongoUsers: secret(names.mongoUsers, {
            ...Object.fromEntries(mongoRoles.flatMap((role) => {
                const user = mongoUserRef(role, plan.credentials[role].current);
                return [[user.usernameKey, user.username], [user.passwordKey, args.mongoPasswords[role]]];
            })),
            ...(args.previousRootPassword !== undefined ? { [previousRootPasswordKey]: args.previousRootPassword } : {}),
        }),
        keyfile: secret(names.keyfile, { [keyfileSecretKey]: args.keyfile }),
        admin: secret(names.admin, {
            username: args.adminUsername ?? credentialDefaults.adminUsername,
            password: args.adminPassword,
            email: args.adminEmail,
            ...(args.previousAdminPassword !== undefined ? { [previousAdminPasswordKey]: args.previousAdminPassword } : {}),
        }),
    };
}
