/**
 * MongoDB's authorization rules, small enough to read, for the privilege
 * table and the stubs that must refuse what mongod refuses. Each rule names
 * the server source it follows (mongodb/mongo, read through the search tool).
 */
import { builtinRole, Privilege, Resource, RoleDefinition, RoleName } from "./mongoBuiltinRoles";

export type { Privilege, Resource, RoleDefinition, RoleName } from "./mongoBuiltinRoles";

/** One action an operation needs on one resource (a Privilege with a single action). */
export interface Need {
    readonly resource: Resource;
    readonly action: string;
}

/** A user-defined role as createRole takes it (components/mongodb/restoreRole.json has this shape). */
export interface UserDefinedRole extends RoleDefinition {
    readonly role: string;
    readonly db: string;
}

/** Server error codes (src/mongo/base/error_codes.yml; 51002/51003 from user_management_commands.cpp). */
export const codes = {
    BadValue: 2,
    Unauthorized: 13,
    RoleNotFound: 31,
    RoleAlreadyExists: 51002,
    UserAlreadyExists: 51003,
} as const;

const keyOf = (resource: Resource): string =>
    "cluster" in resource ? "cluster" : "anyResource" in resource ? "any" : `${resource.db}|${resource.collection}`;

/**
 * NamespaceString::isNormalCollection: not a system collection. The replica
 * set's own local.replset.* collections are not normal either, which is why
 * clusterMonitor grants them by exact namespace.
 */
function isNormalCollection(db: string, collection: string): boolean {
    return !collection.startsWith("system.") && !(db === "local" && collection.startsWith("replset."));
}

/**
 * The patterns that can grant an action on `target`, as
 * ResourcePatternSearchList builds them (src/mongo/db/auth/resource_pattern_search_list.h):
 * anyResource always; anyNormalResource for normal collections and databases
 * except in `local` and `config`; the database for its normal collections; a
 * collection-name pattern for that name in any database; the target itself.
 */
export function searchList(target: Resource): string[] {
    const list = ["any"];
    if ("db" in target && target.db !== "" && target.collection !== "") {
        const internal = target.db === "local" || target.db === "config";
        if (isNormalCollection(target.db, target.collection)) {
            if (!internal) {
                list.push("|");
            }
            list.push(`${target.db}|`);
        }
        list.push(`|${target.collection}`);
    } else if ("db" in target && target.db !== "" && target.collection === "") {
        if (target.db !== "local" && target.db !== "config") {
            list.push("|");
        }
    }
    if (!("anyResource" in target)) {
        list.push(keyOf(target));
    }
    return list;
}

/** Every privilege of `roles` and the roles they inherit (resolveRoles in src/mongo/db/auth/authorization_backend_local.cpp). */
export function privilegesOf(roles: readonly RoleName[], userDefined: readonly UserDefinedRole[] = []): Privilege[] {
    const privileges: Privilege[] = [];
    const seen = new Set<string>();
    const frontier = [...roles];
    while (frontier.length > 0) {
        const name = frontier.shift()!;
        const id = `${name.db}.${name.role}`;
        if (seen.has(id)) {
            continue;
        }
        seen.add(id);
        const definition = builtinRole(name) ?? userDefined.find((r) => r.role === name.role && r.db === name.db);
        if (!definition) {
            continue; // resolveRoles skips a role that does not exist ("Role does not exist", log 5029200)
        }
        privileges.push(...definition.privileges);
        frontier.push(...definition.roles);
    }
    return privileges;
}

/** True when a privilege on a pattern that matches the target carries the action (or anyAction, ActionSet::contains). */
export function grants(privileges: readonly Privilege[], need: Need): boolean {
    const patterns = new Set(searchList(need.resource));
    return privileges.some((p) => patterns.has(keyOf(p.resource)) && (p.actions.includes(need.action) || p.actions.includes("anyAction")));
}

/** The needs of `needs` that `privileges` do not grant. */
export function missing(privileges: readonly Privilege[], needs: readonly Need[]): Need[] {
    return needs.filter((need) => !grants(privileges, need));
}

export const describeNeed = (need: Need): string => `${need.action} on ${JSON.stringify(need.resource)}`;

/** A role exists when it is built in (in that database) or was created (AuthorizationBackendLocal::rolesExist). */
export function roleExists(name: RoleName, userDefined: readonly UserDefinedRole[]): boolean {
    return builtinRole(name) !== undefined || userDefined.some((r) => r.role === name.role && r.db === name.db);
}

/** Role references as user-management commands take them: a bare name is a role of the command's database (resolveRoleNames). */
export function resolveRoleNames(roles: readonly (string | RoleName)[], db: string): RoleName[] {
    return roles.map((r) => (typeof r === "string" ? { role: r, db } : r));
}

/**
 * What a localhost connection may do while the localhost exception holds
 * (AuthorizationSessionImpl::_getDefaultPrivileges in
 * src/mongo/db/auth/authorization_session_impl.cpp): create users and grant
 * roles in admin, create users in $external, and a few cluster actions. Not
 * createRole: isAuthorizedToCreateRole allows a role under the exception only
 * to a user who already holds it through external authentication.
 */
export const localhostExceptionPrivileges: readonly Privilege[] = [
    { resource: { db: "admin", collection: "" }, actions: ["createUser", "grantRole"] },
    { resource: { db: "$external", collection: "" }, actions: ["createUser"] },
    { resource: { cluster: true }, actions: ["addShard", "replSetConfigure", "replSetGetStatus", "issueDirectShardOperations"] },
];

/** Needs of createUser (checkAuthForTypedCommand(CreateUserCommand), user_management_commands_common.cpp). */
export function createUserNeeds(db: string, roles: readonly RoleName[]): Need[] {
    return [{ resource: { db, collection: "" }, action: "createUser" }, ...grantRoleNeeds(roles)];
}

