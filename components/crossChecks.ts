/**
 * Rules that relate several settings: what hard anti-affinity can place, what
 * Rocket.Chat and MongoDB versions work together, requests within limits.
 * Each problem names the setting that should change.
 */
import { mostBackupsBetweenVerifications } from "./backup/verificationCadence";
import { programOwnedChecks } from "./programOwned";
import { mostRocketchatPods, Settings, SettingName } from "./settings";
import { deployableMongodbSeries, deployableSeriesFor, parseVersion, seriesOf, supportLineFor } from "./upgrades/versionTable";
import { imageParts, parseQuantity } from "./validators";
import { largestZoneShare, majorityOf, survivesLosingAZone, zoneTopology } from "./zones";

export interface SettingProblem {
    setting: SettingName;
    value: unknown;
    allowed: string;
}

/** A rule over several settings; it runs only when all it reads are valid. */
export interface CrossCheck {
    readonly reads: SettingName[];
    readonly run: (s: Settings) => SettingProblem[];
}

type Check = CrossCheck["run"];

const requestsWithinLimits: Check = (s) => {
    const pairs: [SettingName, SettingName][] = [
        ["mongodbCpuRequest", "mongodbCpuLimit"],
        ["mongodbMemoryRequest", "mongodbMemoryLimit"],
        ["rocketchatCpuRequest", "rocketchatCpuLimit"],
        ["rocketchatMemoryRequest", "rocketchatMemoryLimit"],
        ["backupCpuRequest", "backupCpuLimit"],
        ["backupMemoryRequest", "backupMemoryLimit"],
    ];
    return pairs
        .filter(([request, limit]) => parseQuantity(s[request] as string)! > parseQuantity(s[limit] as string)!)
        .map(([request, limit]) => ({
            setting: request,
            value: s[request],
            allowed: `at most ${limit} (${s[limit]}); a request above its limit is rejected by Kubernetes`,
        }));
};

const oddMembers: Check = (s) =>
    s.mongodbMembers % 2 === 1
        ? []
        : [{
            setting: "mongodbMembers",
            value: s.mongodbMembers,
            allowed: "an odd number (1, 3, 5 or 7): an even member adds no failure tolerance and we run no arbiters",
        }];

/** Hard anti-affinity puts at most one pod per node; more pods stay Pending. */
const fitsOnNodes: Check = (s) => {
    if (s.podAntiAffinity !== "required") {
        return [];
    }
    const why = `at most schedulableNodes (${s.schedulableNodes}) while podAntiAffinity is 'required': pods beyond the node count stay Pending`;
    const counts: [SettingName, number][] = [
        ["mongodbMembers", s.mongodbMembers],
        ["rocketchatReplicas", s.rocketchatReplicas],
    ];
    if (s.autoscalingEnabled) {
        counts.push(["autoscalingMaxReplicas", s.autoscalingMaxReplicas]);
    }
    return counts
        .filter(([, count]) => count > s.schedulableNodes)
        .map(([setting, count]) => ({ setting, value: count, allowed: why }));
};

/**
 * With zones on, members spread with maxSkew 1, so the largest zone holds
 * ceil(members / zones) of them; losing it must leave a majority. Two zones
 * never can: one of them holds at least half, and a replica set needs more
 * than half to elect a primary.
 */
const zonesKeepMajority: Check = (s) => {
    const zones = s.topologyZones;
    if (zones === 0) {
        return [];
    }
    if (zones === 1) {
        return [{ setting: "topologyZones", value: 1, allowed: "0 (off) or at least 3: one zone has nothing to spread over, and losing it loses everything" }];
    }
    if (zones === 2) {
        return [{
            setting: "topologyZones",
            value: 2,
            allowed: "0 (off) or at least 3: a replica set over 2 zones cannot survive losing the zone that holds the majority of its members " +
                `(with mongodbMembers ${s.mongodbMembers}, one zone holds ${largestZoneShare(s.mongodbMembers, 2)} members and a majority is ${majorityOf(s.mongodbMembers)}), ` +
                "so writes stop; it needs a third site (a third zone, or an arbiter there, which this program does not run)",
        }];
    }
    const problems: SettingProblem[] = [];
    // An even count is already refused by oddMembers; one message per cause.
    if (s.mongodbMembers % 2 === 1 && !survivesLosingAZone(s.mongodbMembers, zones)) {
        problems.push({
            setting: "mongodbMembers",
            value: s.mongodbMembers,
            allowed: `a count whose largest zone share stays below a majority over topologyZones (${zones}): ` +
                `${s.mongodbMembers} member(s) put ${largestZoneShare(s.mongodbMembers, zones)} in one zone and a majority is ${majorityOf(s.mongodbMembers)}, ` +
                "so losing that zone stops every write (3, 5 or 7 members survive a zone over 3 or more zones)",
        });
    }
    // One pod per node over nodes spread as evenly as their count allows
    // places any count up to schedulableNodes within maxSkew 1 (test/zones.test.ts
    // proves it), so fitsOnNodes covers capacity; zones only need a node each.
    if (s.schedulableNodes < zones) {
        problems.push({ setting: "schedulableNodes", value: s.schedulableNodes, allowed: `at least topologyZones (${zones}): each zone needs a node` });
    }
    return problems;
};

