/**
 * The Job that initiates the replica set and creates the roles and users by
 * running bootstrap.js under mongosh, with the ConfigMap holding the script,
 * as plain objects. The Job's name carries a digest of what it reconciles, so
 * a changed member list, script or role definition runs it again.
 */
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { Built } from "../builtObject";
import { readFileSync } from "fs";
import * as path from "path";
import { MongoRole, mongoRoles, mongoUserRef, previousRootPasswordKey, previousUsernames, previousUsernamesEnv, unrotatedPlan } from "../credentialObjects";
import { CredentialPlan, planDigestInput, rotates } from "../credentialPlan";
import { nameDigest } from "../nameDigest";
import { WorkloadPlacement } from "../placement";
import { envFromSecret, resources, restrictedContainerSecurity, restrictedJob } from "../podShapes";
import { restoreRoleJson } from "./restoreRoleDefinition";

export interface BootstrapJobArgs<V> {
    /** The StatefulSet's name; the ConfigMap and Job names derive from it. */
    readonly statefulSetName: string;
    readonly namespace: string;
    /** The mongo image (it ships mongosh). */
    readonly image: string;
    readonly replicaSetName: string;
    /** Database the application user may read and write. */
    readonly database: string;
    /** Members by DNS name, host:port, in member order. */
    readonly hosts: string[];
    readonly labels: Record<string, string>;
    /** Labels that let the Job through the MongoDB NetworkPolicy. */
    readonly clientLabels: Record<string, string>;
    /** Run as this UID; undefined lets the platform assign one. */
    readonly uid?: number;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** The mongodbAllowMemberRemoval opt-in: members no longer wanted may be removed from the config. */
    readonly allowMemberRemoval: boolean;
    /** The Secret with the MongoDB users (credentialObjects.ts); an Output in the program. */
    readonly usersSecretName: string | V;
    /** Which generation of each credential this run declares (credentialPlan.ts). Defaults to every credential at 0. */
    readonly credentialPlan?: CredentialPlan;
}

export interface BootstrapJobObjects<V> {
    /** bootstrap.js; the Job must wait for it. */
    readonly configMap: Built<IConfigMap, V>;
    readonly job: ReturnType<typeof bootstrapJob<V>>;
}

/** The variables bootstrap.js reads each user's name and password from (ROOT_USERNAME, ...), in this order. */
const userVariablePrefixes: Readonly<Record<MongoRole, string>> = { root: "ROOT", app: "APP", backup: "BACKUP", restore: "RESTORE", monitoring: "MONITORING" };

/** One user's name or password from the users Secret, as <PREFIX>_USERNAME or <PREFIX>_PASSWORD. */
function userEnv<V>(role: MongoRole, field: "USERNAME" | "PASSWORD", usersSecretName: string | V) {
    const user = mongoUserRef(role);
    return envFromSecret(`${userVariablePrefixes[role]}_${field}`, usersSecretName, field === "USERNAME" ? user.usernameKey : user.passwordKey);
}

/** The bootstrap script as the ConfigMap carries it. */
export function bootstrapScript(): string {
    return readFileSync(path.join(__dirname, "bootstrap.js"), "utf8");
}

/** Every file bootstrap.js runs with, by file name: itself and the module it requires from its own directory. */
export function bootstrapScriptFiles(): Record<string, string> {
    return { "bootstrap.js": bootstrapScript(), "userGenerations.js": readFileSync(path.join(__dirname, "userGenerations.js"), "utf8") };
}

export function bootstrapJobObjects<V>(args: BootstrapJobArgs<V>): BootstrapJobObjects<V> {
    const scripts = bootstrapScriptFiles();
    const configMap: Built<IConfigMap, V> = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: bootstrapConfigMapName(args.statefulSetName), namespace: args.namespace, labels: args.labels },
        data: scripts,
    };
    return { configMap, job: bootstrapJob(args, scripts) };
}

function bootstrapConfigMapName(statefulSetName: string): string {
    return `${statefulSetName}-bootstrap`;
}

/** What a Job running bootstrap.js shares with every other: the pod, the script mount, the mongo image. */
export type ScriptJobArgs<V> = Pick<BootstrapJobArgs<V>, "statefulSetName" | "namespace" | "image" | "labels" | "clientLabels" | "uid" | "placement">;

