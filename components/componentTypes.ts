/**
 * Type tokens of our components, `rocketchat-ha:<module>:<Name>`, and the
 * tokens they had before. A component whose token changes carries an alias
 * to each former token, so an existing stack sees the same resources (the SDK
 * derives its children's aliases from the parent's) instead of a replacement.
 */
import * as pulumi from "@pulumi/pulumi";

interface ComponentType {
    readonly token: string;
    /** Tokens this component was registered under by earlier releases. */
    readonly formerly: readonly string[];
}

export const componentTypes = {
    Platform: { token: "rocketchat-ha:index:Platform", formerly: [] },
    Credentials: { token: "rocketchat-ha:credentials:Credentials", formerly: ["rocketchat-ha:index:Credentials"] },
    KeycloakClient: { token: "rocketchat-ha:sso:KeycloakClient", formerly: ["rocketchat-ha:index:KeycloakClient"] },
    MongoReplicaSet: { token: "rocketchat-ha:mongodb:MongoReplicaSet", formerly: ["rocketchat-ha:index:MongoReplicaSet"] },
    RocketChat: { token: "rocketchat-ha:rocketchat:RocketChat", formerly: ["rocketchat-ha:index:RocketChat"] },
    MongoBackups: { token: "rocketchat-ha:backup:MongoBackups", formerly: [] },
    BackupStorage: { token: "rocketchat-ha:backup:BackupStorage", formerly: [] },
    BackupSchedules: { token: "rocketchat-ha:backup:BackupSchedules", formerly: [] },
    RestoreJob: { token: "rocketchat-ha:backup:RestoreJob", formerly: [] },
    ChannelsReconciler: { token: "rocketchat-ha:channels:ChannelsReconciler", formerly: [] },
    Monitoring: { token: "rocketchat-ha:monitoring:Monitoring", formerly: [] },
    MongoExporter: { token: "rocketchat-ha:monitoring:MongoExporter", formerly: [] },
} as const satisfies Record<string, ComponentType>;

export type ComponentName = keyof typeof componentTypes;

/** The component's options with an alias to every former token of its type added. */
export function withFormerTypes(component: ComponentName, opts: pulumi.ComponentResourceOptions = {}): pulumi.ComponentResourceOptions {
    const formerly = componentTypes[component].formerly;
    if (formerly.length === 0) {
        return opts;
    }
    return { ...opts, aliases: [...(opts.aliases ?? []), ...formerly.map((type) => ({ type }))] };
}
