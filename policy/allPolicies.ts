/**
 * The pack's policies, in the order they are reported. Tests and the offline
 * runner import this list; only index.ts turns it into a PolicyPack.
 */
import { PackPolicy } from "./lib/policyTypes";
import { containerProbes } from "./policies/containerProbes";
import { containerResources } from "./policies/containerResources";
import { disruptionBudgets } from "./policies/disruptionBudgets";
import { haPodAntiAffinity } from "./policies/haPodAntiAffinity";
import { mongodbBackupScheduled } from "./policies/mongodbBackupScheduled";
import { mongodbDataKept } from "./policies/mongodbDataKept";
import { mongodbMembers } from "./policies/mongodbMembers";
import { mongodbNetworkPolicy } from "./policies/mongodbNetworkPolicy";
import { mongodbZoneSpread } from "./policies/mongodbZoneSpread";
import { noLiteralSecrets } from "./policies/noLiteralSecrets";
import { pinnedImages } from "./policies/pinnedImages";
import { podSecurityRestricted } from "./policies/podSecurityRestricted";
import { replicasWithinNodes } from "./policies/replicasWithinNodes";
import { uploadsReadWriteMany } from "./policies/uploadsReadWriteMany";

export const packName = "rocketchat-ha";

/** Without stack policy config every policy blocks: the safe default for production. */
export const packEnforcementLevel = "mandatory" as const;

export const allPolicies: PackPolicy[] = [
    haPodAntiAffinity,
    replicasWithinNodes,
    uploadsReadWriteMany,
    mongodbMembers,
    mongodbZoneSpread,
    disruptionBudgets,
    pinnedImages,
    containerProbes,
    containerResources,
    podSecurityRestricted,
    noLiteralSecrets,
    mongodbBackupScheduled,
    mongodbNetworkPolicy,
    mongodbDataKept,
];
