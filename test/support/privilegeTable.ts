/**
 * The privilege table: every server command the platform's Jobs and tools
 * run, as which identity, the actions it needs, and where that comes from.
 * test/mongoPrivileges.test.ts checks the users the bootstrap creates against
 * it (every need granted; every role needed) and binds it to the code that
 * sends the commands, so a changed command or role without a changed row fails.
 *
 * Server sources are files of mongodb/mongo; tool sources of
 * mongodb/mongo-tools and percona/mongodb_exporter v0.47.1; documentation of
 * mongodb/docs-commandline-tools.
 */
import { createRoleNeeds, createUserNeeds, Need, RoleName, updateRoleNeeds, updateUserNeeds, UserDefinedRole } from "./mongoPrivileges";

/** The MongoDB users of the platform (Credentials in components/credentials.ts). */
export type Identity = "root" | "app" | "backup" | "restore" | "monitoring";

export interface CommandRow {
    /** What runs it, as people call it. */
    readonly id: string;
    readonly identity: Identity;
    /** The server commands it sends, by name: what the binding tests compare with the code. */
    readonly commands: readonly string[];
    readonly needs: readonly Need[];
    readonly source: string;
}

/** The databases and collections the needs are spelled out on: the application's, admin's and the replica set's own. */
export interface DataLayout {
    /** The application database (APP_DATABASE) and some of Rocket.Chat's collections. */
    readonly appDatabase: string;
    readonly appCollections: readonly string[];
}

export const defaultLayout: DataLayout = {
    appDatabase: "rocketchat",
    appCollections: ["rocketchat_message", "rocketchat_room", "rocketchat_subscription", "rocketchat_settings", "users"],
};

const cluster = (action: string): Need => ({ resource: { cluster: true }, action });
const onDatabase = (db: string, action: string): Need => ({ resource: { db, collection: "" }, action });
const onCollection = (db: string, collection: string, action: string): Need => ({ resource: { db, collection }, action });
const onEach = (db: string, collections: readonly string[], ...actions: string[]): Need[] =>
    collections.flatMap((c) => actions.map((a) => onCollection(db, c, a)));

/** The admin collections a whole-instance mongodump reads (users, roles, auth schema version). */
const adminCollections = ["system.users", "system.roles", "system.version"];

/** Roles the platform's users hold, for the bootstrap's createUser/updateUser rows. */
export interface Grants {
    readonly appRole: RoleName;
    readonly restoreRole: UserDefinedRole;
}

/** Exporter collectors by the flag that turns them on, each a row of the monitoring identity. */
export function exporterRows(): Record<string, CommandRow> {
    const exporter = "percona/mongodb_exporter v0.47.1";
    return {
        always: {
            id: "exporter: connection, node type, build info, mongodb_up",
            identity: "monitoring",
            commands: ["isMaster", "buildInfo", "ping", "getCmdLineOpts"],
            // isMaster/hello, buildInfo and ping run before authentication is required
            // (CmdHello::requiresAuth false, src/mongo/db/repl/replication_info.cpp);
            // getCmdLineOpts (topology labels) is clusterMonitor's.
            needs: [cluster("getCmdLineOpts")],
            source: `${exporter}: exporter/topology_info.go getNodeType (isMaster), getClusterRole (getCmdLineOpts); v1_compatibility.go retrieveMongoDBBuildInfo (buildInfo); general_collector.go (Ping)`,
        },
        "--collector.replicasetstatus": {
            id: "exporter --collector.replicasetstatus",
            identity: "monitoring",
            commands: ["replSetGetStatus"],
            needs: [cluster("replSetGetStatus")],
            source: `${exporter}: exporter/replset_status_collector.go; action from ReplSetGetStatus (clusterMonitor cluster actions, builtin_roles.yml)`,
        },
        "--collector.diagnosticdata": {
            id: "exporter --collector.diagnosticdata",
            identity: "monitoring",
            commands: ["getDiagnosticData", "getCmdLineOpts"],
            // GetDiagnosticDataCommand::checkAuthForOperation, src/mongo/db/ftdc/ftdc_commands.cpp.
            needs: [cluster("serverStatus"), cluster("replSetGetStatus"), onCollection("local", "oplog.rs", "collStats"), cluster("getCmdLineOpts")],
            source: `${exporter}: exporter/diagnostic_data_collector.go; needs from src/mongo/db/ftdc/ftdc_commands.cpp checkAuthForOperation`,
        },
        "--compatible-mode": {
            id: "exporter --compatible-mode (oplog window)",
            identity: "monitoring",
            commands: ["find"],
            needs: [onCollection("local", "oplog.rs", "find")],
            source: `${exporter}: exporter/v1_compatibility.go specialMetrics -> oplogStatus (FindOne on local.oplog.rs, only in compatible mode)`,
        },
    };
}

