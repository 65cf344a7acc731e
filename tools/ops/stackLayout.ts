/**
 * What the ops commands need to know about a stack, taken from the program
 * itself: the stack is rendered offline (tools/mockRuntime.ts) and the names,
 * schedules and Rocket.Chat environment are read from the declared objects,
 * so nothing here repeats how components/ name or configure things.
 */
import type { StackRun } from "../mockRuntime";

/** The mock runtime loads @pulumi/pulumi (about 2 s): only commands that render a stack pay for it. */
const mockRuntime = () => require("../mockRuntime") as typeof import("../mockRuntime");
import { OpsError } from "./errors";

export interface StackLayout {
    readonly stack: string;
    readonly namespace: string;
    /** MongoDB StatefulSet: pods are <name>-0 .. <name>-(members-1). */
    readonly mongodb: { readonly statefulSet: string; readonly members: number; readonly image: string; readonly podSelector: string; readonly database: string };
    /** Secret with the MongoDB users and the keys of the root and app users. */
    readonly users: { readonly secret: string; readonly root: { readonly usernameKey: string; readonly passwordKey: string }; readonly app: { readonly usernameKey: string; readonly passwordKey: string } };
    /** The Rocket.Chat container's environment as declared (components/rocketchat/environment.ts). */
    readonly rocketchatEnv: readonly { readonly name: string; readonly value?: string; readonly valueFrom?: unknown }[];
    /** Backups, when the stack has them. */
    readonly backup?: {
        readonly claimName: string;
        readonly archivePrefix: string;
        readonly schedule: string;
        readonly verifySchedule: string;
        readonly verifySelector: string;
        /** The UID the backup pods run as where UIDs are fixed; undefined where the platform assigns one (OpenShift). */
        readonly runAsUser?: number;
    };
}

const selector = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");

/** Pure: the layout from a rendered stack. */
export function layoutOf(run: StackRun): StackLayout {
    const { findObject, kubernetesObjects } = mockRuntime();
    const objects = kubernetesObjects(run);
    const sts = objects.find((o) => o.kind === "StatefulSet" && o.metadata.labels?.["app.kubernetes.io/name"] === "mongodb");
    if (!sts) {
        throw new OpsError(`stack ${run.stack} declares no MongoDB StatefulSet`);
    }
    const rocketchat = findObject(run, "Deployment", "rocketchat");
    const usersSecret = objects.find((o) => o.kind === "Secret" && o.metadata.name.endsWith("-mongodb-users"));
    const bootstrapEnv: any[] = objects.find((o) => o.kind === "Job" && o.metadata.labels?.["app.kubernetes.io/component"] === "database-bootstrap")?.spec.template.spec.containers[0].env ?? [];
    const keyOf = (envName: string) => bootstrapEnv.find((e) => e.name === envName)?.valueFrom?.secretKeyRef?.key;
    const cronJob = (component: string) => objects.find((o) => o.kind === "CronJob" && o.metadata.labels?.["app.kubernetes.io/component"] === component);
    const backupJob = cronJob("backup");
    const verifyJob = cronJob("backup-verify");
    const backupPod = backupJob?.spec.jobTemplate.spec.template.spec;
    return {
        stack: run.stack,
        namespace: sts.metadata.namespace,
        mongodb: {
            statefulSet: sts.metadata.name,
            members: sts.spec.replicas,
            image: sts.spec.template.spec.containers[0].image,
            podSelector: selector(sts.spec.selector.matchLabels),
            database: bootstrapEnv.find((e) => e.name === "APP_DATABASE")?.value ?? "rocketchat",
        },
        users: {
            secret: usersSecret?.metadata.name ?? `${sts.metadata.name}-users`,
            root: { usernameKey: keyOf("ROOT_USERNAME") ?? "root-username", passwordKey: keyOf("ROOT_PASSWORD") ?? "root-password" },
            app: { usernameKey: keyOf("APP_USERNAME") ?? "app-username", passwordKey: keyOf("APP_PASSWORD") ?? "app-password" },
        },
        rocketchatEnv: rocketchat.spec.template.spec.containers[0].env,
        backup: backupJob && verifyJob
            ? {
                claimName: backupPod.volumes.find((v: any) => v.name === "backup").persistentVolumeClaim.claimName,
                archivePrefix: backupPod.containers[0].env.find((e: any) => e.name === "ARCHIVE_PREFIX")?.value ?? "rocketchat",
                schedule: backupJob.spec.schedule,
                verifySchedule: verifyJob.spec.schedule,
                verifySelector: selector({
                    "app.kubernetes.io/name": verifyJob.metadata.labels["app.kubernetes.io/name"],
                    "app.kubernetes.io/instance": verifyJob.metadata.labels["app.kubernetes.io/instance"],
                    "app.kubernetes.io/component": "backup-verify",
                }),
                ...(backupPod.securityContext?.runAsUser !== undefined ? { runAsUser: backupPod.securityContext.runAsUser } : {}),
            }
            : undefined,
    };
}

/** Renders `stack` offline and returns its layout; an unknown stack is an OpsError. */
export async function loadLayout(stack: string): Promise<StackLayout> {
    let run: StackRun;
    try {
        run = await mockRuntime().runStack(stack);
    } catch (error) {
        const message = (error as Error).message;
        throw new OpsError(/unknown stack/.test(message) ? `no such stack: ${message}` : `stack ${stack} does not render: ${message}`);
    }
    return layoutOf(run);
}
