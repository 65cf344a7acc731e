/**
 * The Job that initiates the replica set and creates the roles and users by
 * running bootstrap.js under mongosh. Its name carries a digest of what it
 * reconciles, so a changed member list, script or role definition runs it again.
 */
import * as pulumi from "@pulumi/pulumi";
import { combineDependencies } from "../childOptions";
import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import * as k8s from "../k8s";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import { resources, restrictedContainerSecurity, restrictedPodSecurity } from "../podShapes";
import { restoreRoleJson } from "./restoreRoleDefinition";

export interface BootstrapJobArgs {
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
    /** USERNAME/PASSWORD pairs of the root, app, backup, restore and monitoring users, from the Secret. */
    readonly credentialEnv: k8s.types.input.core.v1.EnvVar[];
}

export function declareBootstrapJob(args: BootstrapJobArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
    const script = readFileSync(path.join(__dirname, "bootstrap.js"), "utf8");
    const restoreRole = restoreRoleJson();
    const scriptMap = new k8s.core.v1.ConfigMap(`${args.statefulSetName}-bootstrap`, {
        metadata: { name: `${args.statefulSetName}-bootstrap`, namespace: args.namespace, labels: args.labels },
        data: { "bootstrap.js": script },
    }, opts);
    const digest = createHash("sha256")
        .update(JSON.stringify({ hosts: args.hosts, rs: args.replicaSetName, db: args.database, image: args.image, script, restoreRole, removal: args.allowMemberRemoval }))
        .digest("hex")
        .slice(0, 8);
    const jobName = `${args.statefulSetName}-bootstrap-${digest}`;
    const volumes: k8s.types.input.core.v1.Volume[] = [
        { name: "scripts", configMap: { name: scriptMap.metadata.name } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ];
    const labels = { ...args.labels, "app.kubernetes.io/component": "database-bootstrap" };
    return new k8s.batch.v1.Job(jobName, {
        metadata: { name: jobName, namespace: args.namespace, labels },
        spec: {
            backoffLimit: 4,
            // Members may take minutes to start on a new cluster.
            activeDeadlineSeconds: 1800,
            template: {
                metadata: placementMetadata(args.placement, { ...labels, ...args.clientLabels }),
                spec: {
                    ...placementSpec(args.placement),
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    securityContext: restrictedPodSecurity(args.uid),
                    containers: [{
                        name: "bootstrap",
                        image: args.image,
                        command: ["mongosh", "--nodb", "--quiet", "--norc", "--file", "/scripts/bootstrap.js"],
                        env: [
                            { name: "REPLICA_SET_NAME", value: args.replicaSetName },
                            { name: "MEMBER_HOSTS", value: JSON.stringify(args.hosts) },
                            { name: "APP_DATABASE", value: args.database },
                            // Plain JSON, no secret: what the restore identity may do.
                            { name: "RESTORE_ROLE", value: restoreRole },
                            { name: "MEMBER_REMOVAL_ALLOWED", value: String(args.allowMemberRemoval) },
                            { name: "HOME", value: "/tmp" },
                            ...args.credentialEnv,
                        ],
                        resources: resources({ cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" }, volumes),
                        securityContext: restrictedContainerSecurity(),
                        volumeMounts: [
                            { name: "scripts", mountPath: "/scripts", readOnly: true },
                            { name: "tmp", mountPath: "/tmp" },
                        ],
                    }],
                    volumes,
                },
            },
        },
    }, { ...opts, dependsOn: combineDependencies(opts.dependsOn, [scriptMap]) });
}
