/**
 * Generated credentials: MongoDB users, the replica-set keyfile and the
 * Rocket.Chat break-glass administrator. Values are created by
 * `@pulumi/random`, stay Pulumi secrets, and reach workloads only through
 * Kubernetes Secrets (secretKeyRef or mounted files), never as literals.
 * The Secrets themselves are built by credentialObjects.ts. Each value has
 * a generation (credentialPlan.ts): a rotation run declares the previous
 * generation beside the new one, and the Secrets carry what the bootstrap and
 * the channels Job need to switch from one to the other.
 */
import { componentTypes, withFormerTypes } from "./componentTypes";
import * as k8s from "./k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "./childOptions";
import * as random from "@pulumi/random";
import { credentialObjects, generatedPassword, keyfileBytes, keyfileText, MongoRole, mongoRoles, mongoUserRef, MongoUserRef, unrotatedPlan } from "./credentialObjects";
import { CredentialGeneration, CredentialPlan, generationName } from "./credentialPlan";
import { declareObject } from "./kubernetesObjects";
import { Settings } from "./settings";

export interface CredentialsArgs {
    /** Namespace of the Secrets. */
    readonly namespace: string;
    /** User name of the Rocket.Chat break-glass administrator. Defaults to "rcadmin" (adminUsername). */
    readonly adminUsername?: string;
    /** E-mail of the Rocket.Chat break-glass administrator. */
    readonly adminEmail: string;
    /** Which generation of each credential to declare (credentialPlan.ts). */
    readonly plan: CredentialPlan;
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
export function credentialsArgsFromSettings(s: Settings, plan: CredentialPlan = unrotatedPlan): CredentialsArgs {
    return {
        namespace: s.namespace,
        adminUsername: s.adminUsername,
        adminEmail: s.adminEmail || `${s.adminUsername}@${s.hostname}`,
        plan,
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

        // One random resource per generation: generation 0 keeps the names stacks
        // always had; a rotation run declares the previous generation once more,
        // unprotected, so the run after it may delete it.
        const generations = <T>(base: string, generation: CredentialGeneration, make: (resourceName: string, options: pulumi.CustomResourceOptions) => T) => ({
            current: make(generationName(base, generation.current), generatedValue),
            previous: generation.previous === undefined ? undefined : make(generationName(base, generation.previous), { ...generatedValue, protect: false }),
        });
        // URI-safe passwords: they are embedded in mongodb:// connection strings.
        const password = (purpose: string, generation: CredentialGeneration) => generations(`${name}-${purpose}`, generation,
            (resourceName, options) => new random.RandomPassword(resourceName, { ...generatedPassword }, options).result);

        const plan = args.plan;
        const passwords = Object.fromEntries(mongoRoles.map((role) => [role, password(`mongodb-${role}`, plan.credentials[role])])) as Record<MongoRole, ReturnType<typeof password>>;
        const users = Object.fromEntries(mongoRoles.map((role) =>
            [role, { ...mongoUserRef(role, plan.credentials[role].current), password: passwords[role].current }])) as Record<MongoRole, MongoUser>;
        this.root = users.root;
        this.app = users.app;
        this.backup = users.backup;
        this.restore = users.restore;
        this.monitoring = users.monitoring;
        const keys = generations(`${name}-mongodb-keyfile`, plan.credentials.keyfile,
            (resourceName, options) => new random.RandomBytes(resourceName, { length: keyfileBytes }, options).base64);
        const keyOf = (generation: number) => (generation === plan.credentials.keyfile.current ? keys.current : keys.previous!);
        const admin = password("admin", plan.credentials.admin);
        this.adminPassword = admin.current;

        const objects = credentialObjects(name, {
            ...args,
            mongoPasswords: Object.fromEntries(mongoRoles.map((role) => [role, users[role].password])) as Record<MongoRole, pulumi.Output<string>>,
            // One key, or during a keyfile rotation both, the previous first (credentialObjects.ts keyfileText).
            keyfile: pulumi.secret(pulumi.all(plan.keyfileKeys.map(keyOf)).apply(keyfileText)),
            adminPassword: this.adminPassword,
            previousRootPassword: passwords.root.previous,
            previousAdminPassword: admin.previous,
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
