/** The replica set's args from a stack's validated settings (the settings named in each arg's doc comment). */
import { placementFor } from "../placement";
import { Settings } from "../settings";
import { MongoReplicaSetSettings } from "./replicaSetObjects";
import { resourceSettingsOf } from "../podShapes";

export function mongoReplicaSetArgsFromSettings(s: Settings): MongoReplicaSetSettings {
    return {
        namespace: s.namespace,
        image: s.mongodbImage,
        members: s.mongodbMembers,
        replicaSetName: s.mongodbReplicaSetName,
        database: s.mongodbDatabase,
        clusterDomain: s.clusterDomain,
        storageClassName: s.mongodbStorageClass || undefined,
        storageSize: s.mongodbStorageSize,
        resources: resourceSettingsOf(s, "mongodb"),
        antiAffinity: s.podAntiAffinity,
        zones: s.topologyZones,
        placement: placementFor(s, "mongodb"),
        fixedUid: s.fixedUids,
        allowMemberRemoval: s.mongodbAllowMemberRemoval,
        deleteDataOnDelete: s.deleteDataOnDestroy,
    };
}
