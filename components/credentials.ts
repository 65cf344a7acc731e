/**
 * Generated credentials: MongoDB users, the replica-set keyfile and the
 * Rocket.Chat break-glass administrator. Values are created by
 * `@pulumi/random`, stay Pulumi secrets, and reach workloads only through
 * Kubernetes Secrets (secretKeyRef or mounted files), never as literals.
 * The Secrets themselves are built by credentialObjects.ts.
 */
import { componentTypes, withFormerTypes } from "./componentTypes";
import * as k8s from "./k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "./childOptions";
import * as random from "@pulumi/random";
import { credentialObjects, generatedPassword, keyfileBytes, MongoRole, mongoRoles, mongoUserRef, MongoUserRef } from "./credentialObjects";
import { declareObject } from "./kubernetesObjects";
import { Settings } from "./settings";

export interface CredentialsArgs {
    /** Namespace of the Secrets. */
    readonly namespace: string;
    /** User name of the Rocket.Chat break-glass administrator. Defaults to "rcadmin" (adminUsername). */
    readonly adminUsername?: string;
    /** E-mail of the Rocket.Chat break-glass administrator. */
    readonly adminEmail: string;
    /**
     * Let `pulumi destroy` delete the generated values (deleteDataOnDestroy).
     * Defaults to false: they are protected, so they outlive destroy as long as
     * the data they open (README, "Data is never deleted").
     */
    readonly deleteOnDestroy?: boolean;
    /**
     * What the Secrets wait for (the namespace and its identity check). An arg,
     * not the component's dependsOn: `pulumi destroy --exclude-protected` keeps
     * a protected value's parents with their dependencies. Defaults to none.
     */
    readonly secretsAfter?: pulumi.Resource[];
}

/** The Credentials args of a stack: the admin's e-mail defaults to <adminUsername>@<hostname>. */
export function credentialsArgsFromSettings(s: Settings): CredentialsArgs {
    return {
        namespace: s.namespace,
        adminUsername: s.adminUsername,
        adminEmail: s.adminEmail || `${s.adminUsername}@${s.hostname}`,
        deleteOnDestroy: s.deleteDataOnDestroy,
    };
}

/** A MongoDB user whose password lives in the users Secret. */
export interface MongoUser extends MongoUserRef {
    readonly password: pulumi.Output<string>;
}

export class Credentials extends pulumi.ComponentResource {
    /** Secret with the MongoDB users (root, app, backup, restore, monitoring). */
    public readonly mongoUsersSecretName: pulumi.Output<string>;
    /** Secret with key `keyfile`: the replica-set internal authentication key. */
    public readonly keyfileSecretName: pulumi.Output<string>;
    /** Secret with keys `username`, `password`, `email` of the break-glass admin. */
    public readonly adminSecretName: pulumi.Output<string>;
    public readonly root: MongoUser;
    public readonly app: MongoUser;
    /** Read-only dump user (built-in role backup). */
    public readonly backup: MongoUser;
    /** The restore identity: the role of components/mongodb/restoreRole.json, used only by the restore and the verification. */
    public readonly restore: MongoUser;
    /** Read-only monitoring user for the MongoDB exporter (clusterMonitor). */
    public readonly monitoring: MongoUser;
    /** The break-glass administrator's password (a Pulumi secret). */
    public readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.Credentials.token, name, {}, withFormerTypes("Credentials", opts));
        const child = childOf(this, opts, args.secretsAfter);
        // The values live only in the state, not in the cluster: neither they nor
        // this component depend on anything in it, so `pulumi destroy
        // --exclude-protected` (which keeps a protected resource's dependencies and
        // parents, transitively) keeps nothing else.
        const generatedValue = { parent: this, protect: !args.deleteOnDestroy };

        // URI-safe passwords: they are embedded in mongodb:// connection strings.
        const password = (purpose: string) =>
            new random.RandomPassword(`${name}-${purpose}`, { ...generatedPassword }, generatedValue).result;

        const users = Object.fromEntries(mongoRoles.map((role) => [role, { ...mongoUserRef(role), password: password(`mongodb-${role}`) }])) as Record<MongoRole, MongoUser>;
        this.root = users.root;
        this.app = users.app;
        this.backup = users.backup;
        this.restore = users.restore;
        this.monitoring = users.monitoring;
        const key = new random.RandomBytes(`${name}-mongodb-keyfile`, { length: keyfileBytes }, generatedValue);
        this.adminPassword = password("admin");

        const objects = credentialObjects(name, {
            ...args,
            mongoPasswords: Object.fromEntries(mongoRoles.map((role) => [role, users[role].password])) as Record<MongoRole, pulumi.Output<string>>,
            keyfile: key.base64,
            adminPassword: this.adminPassword,
        });
        const declare = (object: (typeof objects)[keyof typeof objects]) => declareObject(object.metadata.name, object, child) as k8s.core.v1.Secret;
        this.mongoUsersSecretName = declare(objects.mongoUsers).metadata.name;
        this.keyfileSecretName = declare(objects.keyfile).metadata.name;
        this.adminSecretName = declare(objects.admin).metadata.name;
        this.registerOutputs({
            mongoUsersSecretName: this.mongoUsersSecretName,
            keyfileSecretName: this.keyfileSecretName,
            adminSecretName: this.adminSecretName,
        });
    }
}
