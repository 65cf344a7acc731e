/**
 * The upgrade guard's decisions, made before any resource is declared: given
 * what the previous successful `pulumi up` recorded (see deploymentRecord.ts)
 * and what the settings now ask for, which changes are refused and why.
 * Pure: the tests give it records; the program gives it the stack's own
 * previous output.
 *
 * Refused, each with the versions and the supported path in the message:
 * - a Rocket.Chat downgrade, or a skipped major (versionTable.ts);
 * - a MongoDB series skipped (6.0 -> 8.0), a series below the recorded
 *   featureCompatibilityVersion (the finalize Job raises it after every member
 *   runs a new series, before the record is written, and never lowers it), or
 *   the next series while the recorded FCV is not the running series;
 * - Rocket.Chat and MongoDB changing series in the same run (each step must
 *   be a supported pair, so MongoDB goes first);
 * - a renamed replica set, changed member host names, and fewer members
 *   without the mongodbAllowMemberRemoval opt-in.
 * - a credential generation lowered, skipped, a keyfile rotation started
 *   while the previous one is half done, or the root or backup credentials
 *   rotated in a run the guard Job itself runs in (credentialPlan.ts).
 * - a change that would strand or delete data: the database renamed, a
 *   claim's class or access mode changed or its size lowered, the members'
 *   volume size changed through the StatefulSet, the uploads store switched
 *   (dataPlacement.ts);
 * - a platform switch, and without the ssoAllowSwitch opt-in a realm change
 *   or single sign-on turned off (platformSwitches.ts).
 * With no record (first install) everything is allowed and the record is written.
 */
import { SettingName } from "../settings";
import {
    compareVersions, deployableSeriesFor, mongodbSeriesOrder, parseVersion, rocketchatMongodbSupport, rocketchatUpgradeRule, seriesOf, supportLineFor, Version,
} from "./versionTable";
import { rotationRefusals } from "../credentialPlan";
import { dataPlacementRefusals } from "./dataPlacement";
import { platformSwitchRefusals } from "./platformSwitches";
import { DeploymentRecord } from "./deploymentRecord";

export interface GuardRefusal {
    readonly setting: SettingName;
    readonly value: unknown;
    /** What is wrong and what to do instead. */
    readonly reason: string;
}

export interface GuardOptions {
    /** The mongodbAllowMemberRemoval opt-in. */
    readonly allowMemberRemoval: boolean;
    /** True while restoreArchive is set (credentialPlan.ts RotationContext). Defaults to false. */
    readonly restoreRuns?: boolean;
    /** The ssoAllowSwitch opt-in (platformSwitches.ts). Defaults to false. */
    readonly allowSsoSwitch?: boolean;
}

function rocketchatRefusals(before: Version, after: Version, image: string): GuardRefusal[] {
    const from = `${before.major}.${before.minor}.${before.patch}`;
    const to = `${after.major}.${after.minor}.${after.patch}`;
    if (compareVersions(after, before) < 0) {
        return [{
            setting: "rocketchatImage",
            value: image,
            reason: `Rocket.Chat ${from} -> ${to} is a downgrade: ${from} has migrated the database and an older server must not run on it. ` +
                `Keep ${from} or newer; to go back, restore the pre-upgrade backup taken before ${from} was deployed (docs/backup.md)`,
        }];
    }
    if (after.major - before.major > 1) {
        const path = Array.from({ length: after.major - before.major + 1 }, (_, i) => `${before.major + i}.x`).join(" -> ");
        return [{
            setting: "rocketchatImage",
            value: image,
            reason: `Rocket.Chat ${from} -> ${to} skips a major version; the supported path is ${path}, one pulumi up each (${rocketchatUpgradeRule})`,
        }];
    }
    return [];
}

/**
 * A new series while the recorded featureCompatibilityVersion is not the
 * running one: binaries of series N refuse data whose FCV is below N-1
 * (MongoDB's "Upgrade a Replica Set": the FCV must be the previous series),
 * so the first member of the next series would crash-loop.
 */
function laggingFcvRefusals(record: DeploymentRecord, before: Version, after: Version, image: string): GuardRefusal[] {
    const running = seriesOf(before);
    if (seriesOf(after) === running || mongodbSeriesOrder.indexOf(seriesOf(after)) < mongodbSeriesOrder.indexOf(running)) {
        return [];
    }
    const recorded = record.featureCompatibilityVersion;
    if (recorded === running) {
        return [];
    }
    const known = recorded === undefined
        ? "was never recorded (this stack was deployed before the finalize Job existed, which skipped raising it)"
        : `is recorded as ${recorded}`;
    return [{
        setting: "mongodbImage",
        value: image,
        reason: `MongoDB ${running} -> ${seriesOf(after)} needs the replica set's featureCompatibilityVersion at ${running}, and it ${known}: ` +
            `${seriesOf(after)} members would not start on this data. Run pulumi up once with mongodbImage unchanged (${record.mongodbVersion}): ` +
            `its finalize Job raises the FCV after every member runs ${running} and records it; then change mongodbImage`,
    }];
}

