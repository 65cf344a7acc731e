/**
 * Generated credentials: MongoDB users, the replica-set keyfile and the
 * Rocket.Chat break-glass administrator. Values are created by
 * `@pulumi/random`, stay Pulumi secrets, and reach workloads only through
 * Kubernetes Secrets (secretKeyRef or mounted files), never as literals.
 */
import { componentTypes, withFormerTypes } from "./componentTypes";
import * as k8s from "./k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "./childOptions";
import * as random from "@pulumi/random";
import { standardLabels } from "./labels";

export interface CredentialsArgs {
    /** Namespace of the Secrets. */
    readonly namespace: pulumi.Input<string>;
    /** User name of the Rocket.Chat break-glass administrator. */
    readonly adminUsername: string;
    /** E-mail of the Rocket.Chat break-glass administrator. */
    readonly adminEmail: string;
}

/** A MongoDB user whose password lives in the users Secret. */
export interface MongoUser {
    readonly username: string;
    readonly password: pulumi.Output<string>;
    /** Keys of the users Secret holding the name and the password. */
    readonly usernameKey: string;
    readonly passwordKey: string;
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
        const child = childOf(this, opts);
        const labels = standardLabels({ instance: name, name: "credentials", component: "credentials" });

        // URI-safe passwords: they are embedded in mongodb:// connection strings.
        const password = (purpose: string) =>
            new random.RandomPassword(`${name}-${purpose}`, { length: 32, special: false }, child).result;

        const user = (role: string, username: string): MongoUser => ({
            username,
            password: password(`mongodb-${role}`),
            usernameKey: `${role}-username`,
            passwordKey: `${role}-password`,
        });
        this.root = user("root", "root");
        this.app = user("app", "rocketchat");
        this.backup = user("backup", "backup");
        this.restore = user("restore", "restore");
        this.monitoring = user("monitoring", "monitoring");

        const users = new k8s.core.v1.Secret(`${name}-mongodb-users`, {
            metadata: { name: `${name}-mongodb-users`, namespace: args.namespace, labels },
            type: "Opaque",
            stringData: Object.fromEntries(
                [this.root, this.app, this.backup, this.restore, this.monitoring].flatMap((u) => [
                    [u.usernameKey, u.username],
                    [u.passwordKey, u.password],
                ]),
            ),
        }, child);

        // 756 random bytes encode to 1008 standard-base64 characters without
        // padding: inside mongod's 6..1024 limit and only base64 characters.
        const key = new random.RandomBytes(`${name}-mongodb-keyfile`, { length: 756 }, child);
        const keyfile = new k8s.core.v1.Secret(`${name}-mongodb-keyfile`, {
            metadata: { name: `${name}-mongodb-keyfile`, namespace: args.namespace, labels },
            type: "Opaque",
            stringData: { keyfile: key.base64 },
        }, child);

        this.adminPassword = password("admin");
        const admin = new k8s.core.v1.Secret(`${name}-admin`, {
            metadata: { name: `${name}-admin`, namespace: args.namespace, labels },
            type: "Opaque",
            stringData: { username: args.adminUsername, password: this.adminPassword, email: args.adminEmail },
        }, child);

        this.mongoUsersSecretName = users.metadata.name;
        this.keyfileSecretName = keyfile.metadata.name;
        this.adminSecretName = admin.metadata.name;
        this.registerOutputs({
            mongoUsersSecretName: this.mongoUsersSecretName,
            keyfileSecretName: this.keyfileSecretName,
            adminSecretName: this.adminSecretName,
        });
    }
}