/** Needs of updateUser with a password and a roles array: changePassword, revokeRole on any normal resource, grantRole per role. */
export function updateUserNeeds(db: string, roles: readonly RoleName[]): Need[] {
    return [
        { resource: { db, collection: "" }, action: "changePassword" },
        { resource: { db: "", collection: "" }, action: "revokeRole" },
        ...grantRoleNeeds(roles),
    ];
}

/**
 * Needs of createRole: createRole on its database, grantRole on the database
 * of each inherited role, and for each privilege grantRole on its database,
 * or on admin for cluster-wide and multi-database resources
 * (checkAuthorizedToGrantPrivilege, user_management_commands_common.cpp).
 */
export function createRoleNeeds(role: UserDefinedRole): Need[] {
    return [{ resource: { db: role.db, collection: "" }, action: "createRole" }, ...grantRoleNeeds(role.roles), ...grantPrivilegeNeeds(role.privileges)];
}

/** Needs of updateRole with privileges and roles: revokeRole on any normal resource, then as createRole grants. */
export function updateRoleNeeds(role: UserDefinedRole): Need[] {
    return [{ resource: { db: "", collection: "" }, action: "revokeRole" }, ...grantRoleNeeds(role.roles), ...grantPrivilegeNeeds(role.privileges)];
}

function grantRoleNeeds(roles: readonly RoleName[]): Need[] {
    return roles.map((r) => ({ resource: { db: r.db, collection: "" }, action: "grantRole" }));
}

function grantPrivilegeNeeds(privileges: readonly Privilege[]): Need[] {
    return privileges.map(({ resource }) => ({
        resource: { db: "db" in resource && resource.db !== "" ? resource.db : "admin", collection: "" },
        action: "grantRole",
    }));
}

export interface Reply {
    readonly ok: 0 | 1;
    readonly code?: number;
    readonly errmsg?: string;
}

/**
 * A mongod started with --auth and empty: users and roles in admin, the
 * localhost exception while admin.system.users and admin.system.roles are
 * both empty (AuthzManagerExternalStateLocal::hasAnyPrivilegeDocuments checks
 * users, then roles; once true it stays true for the process), and the
 * authorization and existence checks of createUser and createRole. It is the
 * stub the backup verification's user setup runs against.
 */
export class AuthorizingServer {
    readonly users = new Map<string, RoleName[]>();
    readonly roles: UserDefinedRole[] = [];
    private privilegeDocumentsSeen = false;

    /** The localhost exception holds for a localhost connection until a user or a role exists. */
    get localhostExceptionOpen(): boolean {
        this.privilegeDocumentsSeen ||= this.users.size > 0 || this.roles.length > 0;
        return !this.privilegeDocumentsSeen;
    }

    /** Privileges of a connection: the authenticated user's, plus the exception's default privileges. */
    privilegesOf(user: string | undefined): Privilege[] {
        const own = user !== undefined && this.users.has(user) ? privilegesOf(this.users.get(user)!, this.roles) : [];
        return this.localhostExceptionOpen ? [...own, ...localhostExceptionPrivileges] : own;
    }

    createUser(as: string | undefined, name: string, roles: readonly (string | RoleName)[]): Reply {
        const resolved = resolveRoleNames(roles, "admin");
        const refused = this.refuse(as, createUserNeeds("admin", resolved));
        if (refused) {
            return refused;
        }
        const unknown = resolved.filter((r) => !roleExists(r, this.roles));
        if (unknown.length > 0) {
            return { ok: 0, code: codes.RoleNotFound, errmsg: `Could not find role: ${unknown.map((r) => `${r.role}@${r.db}`).join(", ")}` };
        }
        if (this.users.has(name)) {
            return { ok: 0, code: codes.UserAlreadyExists, errmsg: `User "${name}@admin" already exists` };
        }
        this.users.set(name, resolved);
        return { ok: 1 };
    }

    createRole(as: string | undefined, definition: { role: string; privileges: readonly Privilege[]; roles: readonly (string | RoleName)[] }): Reply {
        const role: UserDefinedRole = { role: definition.role, db: "admin", privileges: definition.privileges, roles: resolveRoleNames(definition.roles, "admin") };
        const refused = this.refuse(as, createRoleNeeds(role));
        if (refused) {
            return refused;
        }
        if (builtinRole(role)) {
            return { ok: 0, code: codes.BadValue, errmsg: "Cannot create roles with the same name as a built-in role" };
        }
        const unknown = role.roles.filter((r) => !roleExists(r, this.roles));
        if (unknown.length > 0) {
            return { ok: 0, code: codes.RoleNotFound, errmsg: `Could not find role: ${unknown.map((r) => `${r.role}@${r.db}`).join(", ")}` };
        }
        if (this.roles.some((r) => r.role === role.role)) {
            return { ok: 0, code: codes.RoleAlreadyExists, errmsg: `Role "${role.role}@admin" already exists` };
        }
        this.roles.push(role);
        return { ok: 1 };
    }

    /** Whether `user` may do everything in `needs` (for the operations after the setup, e.g. mongorestore). */
    allows(user: string | undefined, needs: readonly Need[]): boolean {
        return missing(this.privilegesOf(user), needs).length === 0;
    }

    private refuse(as: string | undefined, needs: readonly Need[]): Reply | undefined {
        const lacking = missing(this.privilegesOf(as), needs);
        return lacking.length === 0 ? undefined : { ok: 0, code: codes.Unauthorized, errmsg: `not authorized: needs ${lacking.map(describeNeed).join(", ")}` };
    }
}
