/**
 * MongoDB's built-in roles, as the server defines them, for the privilege
 * table (test/mongoPrivileges.test.ts).
 *
 * Source: src/mongo/db/auth/builtin_roles.yml in mongodb/mongo (read through
 * the search tool, version stored 2026-11; it replaced the C++ initialiser
 * MONGO_INITIALIZER(AuthorizationBuiltinRoles) and the add*Privileges
 * functions of role_graph_builtin_roles.cpp, which define the same roles for
 * 6.0 and earlier). Each role below names its key in that file. Privileges on
 * `any_system_buckets` (time-series buckets) are left out: the platform has
 * no time-series collection.
 *
 * Resources use MongoDB's privilege-document form, as in createRole:
 *   { cluster: true } | { anyResource: true } | { db, collection }
 * where db "" means any database and collection "" any normal collection:
 *   builtin_roles.yml matchType  ->  resource
 *   cluster                     ->  { cluster: true }
 *   any                         ->  { anyResource: true }
 *   any_normal                  ->  { db: "", collection: "" }
 *   database (db)               ->  { db, collection: "" }
 *   collection (name)           ->  { db: "", collection: name }
 *   exact_namespace             ->  { db, collection }
 */

export type Resource = { cluster: true } | { anyResource: true } | { db: string; collection: string };

export interface Privilege {
    readonly resource: Resource;
    readonly actions: readonly string[];
}

export interface RoleName {
    readonly role: string;
    readonly db: string;
}

export interface RoleDefinition {
    readonly privileges: readonly Privilege[];
    readonly roles: readonly RoleName[];
}

const cluster: Resource = { cluster: true };
const any: Resource = { anyResource: true };
const anyNormal: Resource = { db: "", collection: "" };
const database = (db: string): Resource => ({ db, collection: "" });
const collectionNamed = (collection: string): Resource => ({ db: "", collection });
const exact = (db: string, collection: string): Resource => ({ db, collection });

// Action lists with their YAML anchors in builtin_roles.yml.
/** &readRoleActions */
const readActions = ["changeStream", "collStats", "dbHash", "dbStats", "find", "killCursors", "listCollections", "listIndexes", "listSearchIndexes", "planCacheRead"];
/** &readWriteRoleActions */
const readWriteActions = [...readActions, "cleanupStructuredEncryptionData", "compactStructuredEncryptionData", "convertToCapped", "createCollection", "createIndex",
    "createSearchIndexes", "dropCollection", "dropIndex", "dropSearchIndex", "insert", "remove", "renameCollectionSameDB", "update", "updateSearchIndex"];
/** &userAdminRoleActions */
const userAdminActions = ["changeCustomData", "changePassword", "createUser", "createRole", "dropUser", "dropRole", "grantRole", "revokeRole",
    "setAuthenticationRestriction", "viewUser", "viewRole"];
/** &dbAdminRoleActions */
const dbAdminActions = ["analyze", "bypassDocumentValidation", "collMod", "collStats", "compact", "convertToCapped", "createCollection", "dbStats", "dropCollection",
    "dropDatabase", "dropIndex", "dropSearchIndex", "createIndex", "createSearchIndexes", "enableProfiler", "listCollections", "listIndexes", "listSearchIndexes",
    "updateSearchIndex", "planCacheIndexFilter", "planCacheRead", "planCacheWrite", "reIndex", "renameCollectionSameDB", "storageDetails", "validate"];
/** &clusterMonitorRoleClusterActions */
const clusterMonitorClusterActions = ["connPoolStats", "getCmdLineOpts", "getDefaultRWConcern", "getLog", "getParameter", "getShardMap", "hostInfo", "listDatabases",
    "listSampledQueries", "listSessions", "listShards", "netstat", "operationMetrics", "replSetGetConfig", "replSetGetStatus", "serverStatus", "top", "useUUID",
    "inprog", "shardingState", "allCollectionStats", "shardedDataDistribution"];
