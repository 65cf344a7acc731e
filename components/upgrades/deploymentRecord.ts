/**
 * What a successful `pulumi up` deployed, as the stack output `deployment`,
 * and how the next run reads it back: through a StackReference to the stack
 * itself (Pulumi's answer for reading a stack's previous outputs,
 * pulumi/pulumi#3722).
 *
 * Why the stack's own output and not the live objects: the decision must be
 * made before any resource is declared, under `pulumi preview` (pull-request
 * checks) as well as `pulumi up`, and in the offline render. A
 * `StatefulSet.get` needs a reachable cluster, fails when the object does not
 * exist (every first install), and yields an Output only after resources are
 * being registered; the backend's checkpoint is always there for preview and
 * up and costs one read. The live truth is still checked where it matters: the
 * upgrade guard Job and the bootstrap read the replica-set config and the
 * featureCompatibilityVersion from the members themselves (bootstrap.js).
 *
 * The output resolves only once the bootstrap and finalize Jobs have completed and the
 * StatefulSet has rolled (their statuses are known), so a run that failed before the set was reconciled does not
 * record versions it never reached, nor credential generations the database
 * does not hold yet: a failed rotation run is repeated by the next one.
 */
import * as pulumi from "@pulumi/pulumi";
import { credentialIds, CredentialId, initialCredentials, KeyfilePhase, RecordedCredentials } from "../credentialPlan";
import { imageParts } from "../validators";
import { DataPlacement, parseDataPlacement } from "./dataPlacement";
import { parseSignInRecord, SignInRecord } from "./platformSwitches";
import { parseVersion, seriesOf } from "./versionTable";

export const deploymentOutputName = "deployment";

export interface DeploymentRecord extends RecordedCredentials {
    /** Rocket.Chat version (image tag). */
    readonly rocketchatVersion: string;
    /** MongoDB version (image tag) every member runs once the run completed. */
    readonly mongodbVersion: string;
    readonly replicaSetName: string;
    /** Member host names, host:port, in member order. */
    readonly memberHosts: string[];
    /** Where the data lives (database, claims); absent in records written before it existed (dataPlacement.ts). */
    readonly data?: DataPlacement;
    /** The platform and how users sign in; absent in records written before it existed (platformSwitches.ts). */
    readonly signIn?: SignInRecord;
    /**
     * The replica set's featureCompatibilityVersion (a series, "8.0"): the
     * series of mongodbVersion, written only once the finalize Job raised it
     * (featureCompatibilityJob.ts). Absent in records written before that Job
     * existed, whose FCV may lag: the guard then refuses the next series.
     */
    readonly featureCompatibilityVersion?: string;
}

/** The parts of a record that later versions added; each optional when read back. */
export type RecordExtras = Pick<DeploymentRecord, "data" | "signIn">;

export function deploymentRecord(rocketchatImage: string, mongodbImage: string, replicaSetName: string, memberHosts: string[],
    credentials: RecordedCredentials = initialCredentials, extras: RecordExtras = {}): DeploymentRecord {
    const mongodbVersion = imageParts(mongodbImage).tag ?? mongodbImage;
    const mongodbSeries = parseVersion(mongodbVersion);
    return {
        ...(extras.data ? { data: extras.data } : {}),
        ...(extras.signIn ? { signIn: extras.signIn } : {}),
        ...(mongodbSeries ? { featureCompatibilityVersion: seriesOf(mongodbSeries) } : {}),
        rocketchatVersion: imageParts(rocketchatImage).tag ?? rocketchatImage,
        mongodbVersion,
        replicaSetName,
        memberHosts: [...memberHosts],
        credentialGenerations: { ...credentials.credentialGenerations },
        keyfilePhase: credentials.keyfilePhase,
    };
}

/**
 * The credential part of a record read back: a record written before
 * rotation existed has none, which means every generation 0 and one key.
 * A malformed entry is not guessed at: the whole record is rejected.
 */
function parseRecordedCredentials(value: Partial<RecordedCredentials>): RecordedCredentials | undefined {
    const generations = (value.credentialGenerations ?? {}) as Partial<Record<CredentialId, unknown>>;
    const parsed = credentialIds.map((id) => generations[id] ?? 0);
    if (!parsed.every((g) => typeof g === "number" && Number.isInteger(g) && g >= 0)) {
        return undefined;
    }
    const phase: unknown = value.keyfilePhase ?? "single";
    if (phase !== "single" && phase !== "both") {
        return undefined;
    }
    return {
        credentialGenerations: Object.fromEntries(credentialIds.map((id, i) => [id, parsed[i]])) as Record<CredentialId, number>,
        keyfilePhase: phase as KeyfilePhase,
    };
}

/** A record read back from the backend, or undefined when there is none or it is not one (never guessed). */
export function parseDeploymentRecord(value: unknown): DeploymentRecord | undefined {
    const v = value as Partial<DeploymentRecord> | undefined;
    const isText = (x: unknown) => typeof x === "string" && x.length > 0;
    if (!v || !isText(v.rocketchatVersion) || !isText(v.mongodbVersion) || !isText(v.replicaSetName) ||
        !Array.isArray(v.memberHosts) || v.memberHosts.length === 0 || !v.memberHosts.every(isText)) {
        return undefined;
    }
    const credentials = parseRecordedCredentials(v);
    const data = v.data === undefined ? undefined : parseDataPlacement(v.data);
    const signIn = v.signIn === undefined ? undefined : parseSignInRecord(v.signIn);
    const fcv = v.featureCompatibilityVersion;
    if ((v.data !== undefined && data === undefined) || (v.signIn !== undefined && signIn === undefined) ||
        (fcv !== undefined && !(typeof fcv === "string" && /^\d+\.\d+$/.test(fcv)))) {
        return undefined;
    }
    return credentials && {
        ...(data ? { data } : {}),
        ...(signIn ? { signIn } : {}),
        ...(fcv !== undefined ? { featureCompatibilityVersion: fcv } : {}),
        rocketchatVersion: v.rocketchatVersion!, mongodbVersion: v.mongodbVersion!, replicaSetName: v.replicaSetName!, memberHosts: v.memberHosts!, ...credentials,
    };
}

/** The previous successful run's record of this very stack, or undefined on a first install. */
export async function previousDeploymentRecord(): Promise<DeploymentRecord | undefined> {
    const self = new pulumi.StackReference("previous-deployment", {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    const details = await self.getOutputDetails(deploymentOutputName);
    return parseDeploymentRecord(details.value ?? details.secretValue);
}