function mongodbRefusals(before: Version, after: Version, image: string): GuardRefusal[] {
    const from = seriesOf(before);
    const to = seriesOf(after);
    const fromIndex = mongodbSeriesOrder.indexOf(from);
    const toIndex = mongodbSeriesOrder.indexOf(to);
    if (toIndex < fromIndex) {
        return [{
            setting: "mongodbImage",
            value: image,
            reason: `MongoDB ${from} -> ${to} is below the featureCompatibilityVersion ${from} the finalize Job raised after every member ran ${from}: ` +
                `a ${to} binary cannot open this data and this program never lowers the FCV. Keep mongodbImage at ${from}.x ` +
                "(a downgrade means lowering the FCV by hand first, following MongoDB's downgrade procedure)",
        }];
    }
    if (toIndex - fromIndex > 1) {
        return [{
            setting: "mongodbImage",
            value: image,
            reason: `MongoDB ${from} -> ${to} skips a major release; the supported path is ${mongodbSeriesOrder.slice(fromIndex, toIndex + 1).join(" -> ")}, ` +
                "one pulumi up each, so the featureCompatibilityVersion is raised in between",
        }];
    }
    return [];
}

/** Rocket.Chat and MongoDB changing series at once: the set and the pods would roll together through unsupported pairs. */
function pairRefusals(record: DeploymentRecord, next: DeploymentRecord, chatBefore: Version, chatAfter: Version, mongoBefore: Version, mongoAfter: Version): GuardRefusal[] {
    const chatChanges = seriesOf(chatBefore) !== seriesOf(chatAfter);
    const mongoChanges = seriesOf(mongoBefore) !== seriesOf(mongoAfter);
    if (!(chatChanges && mongoChanges)) {
        return [];
    }
    const oldChatOnNewMongo = deployableSeriesFor(chatBefore).includes(seriesOf(mongoAfter));
    const bridge = rocketchatMongodbSupport.find((line) => line.mongodb.includes(seriesOf(mongoBefore)) && line.mongodb.includes(seriesOf(mongoAfter)));
    const bridgeName = bridge ? `${bridge.from.major}.${bridge.from.minor}` : "a version that supports both";
    const order = oldChatOnNewMongo
        ? `first MongoDB ${seriesOf(mongoAfter)} with Rocket.Chat ${record.rocketchatVersion}, then Rocket.Chat ${next.rocketchatVersion}`
        : `first Rocket.Chat ${bridgeName} (supports MongoDB ${seriesOf(mongoBefore)} and ${seriesOf(mongoAfter)}), then MongoDB ${seriesOf(mongoAfter)}, then Rocket.Chat ${next.rocketchatVersion}`;
    return [{
        setting: "rocketchatImage",
        value: next.rocketchatVersion,
        reason: `Rocket.Chat ${record.rocketchatVersion} -> ${next.rocketchatVersion} and MongoDB ${record.mongodbVersion} -> ${next.mongodbVersion} in one run ` +
            `would roll pods and members together through pairs Rocket.Chat does not support (Rocket.Chat ${seriesOf(chatBefore)}: MongoDB ` +
            `${supportLineFor(chatBefore)?.mongodb.join(", ") ?? "unknown"}). Change one at a time: ${order}`,
    }];
}

/** The domain part of a member host name, after its pod name. */
function hostSuffix(host: string): string {
    return host.slice(host.indexOf(".") + 1);
}