const autoscalingRange: Check = (s) =>
    s.autoscalingEnabled && s.autoscalingMaxReplicas < s.rocketchatReplicas
        ? [{
            setting: "autoscalingMaxReplicas",
            value: s.autoscalingMaxReplicas,
            allowed: `at least rocketchatReplicas (${s.rocketchatReplicas}), which is the autoscaler's minimum`,
        }]
        : [];

/**
 * The autoscaler measures CPU use as a share of the request and adds pods
 * only once use passes the target by more than its tolerance
 * (kubernetes pkg/controller/podautoscaler/replica_calculator.go,
 * GetResourceReplicas: no change while |1 - use/target| <= tolerance;
 * kube-controller-manager --horizontal-pod-autoscaler-tolerance, 0.1 by
 * default). A pod's use cannot pass its CPU limit (the CFS quota throttles
 * it), so a target whose scale-up point is at or above the limit is never
 * reached: the HPA exists and never scales up.
 */
const hpaToleranceTenths = 1;
const autoscalingCanScaleUp: Check = (s) => {
    const micro = (cpu: string) => Math.round(parseQuantity(cpu)! * 1e6);
    const request = micro(s.rocketchatCpuRequest);
    const limit = micro(s.rocketchatCpuLimit);
    const percent = s.autoscalingCpuPercent;
    // request * percent/100 * (1 + tolerance) >= limit, in whole numbers; a request above its limit is requestsWithinLimits' to report.
    const scaleUpTimes1000 = request * percent * (10 + hpaToleranceTenths);
    if (!s.autoscalingEnabled || request > limit || scaleUpTimes1000 < limit * 1000) {
        return [];
    }
    const cores = (microCpu: number) => `${Number((microCpu / 1e6).toFixed(3))}`;
    const highest = Math.floor((limit * 1000 - 1) / (request * (10 + hpaToleranceTenths)));
    return [{
        setting: "autoscalingCpuPercent",
        value: percent,
        allowed: `at most ${highest} with rocketchatCpuRequest ${s.rocketchatCpuRequest} and rocketchatCpuLimit ${s.rocketchatCpuLimit}: ` +
            `the autoscaler aims at ${percent}% of the request (${cores(request * percent / 100)} CPU per pod) and adds pods only above ${cores(scaleUpTimes1000 / 1000)} CPU ` +
            `(its default tolerance of ${hpaToleranceTenths * 10}%), but the limit holds each pod at ${cores(limit)} CPU, so it never scales up. ` +
            `Lower autoscalingCpuPercent, or raise rocketchatCpuLimit above ${cores(scaleUpTimes1000 / 1000)}`,
    }];
};

/** Several replicas writing /app/uploads need a volume all of them can mount. */
const sharedUploads: Check = (s) => {
    const mostPods = mostRocketchatPods(s);
    return s.uploadsStorage === "FileSystem" && mostPods > 1 && s.uploadsAccessMode !== "ReadWriteMany"
        ? [{
            setting: "uploadsAccessMode",
            value: s.uploadsAccessMode,
            allowed: `ReadWriteMany when uploadsStorage is FileSystem and up to ${mostPods} Rocket.Chat pods share it (ReadWriteOnce gives Multi-Attach errors); or set uploadsStorage to GridFS`,
        }]
        : [];
};

