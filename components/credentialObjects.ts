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
import { standardLabels } from "./labels";

/** The MongoDB users the bootstrap creates (root comes from the image's entrypoint), in the Secret's key order. */
export const mongoRoles = ["root", "app", "backup", "restore", "monitoring"] as const;
export type MongoRole = (typeof mongoRoles)[number];

/** User name of each MongoDB user. */
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

export function mongoUserRef(role: MongoRole): MongoUserRef {
    return { username: mongoUsernames[role], usernameKey: `${role}-username`, passwordKey: `${role}-password` };
}

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
}

export const credentialDefaults = { adminUsername: "rcadmin" } as const;

export interface CredentialObjects<V> {
    readonly mongoUsers: Built<ISecret, V>;
    readonly keyfile: Built<ISecret, V>;
    readonly admin: Built<ISecret, V>;
}

export function credentialObjects<V>(name: string, args: CredentialObjectsArgs<V>): CredentialObjects<V> {
    const names = credentialSecretNames(name);
    const labels = standardLabels({ instance: name, name: "credentials", component: "credentials" });
    const secret = (secretName: string, stringData: Record<string, string | V>): Built<ISecret, V> => ({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretName, namespace: args.namespace, labels },
        type: "Opaque",
        stringData,
    });
    return {
        mongoUsers: secret(names.mongoUsers, Object.fromEntries(mongoRoles.flatMap((role) => {
            const user = mongoUserRef(role);
            return [[user.usernameKey, user.username], [user.passwordKey, args.mongoPasswords[role]]];
        }))),
        keyfile: secret(names.keyfile, { [keyfileSecretKey]: args.keyfile }),
        admin: secret(names.admin, {
            username: args.adminUsername ?? credentialDefaults.adminUsername,
            password: args.adminPassword,
            email: args.adminEmail,
        }),
    };
}