/** &clusterMonitorRoleDatabaseActions */
const clusterMonitorDatabaseActions = ["collStats", "dbStats", "getDatabaseVersion", "getShardVersion", "indexStats"];
/** &hostManagerRoleClusterActions */
const hostManagerClusterActions = ["applicationMessage", "auditConfigure", "connPoolSync", "dropConnections", "logRotate", "oidReset", "setParameter", "shutdown",
    "touch", "unlock", "flushRouterConfig", "fsync", "invalidateUserCache", "killAnyCursor", "killAnySession", "killop", "replSetResizeOplog", "resync",
    "trafficRecord", "rotateCertificates", "oidcListKeys", "oidcRefreshKeys"];
/** &clusterManagerRoleClusterActions */
const clusterManagerClusterActions = ["appendOplogNote", "applicationMessage", "replSetConfigure", "replSetGetConfig", "replSetGetStatus", "replSetStateChange",
    "resync", "addShard", "removeShard", "listSessions", "listShards", "flushRouterConfig", "cleanupOrphaned", "getDefaultRWConcern", "runTenantMigration",
    "setDefaultRWConcern", "setFeatureCompatibilityVersion", "setClusterParameter", "getClusterParameter", "setChangeStreamState", "getChangeStreamState",
    "querySettings", "queryStatsRead", "queryStatsReadTransformed", "checkMetadataConsistency", "transitionFromDedicatedConfigServer",
    "transitionToDedicatedConfigServer"];
/** &clusterManagerRoleDatabaseActions */
const clusterManagerDatabaseActions = ["analyzeShardKey", "configureQueryAnalyzer", "clearJumboFlag", "splitChunk", "moveChunk", "moveCollection", "enableSharding",
    "splitVector", "refineCollectionShardKey", "reshardCollection"];
/** &clusterManagerRoleWriteActions */
const clusterManagerWriteActions = ["insert", "update", "remove"];
/** &restoreRoleWriteActions */
const restoreWriteActions = ["bypassDocumentValidation", "collMod", "convertToCapped", "createCollection", "createIndex", "createSearchIndexes", "dropCollection",
    "insert", "updateSearchIndex"];
/** &readRoleAndIndexActions */
const readAndIndexActions = [...readActions, "createIndex", "createSearchIndexes", "dropIndex", "dropSearchIndex"];

const admin = (role: string): RoleName => ({ role, db: "admin" });

/** Roles that exist in every database (no `adminOnly` in builtin_roles.yml), defined relative to it. */
const databaseRoles: Record<string, (db: string) => RoleDefinition> = {
    read: (db) => ({ roles: [], privileges: [{ resource: database(db), actions: readActions }, { resource: exact(db, "system.js"), actions: readActions }] }),
    readWrite: (db) => ({ roles: [], privileges: [{ resource: database(db), actions: readWriteActions }, { resource: exact(db, "system.js"), actions: readWriteActions }] }),
    userAdmin: (db) => ({ roles: [], privileges: [{ resource: database(db), actions: userAdminActions }] }),
    dbAdmin: (db) => ({
        roles: [],
        privileges: [
            { resource: database(db), actions: dbAdminActions },
            { resource: database(db), actions: ["configureQueryAnalyzer"] },
            { resource: exact(db, "system.profile"), actions: [...readActions, "convertToCapped", "createCollection", "dropCollection"] },
        ],
    }),
    dbOwner: (db) => ({ roles: [{ role: "readWrite", db }, { role: "dbAdmin", db }, { role: "userAdmin", db }], privileges: [] }),
    enableSharding: () => ({ roles: [], privileges: [{ resource: anyNormal, actions: ["analyzeShardKey", "enableSharding", "moveCollection", "refineCollectionShardKey", "reshardCollection"] }] }),
};