/** The Rocket.Chat/MongoDB pair must be one Rocket.Chat supports (components/upgrades/versionTable.ts). */
const compatibleVersions: Check = (s) => {
    const mongo = parseVersion(imageParts(s.mongodbImage).tag);
    if (!mongo || !deployableMongodbSeries.includes(seriesOf(mongo))) {
        return [{
            setting: "mongodbImage",
            value: s.mongodbImage,
            allowed: `an official mongo image tagged with MongoDB ${deployableMongodbSeries.map((v) => `${v}.x`).join(" or ")}, such as mongo:8.0.29`,
        }];
    }
    const chat = parseVersion(imageParts(s.rocketchatImage).tag);
    const line = chat && supportLineFor(chat);
    if (!chat || !line) {
        return [{
            setting: "rocketchatImage",
            value: s.rocketchatImage,
            allowed: "a Rocket.Chat 7.x or 8.x image tagged with its version, such as registry.rocket.chat/rocketchat/rocket.chat:8.5.1",
        }];
    }
    const deployable = deployableSeriesFor(chat);
    if (deployable.length === 0) {
        return [{
            setting: "rocketchatImage",
            value: s.rocketchatImage,
            allowed: `a version whose MongoDB this program deploys: Rocket.Chat ${seriesOf(chat)} supports only MongoDB ${line.mongodb.join(", ")} (${line.source}); use 8.2 or newer`,
        }];
    }
    return deployable.includes(seriesOf(mongo))
        ? []
        : [{
            setting: "mongodbImage",
            value: s.mongodbImage,
            allowed: `MongoDB ${deployable.join(" or ")} for Rocket.Chat ${seriesOf(chat)} (supports ${line.mongodb.join(", ")}: ${line.source})`,
        }];
};

/** OpenShift's restricted SCC assigns UIDs from the namespace range. */
const openshiftUids: Check = (s) =>
    s.platform === "openshift" && s.fixedUids
        ? [{ setting: "fixedUids", value: true, allowed: "false on OpenShift: the restricted SCC assigns each namespace its own UID range and refuses fixed UIDs" }]
        : [];

/**
 * Without fixed UIDs the pods say runAsNonRoot and leave the UID to the
 * platform. Plain Kubernetes assigns none, and the images give the kubelet
 * nothing to verify: the official mongo image has no USER (it starts as root)
 * and Rocket.Chat's declares its user by name, so the kubelet refuses to
 * start them (CreateContainerConfigError). Only OpenShift's SCC fills the gap.
 */
const kubernetesUids: Check = (s) =>
    s.platform === "kubernetes" && !s.fixedUids
        ? [{ setting: "fixedUids", value: false, allowed: "true on Kubernetes: with no UID from the platform, runAsNonRoot pods of the mongo image (no USER) and Rocket.Chat's (a named USER) are refused by the kubelet; false is for OpenShift, whose restricted SCC assigns UIDs" }]
        : [];

const ssoComplete: Check = (s) => {
    if (!s.ssoEnabled) {
        return [];
    }
    const missing: SettingProblem[] = [];
    if (s.keycloakUrl === "") {
        missing.push({ setting: "keycloakUrl", value: "", allowed: "the public https:// URL of Keycloak when ssoEnabled is true" });
    }
    if (s.keycloakRealm === "") {
        missing.push({ setting: "keycloakRealm", value: "", allowed: "the realm that holds the users when ssoEnabled is true" });
    }
    return missing;
};

const groupsNeedSso: Check = (s) =>
    !s.ssoEnabled && s.keycloakGroups.length > 0
        ? [{ setting: "keycloakGroups", value: s.keycloakGroups, allowed: "an empty list while ssoEnabled is false" }]
        : [];

const restoreNeedsBackups: Check = (s) =>
    s.restoreArchive !== "" && !s.backupEnabled && s.backupExistingClaim === ""
        ? [{ setting: "restoreArchive", value: s.restoreArchive, allowed: "empty unless backupEnabled is true or backupExistingClaim names the volume holding the archive" }]
        : [];

/** ServiceMonitors and alert rules scrape what monitoringEnabled starts. */
const operatorNeedsMetrics: Check = (s) =>
    s.monitoringPrometheusOperator && !s.monitoringEnabled
        ? [{ setting: "monitoringPrometheusOperator", value: true, allowed: "false unless monitoringEnabled is true: the ServiceMonitors and alerts read the metrics monitoringEnabled turns on" }]
        : [];

/** Rocket.Chat serves the web app on 3000; its metrics need a port of their own. */
const metricsPortFree: Check = (s) =>
    s.monitoringRocketchatPort === 3000
        ? [{ setting: "monitoringRocketchatPort", value: 3000, allowed: "a port other than 3000, which serves the web app: metrics must stay off the Ingress and Route" }]
        : [];