function replicaSetRefusals(record: DeploymentRecord, next: DeploymentRecord, options: GuardOptions): GuardRefusal[] {
    const refusals: GuardRefusal[] = [];
    if (record.replicaSetName !== next.replicaSetName) {
        refusals.push({
            setting: "mongodbReplicaSetName",
            value: next.replicaSetName,
            reason: `the replica set is named '${record.replicaSetName}' and cannot be renamed in place (every member would need a standalone restart ` +
                `and its local database rewritten, and Rocket.Chat's connection string would change under it). Set mongodbReplicaSetName back to ` +
                `'${record.replicaSetName}'; to use another name, back up, deploy a new stack with it and restore`,
        });
    }
    const oldSuffix = hostSuffix(record.memberHosts[0] ?? "");
    const newSuffix = hostSuffix(next.memberHosts[0] ?? "");
    if (oldSuffix !== newSuffix) {
        refusals.push({
            setting: "clusterDomain",
            value: newSuffix,
            reason: `the members are known to the replica set as <pod>.${oldSuffix}; the settings now give <pod>.${newSuffix} ` +
                "(clusterDomain, namespace or names changed), and the bootstrap would add the same pods again as new voters. " +
                `Set clusterDomain (and namespace) back so members stay <pod>.${oldSuffix}; to move, back up, deploy a new stack and restore`,
        });
    }
    const members = next.memberHosts.length;
    const previous = record.memberHosts.length;
    if (members < previous && !options.allowMemberRemoval) {
        refusals.push({
            setting: "mongodbMembers",
            value: members,
            reason: `the replica set has ${previous} voting members; dropping to ${members} pods would leave ${previous - members} voters without pods, ` +
                `so the set would tolerate fewer failures than its disruption budget lets a drain take. Set mongodbMembers back to ${previous}, ` +
                "or set mongodbAllowMemberRemoval to true: the upgrade guard then removes the departing members from the replica set " +
                "(one reconfig at a time, the primary last) before their pods go, and keeps their volumes",
        });
    }
    return refusals;
}

export function guardDecisions(record: DeploymentRecord | undefined, next: DeploymentRecord, options: GuardOptions): GuardRefusal[] {
    if (record === undefined) {
        return [];
    }
    const chatBefore = parseVersion(record.rocketchatVersion);
    const chatAfter = parseVersion(next.rocketchatVersion);
    const mongoBefore = parseVersion(record.mongodbVersion);
    const mongoAfter = parseVersion(next.mongodbVersion);
    const refusals = replicaSetRefusals(record, next, options);
    if (chatBefore && chatAfter) {
        refusals.push(...rocketchatRefusals(chatBefore, chatAfter, next.rocketchatVersion));
    }
    if (mongoBefore && mongoAfter) {
        const series = mongodbRefusals(mongoBefore, mongoAfter, next.mongodbVersion);
        refusals.push(...(series.length > 0 ? series : laggingFcvRefusals(record, mongoBefore, mongoAfter, next.mongodbVersion)));
    }
    if (chatBefore && chatAfter && mongoBefore && mongoAfter && refusals.length === 0) {
        refusals.push(...pairRefusals(record, next, chatBefore, chatAfter, mongoBefore, mongoAfter));
    }
    refusals.push(...rotationRefusals(record, next.credentialGenerations, { upgradeGuardRuns: guardJobNeeded(record, next), restoreRuns: options.restoreRuns }));
    if (next.data) {
        refusals.push(...dataPlacementRefusals(record.data, next.data));
    }
    if (next.signIn) {
        refusals.push(...platformSwitchRefusals(record.signIn, next.signIn, options.allowSsoSwitch ?? false));
    }
    return refusals;
}

export class UpgradeRefused extends Error {
    constructor(readonly refusals: GuardRefusal[], record: DeploymentRecord) {
        super(
            `Upgrade refused before anything changed (deployed: Rocket.Chat ${record.rocketchatVersion}, MongoDB ${record.mongodbVersion}, ` +
                `replica set '${record.replicaSetName}' with ${record.memberHosts.length} members):\n` +
                refusals.map((r) => `  - rocketchat-ha:${r.setting} = ${JSON.stringify(r.value)}: ${r.reason}`).join("\n"),
        );
        this.name = "UpgradeRefused";
    }
}

/**
 * Whether this run declares the guard Job: only for a change of versions or
 * members (each runs it, and its backup, once); a first install has nothing
 * to guard and an unchanged stack needs no backup on every run.
 */
export function guardJobNeeded(record: DeploymentRecord | undefined, next: DeploymentRecord): boolean {
    // Credential generations are not guarded here: a rotation is the bootstrap's business.
    const guarded = (r: DeploymentRecord) => JSON.stringify([r.rocketchatVersion, r.mongodbVersion, r.replicaSetName, r.memberHosts]);
    return record !== undefined && guarded(record) !== guarded(next);
}

/** Throws UpgradeRefused listing every refusal; returns quietly when the change is allowed. */
export function enforceGuard(record: DeploymentRecord | undefined, next: DeploymentRecord, options: GuardOptions): void {
    const refusals = guardDecisions(record, next, options);
    if (record && refusals.length > 0) {
        throw new UpgradeRefused(refusals, record);
    }
}