/**
 * Every command row, for the platform's users as the bootstrap creates them.
 * `exporterFlags` are the exporter's arguments; only their collectors' rows count.
 */
export function privilegeTable(grants: Grants, exporterFlags: readonly string[], layout: DataLayout = defaultLayout): CommandRow[] {
    const app = layout.appDatabase;
    const userRoles: RoleName[] = [grants.appRole, { role: "backup", db: "admin" }, { role: grants.restoreRole.role, db: grants.restoreRole.db }, { role: "clusterMonitor", db: "admin" }];
    const exporter = exporterRows();
    return [
        // --- root: the bootstrap Job (components/mongodb/bootstrap.js) and `ops status`.
        {
            id: "bootstrap: hello (wait for a writable primary)",
            identity: "root",
            commands: ["hello"],
            needs: [],
            source: "CmdHello::requiresAuth() is false (src/mongo/db/repl/replication_info.cpp)",
        },
        {
            id: "bootstrap: replSetGetStatus, replSetGetConfig",
            identity: "root",
            commands: ["replSetGetStatus", "replSetGetConfig"],
            needs: [cluster("replSetGetStatus"), cluster("replSetGetConfig")],
            source: "action types replSetGetStatus/replSetGetConfig on the cluster (clusterMonitor and clusterManager in builtin_roles.yml)",
        },
        {
            id: "bootstrap: replSetInitiate, replSetReconfig",
            identity: "root",
            commands: ["replSetInitiate", "replSetReconfig"],
            needs: [cluster("replSetConfigure")],
            source: "action type replSetConfigure on the cluster (clusterManager in builtin_roles.yml; also a localhost-exception default privilege)",
        },
        {
            id: "bootstrap: buildInfo of each member (which binary it runs)",
            identity: "root",
            commands: ["buildInfo"],
            needs: [],
            source: "CmdBuildInfo::requiresAuth() is false (src/mongo/db/commands/generic_servers.cpp)",
        },
        {
            id: "bootstrap: getParameter featureCompatibilityVersion",
            identity: "root",
            commands: ["getParameter"],
            needs: [cluster("getParameter")],
            source: "action type getParameter on the cluster (clusterMonitor in builtin_roles.yml; CmdGetParameter, src/mongo/db/commands/parameters.cpp)",
        },
        {
            id: "bootstrap: setFeatureCompatibilityVersion (raised with confirm, never lowered)",
            identity: "root",
            commands: ["setFeatureCompatibilityVersion"],
            needs: [cluster("setFeatureCompatibilityVersion")],
            source: "action type setFeatureCompatibilityVersion on the cluster (clusterManager in builtin_roles.yml; set_feature_compatibility_version_command.cpp)",
        },
        {
            id: "bootstrap: replSetStepDown of a departing primary",
            identity: "root",
            commands: ["replSetStepDown"],
            needs: [cluster("replSetStateChange")],
            source: "replSetStepDown needs replSetStateChange on the cluster (CmdReplSetStepDown in src/mongo/db/repl/repl_set_commands.cpp; clusterManager in builtin_roles.yml)",
        },
        {
            id: "bootstrap: rolesInfo of the restore role",
            identity: "root",
            commands: ["rolesInfo"],
            needs: [onDatabase("admin", "viewRole")],
            source: "viewRole on the role's database (userAdmin actions, builtin_roles.yml; checkAuthForTypedCommand(RolesInfoCommand))",
        },
        {
            id: "bootstrap: createRole / updateRole of the restore role",
            identity: "root",
            commands: ["createRole", "updateRole"],
            needs: [...createRoleNeeds(grants.restoreRole), ...updateRoleNeeds(grants.restoreRole)],
            source: "checkAuthForTypedCommand(CreateRoleCommand/UpdateRoleCommand), src/mongo/db/commands/user_management_commands_common.cpp",
        },
        {
            id: "bootstrap: usersInfo",
            identity: "root",
            commands: ["usersInfo"],
            needs: [onDatabase("admin", "viewUser")],
            source: "usersInfo: 1 needs viewUser on the database (checkAuthForTypedCommand(UsersInfoCommand), user_management_commands_common.cpp)",
        },
        {
            id: "bootstrap: createUser / updateUser of app, backup, restore, monitoring",
            identity: "root",
            commands: ["createUser", "updateUser"],
            needs: [...createUserNeeds("admin", userRoles), ...updateUserNeeds("admin", userRoles)],
            source: "checkAuthForTypedCommand(CreateUserCommand/UpdateUserCommand), src/mongo/db/commands/user_management_commands_common.cpp",
        },
        {
            id: "bootstrap: dropUser of a replaced generation (rocketchat after rocketchat-g1 took over)",
            identity: "root",
            commands: ["dropUser"],
            needs: [onDatabase("admin", "dropUser")],
            source: "checkAuthForTypedCommand(DropUserCommand): dropUser on the user's database, src/mongo/db/commands/user_management_commands_common.cpp",
        },
        {
            id: "bootstrap: setDefaultRWConcern (majority)",
            identity: "root",
            commands: ["setDefaultRWConcern"],
            needs: [cluster("setDefaultRWConcern")],
            source: "action type setDefaultRWConcern on the cluster (clusterManager in builtin_roles.yml)",
        },
        {
            id: "ops status: replSetGetStatus, replSetGetConfig, ping",
            identity: "root",
            commands: ["ping", "replSetGetStatus", "replSetGetConfig"],
            needs: [cluster("replSetGetStatus"), cluster("replSetGetConfig")],
            source: "tools/ops/statusCommand.ts (withCluster as root), tools/ops/mongoSession.ts (ping)",
        },
        // --- app: Rocket.Chat and `ops settings`.
        {
            id: "Rocket.Chat: reads, writes, indexes and change streams on its database",
            identity: "app",
            commands: ["find", "aggregate", "insert", "update", "delete", "createIndexes", "create", "watch"],
            needs: [
                ...onEach(app, layout.appCollections, "find", "insert", "update", "remove", "createIndex", "changeStream"),
                onDatabase(app, "createCollection"),
                onDatabase(app, "listCollections"),
            ],
            source: "Rocket.Chat models through the Node.js driver; change streams need changeStream and find (readRoleActions); DESIGN.md: change streams replace MONGO_OPLOG_URL",
        },
        {
            id: "ops settings: find on rocketchat_settings",
            identity: "app",
            commands: ["ping", "find"],
            needs: [onCollection(app, "rocketchat_settings", "find")],
            source: "tools/ops/settingsCommand.ts (withCluster as app)",
        },
        // --- backup: the backup Job.
        {
            id: "backup: member selection (hello on each member)",
            identity: "backup",
            commands: ["hello"],
            needs: [],
            source: "hello needs no privilege (CmdHello::requiresAuth false); its lastWrite.opTime gives each member's position",
        },
        {
            id: "backup: per-collection counts (listDatabases, listCollections, aggregate $count, readConcern snapshot)",
            identity: "backup",
            commands: ["listDatabases", "listCollections", "aggregate"],
            needs: [cluster("listDatabases"), onDatabase(app, "listCollections"), ...onEach(app, layout.appCollections, "find")],
            source: "an aggregate of $match/$count needs find on the collection (LiteParsedPipeline required privileges); read concern adds no privilege",
        },
        {
            id: "backup: mongodump --oplog",
            identity: "backup",
            commands: ["listDatabases", "listCollections", "listIndexes", "count", "find"],
            needs: [
                cluster("listDatabases"),
                ...[app, "admin"].map((db) => onDatabase(db, "listCollections")),
                ...onEach(app, layout.appCollections, "find", "listIndexes", "collStats"),
                ...onEach("admin", adminCollections, "find", "listIndexes"),
                onCollection("config", "transactions", "find"),
                onCollection("local", "oplog.rs", "find"),
            ],
            source: "mongo-tools mongodump/mongodump.go (DatabaseNames, dumpQueryToIntent, getCount), mongodump/oplog_dump.go (config.transactions, local.oplog.rs); docs: mongodump Required Access (backup role)",
        },
        // --- restore: the restore Job and the verification's restore.
        {
            id: "restore: mongorestore --oplogReplay (restore Job and verification)",
            identity: "restore",
            commands: ["applyOps", "insert", "createIndexes", "drop", "listCollections", "_mergeAuthzCollections"],
            needs: [{ resource: { anyResource: true }, action: "anyAction" }],
            source: "docs-commandline-tools source/mongorestore/mongorestore-behavior-access-usage.txt, Required Access: --oplogReplay needs a user-defined role with anyAction on anyResource; " +
                "a full restore merges users and roles with _mergeAuthzCollections (mongo-tools mongorestore/metadata.go RestoreUsersOrRoles)",
        },
        {
            id: "restore: drop the archive's collections before mongorestore (restoreDropExisting; archivedCollections.js)",
            identity: "restore",
            commands: ["drop"],
            needs: layout.appCollections.map((c) => onCollection(app, c, "dropCollection")),
            source: "MongoDB manual, Privilege Actions: dropCollection lets a user run drop on the collection (dbAdmin's dropCollection in builtin_roles.yml)",
        },
        {
            id: "restore: drop the platform users of other generations the archive brought back (restoredIdentities.js)",
            identity: "restore",
            commands: ["usersInfo", "dropUser"],
            needs: [onDatabase("admin", "viewUser"), onDatabase("admin", "dropUser")],
            source: "checkAuthForTypedCommand(UsersInfoCommand): viewUser, (DropUserCommand): dropUser, on the users' database (user_management_commands_common.cpp)",
        },
        // --- monitoring: the exporter as configured.
        exporter.always,
        ...exporterFlags.filter((flag) => flag in exporter).map((flag) => exporter[flag]),
    ];
}