/** Every archive newer than the last verified one is kept: verifications must come often enough to let retention prune (backup/verificationCadence.ts). */
const verificationBoundsArchives: Check = (s) => {
    if (!s.backupEnabled) {
        return [];
    }
    const most = mostBackupsBetweenVerifications(s.backupSchedule, s.backupVerifySchedule, s.backupRetention);
    return most !== undefined && most > s.backupRetention
        ? [{
            setting: "backupVerifySchedule",
            value: s.backupVerifySchedule,
            allowed: `a schedule that verifies at least once every ${s.backupRetention} backups (backupRetention): with backupSchedule '${s.backupSchedule}' ` +
                `more than ${s.backupRetention} backups can run between two verifications, and pruning never removes ` +
                "the newest verified archive or anything newer, so they all stay on the claim (and the verify-age alert waits as long). " +
                "Verify more often, back up less often, or raise backupRetention",
        }]
        : [];
};

/**
 * A nodeSelector on the zone label narrows the nodes the zone spread counts
 * (nodeAffinityPolicy Honor, the default): members pinned to one zone all land
 * there while the spread constraint is satisfied, and losing that zone loses
 * every member. The members' placement comes from podPlacement's `all` and
 * `mongodb` entries (placementSettings.ts).
 */
const placementKeepsZoneSpread: Check = (s) => {
    if (s.topologyZones === 0) {
        return [];
    }
    const pinned = (["all", "mongodb"] as const).filter((workload) => s.podPlacement[workload]?.nodeSelector?.[zoneTopology] !== undefined);
    return pinned.map((workload) => ({
        setting: "podPlacement",
        value: { [workload]: { nodeSelector: { [zoneTopology]: s.podPlacement[workload]!.nodeSelector![zoneTopology] } } },
        allowed: `no ${zoneTopology} in ${workload}.nodeSelector while topologyZones is ${s.topologyZones}: it pins every MongoDB member to one zone ` +
            "(the zone spread then counts only that zone's nodes), and losing that zone loses every member. Select nodes by another label, or set topologyZones to 0",
    }));
};

export const crossChecks: CrossCheck[] = [
    {
        reads: ["mongodbCpuRequest", "mongodbCpuLimit", "mongodbMemoryRequest", "mongodbMemoryLimit",
            "rocketchatCpuRequest", "rocketchatCpuLimit", "rocketchatMemoryRequest", "rocketchatMemoryLimit",
            "backupCpuRequest", "backupCpuLimit", "backupMemoryRequest", "backupMemoryLimit"],
        run: requestsWithinLimits,
    },
    { reads: ["mongodbMembers"], run: oddMembers },
    { reads: ["podAntiAffinity", "schedulableNodes", "mongodbMembers", "rocketchatReplicas", "autoscalingEnabled", "autoscalingMaxReplicas"], run: fitsOnNodes },
    { reads: ["topologyZones", "schedulableNodes", "mongodbMembers"], run: zonesKeepMajority },
    { reads: ["topologyZones", "podPlacement"], run: placementKeepsZoneSpread },
    { reads: ["autoscalingEnabled", "autoscalingMaxReplicas", "rocketchatReplicas"], run: autoscalingRange },
    { reads: ["autoscalingEnabled", "autoscalingCpuPercent", "rocketchatCpuRequest", "rocketchatCpuLimit"], run: autoscalingCanScaleUp },
    { reads: ["uploadsStorage", "uploadsAccessMode", "rocketchatReplicas", "autoscalingEnabled", "autoscalingMaxReplicas"], run: sharedUploads },
    { reads: ["mongodbImage", "rocketchatImage"], run: compatibleVersions },
    { reads: ["platform", "fixedUids"], run: openshiftUids },
    { reads: ["platform", "fixedUids"], run: kubernetesUids },
    { reads: ["ssoEnabled", "keycloakUrl", "keycloakRealm"], run: ssoComplete },
    { reads: ["ssoEnabled", "keycloakGroups"], run: groupsNeedSso },
    { reads: ["restoreArchive", "backupEnabled", "backupExistingClaim"], run: restoreNeedsBackups },
    { reads: ["monitoringPrometheusOperator", "monitoringEnabled"], run: operatorNeedsMetrics },
    { reads: ["monitoringRocketchatPort"], run: metricsPortFree },
    { reads: ["backupEnabled", "backupSchedule", "backupVerifySchedule", "backupRetention"], run: verificationBoundsArchives },
    // What the program sets itself, read off what it builds (programOwned.ts).
    ...programOwnedChecks,
];