/** One run of bootstrap.js under mongosh: its name, component label, environment and retry budget. */
export interface ScriptRun {
    readonly name: string;
    readonly component: string;
    readonly env: { name: string; value?: string; valueFrom?: unknown }[];
    readonly backoffLimit: number;
}

/** A Job that runs bootstrap.js from the bootstrap ConfigMap (the bootstrap itself, the finalize run). */
export function bootstrapScriptJob<V>(args: ScriptJobArgs<V>, run: ScriptRun) {
    const volumes = [
        { name: "scripts", configMap: { name: bootstrapConfigMapName(args.statefulSetName) } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ];
    return restrictedJob({
        name: run.name,
        namespace: args.namespace,
        labels: { ...args.labels, "app.kubernetes.io/component": run.component },
        podLabels: args.clientLabels,
        placement: args.placement,
        uid: args.uid,
        backoffLimit: run.backoffLimit,
        // Members may take minutes to start on a new cluster.
        activeDeadlineSeconds: 1800,
        containers: [{
            name: "bootstrap",
            image: args.image,
            command: ["mongosh", "--nodb", "--quiet", "--norc", "--file", "/scripts/bootstrap.js"],
            env: [...run.env, { name: "HOME", value: "/tmp" }],
            resources: resources({ cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" }, volumes),
            securityContext: restrictedContainerSecurity(),
            volumeMounts: [
                { name: "scripts", mountPath: "/scripts", readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
            ],
        }],
        volumes,
    });
}

/**
 * The current user name of every platform user but root, from the users
 * Secret, as bootstrap.js reads them (APP_USERNAME, BACKUP_USERNAME, ...):
 * the restore keeps exactly these (backup/scripts/restoredIdentities.js).
 */
export function platformUsernameEnv<V>(usersSecretName: string | V) {
    return mongoRoles.filter((role) => role !== "root").map((role) => userEnv(role, "USERNAME", usersSecretName));
}

/** The root user's name and password from the users Secret, as bootstrap.js reads them. */
export function rootCredentialEnv<V>(usersSecretName: string | V) {
    return [userEnv("root", "USERNAME", usersSecretName), userEnv("root", "PASSWORD", usersSecretName)];
}

function bootstrapJob<V>(args: BootstrapJobArgs<V>, scripts: Record<string, string>) {
    const restoreRole = restoreRoleJson();
    const plan = args.credentialPlan ?? unrotatedPlan;
    const credentialEnv = mongoRoles.flatMap((role) => [userEnv(role, "USERNAME", args.usersSecretName), userEnv(role, "PASSWORD", args.usersSecretName)]);
    const rotationEnv = [
        // Only in the run that rotates root: the bootstrap logs in with it and changes root's password.
        ...(rotates(plan, "root") ? [envFromSecret("ROOT_PASSWORD_PREVIOUS", args.usersSecretName, previousRootPasswordKey)] : []),
        // The users of the generations just replaced stay for pods not restarted yet; every other generation is dropped.
        ...previousUsernamesEnv(previousUsernames(plan)),
    ];
    const digest = nameDigest({
        hosts: args.hosts, rs: args.replicaSetName, db: args.database, image: args.image, scripts, restoreRole, removal: args.allowMemberRemoval,
        // Absent (and so the same name as before rotation existed) until a credential rotates.
        credentials: planDigestInput(plan),
    });
    return bootstrapScriptJob(args, {
        name: `${args.statefulSetName}-bootstrap-${digest}`,
        component: "database-bootstrap",
        backoffLimit: 4,
        env: [
            { name: "REPLICA_SET_NAME", value: args.replicaSetName },
            { name: "MEMBER_HOSTS", value: JSON.stringify(args.hosts) },
            { name: "APP_DATABASE", value: args.database },
            // Plain JSON, no secret: what the restore identity may do.
            { name: "RESTORE_ROLE", value: restoreRole },
            { name: "MEMBER_REMOVAL_ALLOWED", value: String(args.allowMemberRemoval) },
            ...credentialEnv,
            ...rotationEnv,
        ],
    });
}