/** Roles marked `adminOnly: true`: they exist only in the admin database. */
const adminOnlyRoles: Record<string, RoleDefinition> = {
    readAnyDatabase: {
        roles: [],
        privileges: [
            { resource: anyNormal, actions: readActions },
            { resource: cluster, actions: ["listDatabases"] },
            { resource: collectionNamed("system.js"), actions: readActions },
        ],
    },
    readWriteAnyDatabase: {
        roles: [admin("readAnyDatabase")],
        privileges: [
            { resource: anyNormal, actions: readWriteActions },
            { resource: collectionNamed("system.js"), actions: readWriteActions },
        ],
    },
    userAdminAnyDatabase: {
        roles: [],
        privileges: [
            { resource: anyNormal, actions: [...userAdminActions, "listCachedAndActiveUsers"] },
            { resource: database("local"), actions: userAdminActions },
            { resource: database("config"), actions: userAdminActions },
            { resource: cluster, actions: ["listDatabases", "authSchemaUpgrade", "invalidateUserCache", "viewUser"] },
            { resource: exact("admin", "system.users"), actions: readAndIndexActions },
            { resource: exact("admin", "system.roles"), actions: readAndIndexActions },
            { resource: collectionNamed("system.users"), actions: readActions },
            { resource: exact("admin", "system.version"), actions: readActions },
            { resource: exact("admin", "system.backup_users"), actions: readActions },
        ],
    },
    dbAdminAnyDatabase: {
        roles: [],
        privileges: [
            { resource: cluster, actions: ["listDatabases", "applyOps"] },
            { resource: anyNormal, actions: dbAdminActions },
            { resource: anyNormal, actions: ["configureQueryAnalyzer"] },
            { resource: collectionNamed("system.profile"), actions: [...readActions, "convertToCapped", "createCollection", "dropCollection"] },
        ],
    },
    clusterMonitor: {
        roles: [{ role: "read", db: "config" }, { role: "read", db: "local" }],
        privileges: [
            { resource: cluster, actions: clusterMonitorClusterActions },
            { resource: anyNormal, actions: clusterMonitorDatabaseActions },
            { resource: database("config"), actions: clusterMonitorDatabaseActions },
            { resource: exact("config", "system.sessions"), actions: clusterMonitorDatabaseActions },
            { resource: database("local"), actions: clusterMonitorDatabaseActions },
            { resource: exact("local", "system.replset"), actions: ["find"] },
            { resource: exact("local", "replset.election"), actions: ["find"] },
            { resource: exact("local", "replset.minvalid"), actions: ["find"] },
            { resource: collectionNamed("system.profile"), actions: ["find"] },
        ],
    },
    hostManager: {
        roles: [],
        privileges: [{ resource: cluster, actions: hostManagerClusterActions }, { resource: anyNormal, actions: ["killCursors"] }],
    },
    clusterManager: {
        roles: [{ role: "read", db: "config" }],
        privileges: [
            { resource: cluster, actions: clusterManagerClusterActions },
            { resource: anyNormal, actions: clusterManagerDatabaseActions },
            { resource: database("config"), actions: clusterManagerDatabaseActions },
            { resource: database("local"), actions: clusterManagerDatabaseActions },
            { resource: exact("local", "system.replset"), actions: readActions },
            { resource: any, actions: ["dbCheck"] },
            { resource: exact("local", "system.healthlog"), actions: readActions },
            { resource: database("config"), actions: clusterManagerWriteActions },
            { resource: database("local"), actions: clusterManagerWriteActions },
            { resource: exact("local", "replset.election"), actions: clusterManagerWriteActions },
            { resource: exact("local", "replset.minvalid"), actions: clusterManagerWriteActions },
        ],
    },
    clusterAdmin: {
        roles: [admin("clusterMonitor"), admin("hostManager"), admin("clusterManager")],
        privileges: [{ resource: anyNormal, actions: ["dropDatabase"] }, { resource: any, actions: ["importCollection", "exportCollection"] }],
    },
    __queryableBackup: {
        roles: [],
        privileges: [
            { resource: any, actions: ["collStats", "listCollections", "listIndexes", "listSearchIndexes"] },
            { resource: anyNormal, actions: ["find"] },
            { resource: cluster, actions: ["getParameter", "listDatabases", "useUUID"] },
            { resource: database("config"), actions: ["find"] },
            { resource: database("local"), actions: ["find"] },
            { resource: exact("local", "replset.election"), actions: ["find"] },
            { resource: exact("local", "replset.minvalid"), actions: ["find"] },
            { resource: collectionNamed("system.js"), actions: ["find"] },
            { resource: collectionNamed("system.users"), actions: ["find"] },
            { resource: collectionNamed("system.profile"), actions: ["find"] },
            { resource: exact("admin", "system.backup_users"), actions: ["find"] },
            { resource: exact("admin", "system.roles"), actions: ["find"] },
            { resource: exact("admin", "system.version"), actions: ["find"] },
            { resource: exact("config", "settings"), actions: ["find"] },
        ],
    },
    backup: {
        roles: [admin("__queryableBackup")],
        privileges: [
            { resource: cluster, actions: ["appendOplogNote", "serverStatus", "setUserWriteBlockMode"] },
            { resource: exact("config", "settings"), actions: ["insert", "update"] },
        ],
    },
    restore: {
        roles: [],
        privileges: [
            { resource: cluster, actions: ["getParameter", "forceUUID", "useUUID", "bypassWriteBlockingMode", "setUserWriteBlockMode", "applyOps"] },
            { resource: database("local"), actions: restoreWriteActions },
            { resource: database("config"), actions: restoreWriteActions },
            { resource: exact("local", "system.replset"), actions: restoreWriteActions },
            { resource: exact("local", "replset.election"), actions: restoreWriteActions },
            { resource: exact("local", "replset.minvalid"), actions: restoreWriteActions },
            { resource: any, actions: ["listCollections"] },
            { resource: anyNormal, actions: [...restoreWriteActions, ...userAdminActions] },
            { resource: collectionNamed("system.js"), actions: restoreWriteActions },
            { resource: exact("admin", "tempusers"), actions: ["find"] },
            { resource: exact("admin", "temproles"), actions: ["find"] },
            { resource: exact("admin", "system.backup_users"), actions: restoreWriteActions },
            { resource: exact("admin", "system.version"), actions: [...restoreWriteActions, "find"] },
            { resource: collectionNamed("system.users"), actions: [...restoreWriteActions, "find", "update", "remove"] },
            { resource: exact("admin", "system.roles"), actions: ["createIndex"] },
        ],
    },
    root: {
        roles: ["clusterAdmin", "userAdminAnyDatabase", "dbAdminAnyDatabase", "readWriteAnyDatabase", "backup", "restore", "directShardOperations"].map(admin),
        privileges: [
            { resource: any, actions: ["validate"] },
            { resource: cluster, actions: ["useTenant"] },
            { resource: exact("config", "system.preimages"), actions: ["find", "remove"] },
            { resource: exact("config", "system.change_collection"), actions: ["find", "insert", "remove", "update"] },
        ],
    },
    directShardOperations: {
        roles: [],
        privileges: [{ resource: cluster, actions: ["issueDirectShardOperations"] }],
    },
};

/** The definition of a built-in role, or undefined when `name` is not one (in that database). */
export function builtinRole(name: RoleName): RoleDefinition | undefined {
    if (Object.prototype.hasOwnProperty.call(databaseRoles, name.role)) {
        return databaseRoles[name.role](name.db);
    }
    if (name.db === "admin" && Object.prototype.hasOwnProperty.call(adminOnlyRoles, name.role)) {
        return adminOnlyRoles[name.role];
    }
    return undefined;
}

/** Names that createRole refuses in any database ("Cannot create roles with the same name as a built-in role"). */
export function isBuiltinRoleName(name: RoleName): boolean {
    return builtinRole(name) !== undefined;
}
