/*
 * Replica-set bootstrap, run by mongosh in a one-off Job:
 *   mongosh --nodb --quiet --file bootstrap.js
 *
 * It is idempotent: every run reads the server's state and only does what is
 * missing. Initiate the set once with every member by DNS name, add members
 * the config lacks (one voting member per reconfig, as MongoDB requires), wait
 * for a writable primary, create or update the user-defined roles and then the
 * users that hold them, and make majority the default write concern.
 *
 * Credentials come from environment variables filled from a Secret; the
 * connection string is built here so no password is ever a command argument.
 *
 * MODE=prepare (the upgrade guard Job, before the StatefulSet changes) only
 * removes departing members and checks the new binary. MODE=finalize (a Job
 * that starts once the StatefulSet has rolled) only raises the
 * featureCompatibilityVersion, one series at a time, and fails while the
 * members do not all run the same series: the FCV has one owner.
 *
 * Rotation (components/credentialPlan.ts): in the run that rotates root,
 * ROOT_PASSWORD_PREVIOUS is set; when the current root password is refused
 * and the previous one is accepted, root's password is changed to the
 * current one. Other users rotate by name: generation N of a user is
 * <name>-g<N>, created with the new password while the previous generation's
 * user (PREVIOUS_USERNAMES) keeps working for pods not restarted yet; every
 * other generation of the same user is dropped.
 *
 * The decisions are pure functions exported for the tests; `run` takes its
 * side effects (connect, sleep, log) as arguments so tests can drive it with a
 * simulated server. Plain ES2020 so it runs unchanged in mongosh and Node.
 */
"use strict";

// Shipped next to this file (bootstrapJob.ts bootstrapScriptFiles); __dirname is
// the directory of the running script under mongosh too (MongoDB Shell manual,
// "Differences Between require() and load()").
const { otherGenerations } = require(`${__dirname}/userGenerations.js`);

/** Server error codes the bootstrap distinguishes (src/mongo/base/error_codes.yml). */
const codes = {
    AlreadyInitialized: 23,
    NotYetInitialized: 94,
    Unauthorized: 13,
    AuthenticationFailed: 18,
    // createUser/updateUser naming a role that does not exist (rolesExist in
    // src/mongo/db/auth/authorization_backend_local.cpp): roles go first.
    RoleNotFound: 31,
    // replSetReconfig refusals that pass on their own (isPassingReconfigFailure).
    ConfigurationInProgress: 109,
    PrimarySteppedDown: 189,
    CurrentConfigNotCommittedYet: 308,
    NotWritablePrimary: 10107,
    InterruptedDueToReplStateChange: 11602,
};

/**
 * What to do given a `replSetGetStatus` reply from the seed member.
 * Returns { action: "initiate", config } | { action: "reconcile" } | { action: "fail", reason }.
 */
function planInitiation(statusReply, replicaSetName, hosts) {
    if (statusReply && statusReply.ok === 1) {
        if (statusReply.set !== replicaSetName) {
            return {
                action: "fail",
                reason: `member belongs to replica set '${statusReply.set}', expected '${replicaSetName}': a replica set cannot be renamed in place. ` +
                    `Set mongodbReplicaSetName back to '${statusReply.set}'; to use another name, back up, deploy a new stack with it and restore`,
            };
        }
        return { action: "reconcile" };
    }
    const code = statusReply && statusReply.code;
    if (code === codes.NotYetInitialized) {
        return { action: "initiate", config: initialConfig(replicaSetName, hosts) };
    }
    if (code === codes.Unauthorized || code === codes.AuthenticationFailed) {
        return { action: "fail", reason: rootRefused };
    }
    return { action: "fail", reason: `unexpected replSetGetStatus reply: ${JSON.stringify(statusReply)}` };
}

const rootRefused = "the root user was refused: check the users Secret against the member's data volume";

/**
 * How to log in as root, given the seed's replSetGetStatus reply with the
 * current root password and, only when that was refused and this run rotates
 * root, the reply with the previous generation's password.
 * Returns { action: "current" } | { action: "rotate" } | { action: "fail", reason }.
 * A wrong password is AuthenticationFailed (18) at login (src/mongo/base/error_codes.yml);
 * anything else is left to planInitiation.
 */
function planRootLogin(currentReply, previousReply) {
    const refused = (reply) => Boolean(reply) && reply.code === codes.AuthenticationFailed;
    if (!refused(currentReply)) {
        return { action: "current" };
    }
    if (previousReply === undefined) {
        return { action: "fail", reason: rootRefused };
    }
    if (refused(previousReply) || previousReply.code === codes.Unauthorized) {
        return { action: "fail", reason: `${rootRefused} (neither the current nor the previous generation's root password was accepted)` };
    }
    if (previousReply.ok !== 1) {
        return { action: "fail", reason: `the previous root password was accepted but the member is not part of an initiated set, so root's password cannot be changed: ${JSON.stringify(previousReply)}` };
    }
    return { action: "rotate" };
}

/** The first config: every member votes, member 0 is preferred as primary. */
function initialConfig(replicaSetName, hosts) {
    return {
        _id: replicaSetName,
        members: hosts.map((host, index) => ({ _id: index, host, priority: index === 0 ? 2 : 1 })),
    };
}

/** An initiate that lost a race with another run is still a success. */
function initiateSucceeded(reply) {
    return reply.ok === 1 || reply.code === codes.AlreadyInitialized;
}

/** The pod part of a member host name (`<pod>.<headless>.<ns>.svc.<domain>:27017` -> `<pod>`). */
function podOfHost(host) {
    return host.split(".")[0].split(":")[0];
}

/** The member host names that changed for the same pods, as [from, to] pairs. */
function renamedHosts(present, hosts) {
    return present
        .filter((host) => !hosts.includes(host))
        .map((host) => [host, hosts.find((wanted) => podOfHost(wanted) === podOfHost(host) && wanted !== host)])
        .filter(([, to]) => to !== undefined);
}

/**
 * The next reconfig, given the current config (`replSetGetConfig().config`).
 * One voting member per reconfig, as MongoDB requires (safe reconfig, 4.4+):
 *  - refuse when members reappear under new host names (clusterDomain,
 *    namespace or names changed): adding them would make the same pods
 *    voters twice;
 *  - add the first missing member (unless options.addMissing is false, as in
 *    the pre-change step, where the new pods do not exist yet);
 *  - remove members no longer wanted only with options.allowRemoval (the
 *    mongodbAllowMemberRemoval opt-in), highest _id first and never the
 *    primary first: the primary steps down before it is removed;
 *  - refuse to leave unwanted voters in place without the opt-in: they would
 *    count towards the majority without pods behind them.
 * Returns { action: "none"|"add"|"remove"|"stepDown"|"refuse", host?, config?, reason?, remaining, extra }.
 */
function planMembers(currentConfig, hosts, options) {
    const { allowRemoval = false, primary, addMissing = true } = options || {};
    const present = currentConfig.members.map((m) => m.host);
    const missing = hosts.filter((host) => !present.includes(host));
    const extra = present.filter((host) => !hosts.includes(host));
    const renamed = renamedHosts(present, hosts);
    if (renamed.length > 0) {
        const [from, to] = renamed[0];
        const domainOf = (host) => host.slice(podOfHost(host).length + 1).replace(/:\d+$/, "");
        return {
            action: "refuse",
            extra,
            remaining: missing.length,
            reason: `member host names changed (${renamed.map(([a, b]) => `${a} -> ${b}`).join(", ")}): ` +
                "the replica set knows its members by these names, and adding the new names would make the same pods voters twice. " +
                `Set clusterDomain and the names back to what the set was created with (members under '${domainOf(from)}', not '${domainOf(to)}'), ` +
                "or move to the new names by a backup and a restore into a new stack",
        };
    }
    if (missing.length > 0 && addMissing) {
        const nextId = Math.max(-1, ...currentConfig.members.map((m) => m._id)) + 1;
        const config = {
            ...currentConfig,
            version: currentConfig.version + 1,
            members: [...currentConfig.members, { _id: nextId, host: missing[0], priority: 1 }],
        };
        return { action: "add", host: missing[0], config, remaining: missing.length - 1, extra };
    }
    if (extra.length === 0) {
        return { action: "none", extra, remaining: 0 };
    }
    if (!allowRemoval) {
        return {
            action: "refuse",
            extra,
            remaining: extra.length,
            reason: `the replica set has ${present.length} voting members but ${hosts.length} are wanted: ${extra.join(", ")} would stay voters without pods, ` +
                "so the set would tolerate fewer failures than its disruption budget lets a drain take. " +
                `Set mongodbMembers back to ${present.length}, or set mongodbAllowMemberRemoval to true to remove them from the replica set (one reconfig at a time, the primary last) before their pods go`,
        };
    }
    // Highest _id first, the primary last.
    const byIdDescending = currentConfig.members.filter((m) => extra.includes(m.host)).sort((a, b) => b._id - a._id);
    const next = byIdDescending.find((m) => m.host !== primary) || byIdDescending[0];
    if (next.host === primary) {
        return { action: "stepDown", host: next.host, extra, remaining: extra.length };
    }
    const config = {
        ...currentConfig,
        version: currentConfig.version + 1,
        members: currentConfig.members.filter((m) => m.host !== next.host),
    };
    return { action: "remove", host: next.host, config, extra, remaining: extra.length - 1 };
}

/** MongoDB release series in upgrade order: a major upgrade goes one step at a time (MongoDB upgrade docs). */
const releaseSeries = ["4.4", "5.0", "6.0", "7.0", "8.0"];

/** The series after [major, minor] in releaseSeries, or undefined at the end or for an unknown series. */
function nextSeriesAfter(version) {
    const index = releaseSeries.indexOf(version.join("."));
    return index >= 0 && index + 1 < releaseSeries.length ? releaseSeries[index + 1].split(".").map(Number) : undefined;
}

/** "8.0.4" -> [8, 0]; undefined when unknown. */
function featureVersionOf(version) {
    const match = /^(\d+)\.(\d+)/.exec(version || "");
    return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function compareFeatureVersions(a, b) {
    return a[0] - b[0] || a[1] - b[1];
}

/**
 * Whether to raise the featureCompatibilityVersion, given the
 * `getParameter: { featureCompatibilityVersion: 1 }` reply and each member's
 * `buildInfo().version` (undefined for a member that did not answer).
 * Raised only once every member runs the same newer major.minor; never
 * lowered (a binary below the FCV does not even start). MongoDB 7.0+ asks for
 * `confirm: true` because the raise cannot be undone without support.
 * Returns { action: "none"|"wait"|"raise"|"fail", command?, reason }.
 */
function planFeatureCompatibility(fcvReply, memberVersions) {
    const fcv = fcvReply && fcvReply.featureCompatibilityVersion;
    const current = featureVersionOf(fcv && fcv.version);
    if (!current) {
        return { action: "fail", reason: `unexpected featureCompatibilityVersion reply: ${JSON.stringify(fcvReply)}` };
    }
    if (memberVersions.some((v) => featureVersionOf(v) === undefined)) {
        return { action: "wait", reason: `not every member answered with its version (${JSON.stringify(memberVersions)}): featureCompatibilityVersion stays ${fcv.version}` };
    }
    const binaries = memberVersions.map(featureVersionOf);
    const lowest = binaries.reduce((a, b) => (compareFeatureVersions(a, b) <= 0 ? a : b));
    const highest = binaries.reduce((a, b) => (compareFeatureVersions(a, b) >= 0 ? a : b));
    const target = fcv.targetVersion ? featureVersionOf(fcv.targetVersion) : undefined;
    if (compareFeatureVersions(lowest, current) < 0) {
        return { action: "fail", reason: `a member runs ${lowest.join(".")} below the featureCompatibilityVersion ${fcv.version}: a binary below the FCV cannot run this data; deploy ${fcv.version} or newer again` };
    }
    if (compareFeatureVersions(lowest, highest) !== 0) {
        return { action: "wait", reason: `members run ${memberVersions.join(", ")}: featureCompatibilityVersion stays ${fcv.version} until every member runs the same version` };
    }
    if (compareFeatureVersions(highest, current) === 0 && !target) {
        return { action: "none", reason: `featureCompatibilityVersion ${fcv.version} matches every member` };
    }
    // An interrupted raise reports { version: old, targetVersion: new }: finishing it is the same command.
    // Otherwise one series at a time: setFeatureCompatibilityVersion accepts only the binary's
    // series or the one before it (src/mongo/db/commands/set_feature_compatibility_version_command.cpp).
    const wanted = target || nextSeriesAfter(current) || highest;
    const version = wanted.join(".");
    const command = { setFeatureCompatibilityVersion: version };
    if (wanted[0] >= 7) {
        // MongoDB 7.0+: "setFeatureCompatibilityVersion ... requires confirm: true".
        command.confirm = true;
    }
    return { action: "raise", command, reason: `every member runs ${version}: raising featureCompatibilityVersion from ${fcv.version}` };
}


/**
 * Before the StatefulSet changes its image: may the members move from the
 * versions they run to `targetVersion`? Refuses a binary below the
 * featureCompatibilityVersion and a skipped release series (6.0 -> 8.0).
 * Returns { action: "allow"|"refuse", reason }.
 */
function planBinaryChange(fcvReply, runningVersions, targetVersion) {
    const fcv = fcvReply && fcvReply.featureCompatibilityVersion && fcvReply.featureCompatibilityVersion.version;
    const target = featureVersionOf(targetVersion);
    const fcvVersion = featureVersionOf(fcv);
    if (!target || !fcvVersion) {
        return { action: "refuse", reason: `cannot compare versions: target '${targetVersion}', featureCompatibilityVersion reply ${JSON.stringify(fcvReply)}` };
    }
    if (compareFeatureVersions(target, fcvVersion) < 0) {
        return {
            action: "refuse",
            reason: `MongoDB ${targetVersion} is below the featureCompatibilityVersion ${fcv}: its binary cannot open this data, and this program never lowers the FCV. ` +
                `Keep mongodbImage at ${fcv} or newer (a downgrade needs setFeatureCompatibilityVersion lowered by hand first, see the MongoDB downgrade procedure)`,
        };
    }
    const series = (v) => releaseSeries.indexOf(`${v[0]}.${v[1]}`);
    for (const running of runningVersions.map(featureVersionOf).filter(Boolean)) {
        if (series(target) - series(running) > 1) {
            const path = releaseSeries.slice(series(running), series(target) + 1).join(" -> ");
            return {
                action: "refuse",
                reason: `MongoDB ${running.join(".")} -> ${target.join(".")} skips a major release: upgrade one series at a time (${path}), one pulumi up each, letting the featureCompatibilityVersion be raised in between`,
            };
        }
    }
    // A binary of series N opens only data whose FCV is N or N-1 (MongoDB's upgrade procedure:
    // "the featureCompatibilityVersion must be set to" the previous series before replacing binaries).
    if (series(target) - series(fcvVersion) > 1) {
        const lagging = fcvVersion.join(".");
        return {
            action: "refuse",
            reason: `MongoDB ${targetVersion} needs featureCompatibilityVersion ${releaseSeries[series(target) - 1]}, and the members' FCV is still ${lagging} ` +
                `(the previous upgrade was not finalized): its members would not start on this data. Run pulumi up once with mongodbImage unchanged ` +
                `so the finalize Job raises the FCV, then change mongodbImage`,
        };
    }
    return { action: "allow", reason: `members may move from ${runningVersions.join(", ")} to ${targetVersion} (featureCompatibilityVersion ${fcv})` };
}

/** True when a `hello` reply comes from a primary that accepts writes. */
function isWritablePrimary(helloReply) {
    return Boolean(helloReply && helloReply.ok === 1 && helloReply.isWritablePrimary);
}

/**
 * Which users to create, update and drop, given `usersInfo` output of the
 * admin database, the desired users ({ user, pwd, roles }) and the names of
 * previous generations to keep for now. Existing users are updated so a
 * rotated Secret and the database agree again; updateUser replaces the roles,
 * so a narrowed grant reaches existing users too. Any other generation of a
 * desired user (same name, or with another -g<N>) is dropped, after the new
 * users exist; root and users of other names are never touched.
 */
function planUsers(usersInfoReply, desired, keep) {
    const users = (usersInfoReply.users || []).filter((u) => u.db === "admin");
    const existing = new Set(users.map((u) => u.user));
    const steps = desired.map((user) => ({
        command: existing.has(user.user) ? "updateUser" : "createUser",
        user,
    }));
    const drops = otherGenerations(users, desired.map((user) => user.user), keep)
        .map((user) => ({ command: "dropUser", user: { user } }));
    return [...steps, ...drops];
}

/** A role reference as the server stores it: a bare name means a role of the same database. */
function roleKey(reference, db) {
    return typeof reference === "string" ? `${db}.${reference}` : `${reference.db}.${reference.role}`;
}

/**
 * A role definition in a form that compares equal whatever order the server
 * returns it in: privileges merged per resource (the server merges them the
 * same way, Privilege::addPrivilegeToPrivilegeVector), actions and roles sorted.
 */
function canonicalRole(definition) {
    const sortedKeys = (value) => JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
    const actionsByResource = new Map();
    for (const privilege of definition.privileges || []) {
        const resource = sortedKeys(privilege.resource);
        const actions = actionsByResource.get(resource) || new Set();
        privilege.actions.forEach((action) => actions.add(action));
        actionsByResource.set(resource, actions);
    }
    const privileges = [...actionsByResource.entries()]
        .map(([resource, actions]) => `${resource}:${[...actions].sort().join(",")}`)
        .sort();
    const roles = (definition.roles || []).map((reference) => roleKey(reference, definition.db)).sort();
    return JSON.stringify({ privileges, roles });
}

/**
 * createRole for a missing role, updateRole (which replaces privileges and
 * roles) for one whose definition differs, nothing for one already right.
 * `rolesInfoReply` is the reply to { rolesInfo: [...], showPrivileges: true }:
 * a role that does not exist is simply absent from `roles`
 * (getRolesDescription in src/mongo/db/auth/authorization_backend_local.cpp).
 */
function planRoles(rolesInfoReply, desiredRoles) {
    const existing = new Map((rolesInfoReply.roles || []).map((r) => [`${r.db}.${r.role}`, r]));
    const steps = [];
    for (const role of desiredRoles) {
        const current = existing.get(`${role.db}.${role.role}`);
        if (!current) {
            steps.push({ command: "createRole", role });
        } else if (canonicalRole(current) !== canonicalRole(role)) {
            steps.push({ command: "updateRole", role });
        }
    }
    return steps;
}

/**
 * The user-defined roles, from RESTORE_ROLE: the JSON text of
 * components/mongodb/restoreRole.json, the one definition the backup
 * verification also creates in its scratch mongod.
 */
function desiredRoles(env) {
    let definition;
    try {
        definition = JSON.parse(env.RESTORE_ROLE);
    } catch (error) {
        throw new Error(`RESTORE_ROLE must be the JSON of the restore role definition (components/mongodb/restoreRole.json): ${error.message}`);
    }
    if (!definition || typeof definition.role !== "string" || !Array.isArray(definition.privileges) || !Array.isArray(definition.roles)) {
        throw new Error("RESTORE_ROLE must be a createRole definition: { role: <name>, privileges: [...], roles: [...] }");
    }
    return [{ role: definition.role, db: "admin", privileges: definition.privileges, roles: definition.roles }];
}

/** The users the platform needs, from the environment of the Job. */
function desiredUsers(env) {
    const [restoreRole] = desiredRoles(env);
    return [
        {
            user: env.APP_USERNAME,
            pwd: env.APP_PASSWORD,
            roles: [{ role: "readWrite", db: env.APP_DATABASE }],
        },
        {
            user: env.BACKUP_USERNAME,
            pwd: env.BACKUP_PASSWORD,
            // mongodump --oplog and the per-collection counts: read-only.
            roles: [{ role: "backup", db: "admin" }],
        },
        {
            user: env.RESTORE_USERNAME,
            pwd: env.RESTORE_PASSWORD,
            // mongorestore --oplogReplay needs anyAction on anyResource (mongorestore
            // "Required Access"); only the restore and the verification use this user.
            roles: [{ role: restoreRole.role, db: restoreRole.db }],
        },
        {
            user: env.MONITORING_USERNAME,
            pwd: env.MONITORING_PASSWORD,
            // The exporter: serverStatus, replSetGetStatus, getCmdLineOpts,
            // getDiagnosticData (which also needs collStats on local.oplog.rs);
            // clusterMonitor grants all of them and no access to the chat data.
            roles: [{ role: "clusterMonitor", db: "admin" }],
        },
    ];
}

function connectionString(env, hosts, options) {
    const credentials = `${encodeURIComponent(env.ROOT_USERNAME)}:${encodeURIComponent(env.ROOT_PASSWORD)}`;
    return `mongodb://${credentials}@${hosts.join(",")}/admin?authSource=admin&${options}`;
}

function check(reply, what) {
    if (reply.ok !== 1) {
        throw new Error(`${what} failed: ${JSON.stringify(reply)}`);
    }
    return reply;
}

/**
 * replSetReconfig refusals that pass on their own: an election under way or a
 * previous config not yet committed (src/mongo/base/error_codes.yml;
 * ReplicationCoordinatorImpl::processReplSetReconfig).
 */
const passingReconfigCodes = [
    codes.NotWritablePrimary, codes.ConfigurationInProgress, codes.CurrentConfigNotCommittedYet, codes.PrimarySteppedDown, codes.InterruptedDueToReplStateChange,
];

function isPassingReconfigFailure(reply) {
    return passingReconfigCodes.includes(reply.code);
}

/** buildInfo().version of each member the set's config names now (undefined for one that does not answer). */
function memberVersions(env, io, primary) {
    const configured = check(primary.db.runCommand({ replSetGetConfig: 1 }), "replSetGetConfig").config.members.map((m) => m.host);
    return configured.map((host) => {
        try {
            const reply = io.connect(connectionString(env, [host], "directConnection=true")).runCommand({ buildInfo: 1 });
            return reply.ok === 1 ? reply.version : undefined;
        } catch (error) {
            return undefined;
        }
    });
}

/**
 * MODE=finalize: raise the featureCompatibilityVersion to the series every
 * member runs, one series per command, never lowering it. A `wait` (members on
 * different versions, one not answering) is retried for a while and then
 * fails the Job: a run whose FCV was not raised must not complete, so the
 * deployment record keeps the previous version and the guard refuses the next
 * series until a run finishes this one.
 */
function finalizeFeatureCompatibility(env, io, primary, done) {
    const attempts = Number(env.WAIT_ATTEMPTS || 120);
    for (let waited = 0; ;) {
        const fcvReply = check(primary.db.runCommand({ getParameter: 1, featureCompatibilityVersion: 1 }), "getParameter featureCompatibilityVersion");
        const step = planFeatureCompatibility(fcvReply, memberVersions(env, io, primary));
        io.log(step.reason);
        if (step.action === "none") {
            io.log(`finalize complete: ${JSON.stringify({ featureCompatibilityVersion: done.featureCompatibilityVersion })}`);
            return done;
        }
        if (step.action === "fail") {
            throw new Error(step.reason);
        }
        if (step.action === "wait") {
            if (++waited >= attempts) {
                throw new Error(`featureCompatibilityVersion not raised: ${step.reason}`);
            }
            io.sleep(2000);
            continue;
        }
        check(primary.db.runCommand(step.command), "setFeatureCompatibilityVersion");
        done.featureCompatibilityVersion = step.command.setFeatureCompatibilityVersion;
    }
}

/**
 * The bootstrap itself. `io` = { connect(uri) -> db-like with runCommand,
 * sleep(ms), log(text) }. Returns a summary of what it did.
 */
function run(env, io) {
    const hosts = JSON.parse(env.MEMBER_HOSTS);
    const attempts = Number(env.WAIT_ATTEMPTS || 120);
    const done = { initiated: false, added: [], removed: [], rolesCreated: [], rolesUpdated: [], created: [], updated: [], dropped: [], extra: [] };

    const retry = (what, fn) => {
        for (let attempt = 1; ; attempt++) {
            try {
                const value = fn();
                if (value !== undefined) {
                    return value;
                }
            } catch (error) {
                if (attempt >= attempts) {
                    throw error;
                }
            }
            if (attempt >= attempts) {
                throw new Error(`gave up waiting for ${what} after ${attempts} attempts`);
            }
            io.sleep(2000);
        }
    };

    // MODE=prepare runs before the StatefulSet changes (the upgrade guard Job):
    // it removes departing members and checks the new binary, nothing else.
    // MODE=finalize runs once the StatefulSet has rolled: the FCV, nothing else.
    const prepare = env.MODE === "prepare";
    const finalize = env.MODE === "finalize";
    io.log(`seed member ${hosts[0]}`);
    const seedStatus = (credentials) => {
        const seed = retry("the seed member", () => io.connect(connectionString(credentials, [hosts[0]], "directConnection=true")));
        return { seed, status: retry("the seed member's status", () => seed.runCommand({ replSetGetStatus: 1 })) };
    };
    const findPrimary = (credentials) => retry("a writable primary", () => {
        const db = io.connect(connectionString(credentials, hosts, `replicaSet=${encodeURIComponent(env.REPLICA_SET_NAME)}`));
        const hello = db.runCommand({ hello: 1 });
        return isWritablePrimary(hello) ? { db, host: hello.me } : undefined;
    });

    let { seed, status } = seedStatus(env);
    const previousRoot = env.ROOT_PASSWORD_PREVIOUS ? { ...env, ROOT_PASSWORD: env.ROOT_PASSWORD_PREVIOUS } : undefined;
    const login = planRootLogin(status, previousRoot && status.code === codes.AuthenticationFailed ? seedStatus(previousRoot).status : undefined);
    if (login.action === "fail") {
        throw new Error(login.reason);
    }
    if (login.action === "rotate") {
        io.log("root logged in with the previous generation's password: changing it to the current one");
        check(findPrimary(previousRoot).db.runCommand({ updateUser: env.ROOT_USERNAME, pwd: env.ROOT_PASSWORD, writeConcern: { w: "majority" } }), "updateUser root");
        done.rootPasswordChanged = true;
        // The seed may see the change a moment later than the primary.
        ({ seed, status } = retry("the seed member to accept the new root password", () => {
            const next = seedStatus(env);
            return next.status.code === codes.AuthenticationFailed ? undefined : next;
        }));
    }
    const plan = planInitiation(status, env.REPLICA_SET_NAME, hosts);
    if (plan.action === "fail") {
        throw new Error(plan.reason);
    }
    if (plan.action === "initiate" && prepare) {
        io.log("the replica set is not initiated yet: nothing to prepare");
        return done;
    }
    if (plan.action === "initiate" && finalize) {
        throw new Error("the replica set is not initiated: the bootstrap Job initiates it before the finalize Job runs");
    }
    if (plan.action === "initiate") {
        io.log(`initiating ${env.REPLICA_SET_NAME} with ${hosts.join(", ")}`);
        const reply = seed.runCommand({ replSetInitiate: plan.config });
        if (!initiateSucceeded(reply)) {
            throw new Error(`replSetInitiate failed: ${JSON.stringify(reply)}`);
        }
        done.initiated = reply.ok === 1;
    }

    let primary = findPrimary(env);
    if (finalize) {
        return finalizeFeatureCompatibility(env, io, primary, done);
    }

    // A reconfig refused for a passing reason (an election, the previous config not yet
    // committed on a majority) is tried again on a fresh view of the set.
    let reconfigRetries = 0;
    for (;;) {
        const config = check(primary.db.runCommand({ replSetGetConfig: 1 }), "replSetGetConfig").config;
        const step = planMembers(config, hosts, { allowRemoval: env.MEMBER_REMOVAL_ALLOWED === "true", primary: primary.host, addMissing: !prepare });
        done.extra = step.extra;
        if (step.action === "none") {
            break;
        }
        if (step.action === "refuse") {
            throw new Error(step.reason);
        }
        if (step.action === "stepDown") {
            // The departing primary hands over first; its connection drops, which is expected.
            io.log(`primary ${step.host} leaves the set: stepping it down first`);
            primary.db.runCommand({ replSetStepDown: 60 });
            primary = findPrimary(env);
            continue;
        }
        io.log(`${step.action === "add" ? "adding" : "removing"} member ${step.host}`);
        const reply = primary.db.runCommand({ replSetReconfig: step.config });
        if (reply.ok !== 1 && isPassingReconfigFailure(reply) && reconfigRetries < attempts) {
            reconfigRetries++;
            io.log(`replSetReconfig refused for now (${reply.codeName}): trying again`);
            io.sleep(2000);
            primary = findPrimary(env);
            continue;
        }
        check(reply, "replSetReconfig");
        (step.action === "add" ? done.added : done.removed).push(step.host);
    }
    if (prepare) {
        if (env.TARGET_MONGODB_VERSION) {
            const fcvReply = check(primary.db.runCommand({ getParameter: 1, featureCompatibilityVersion: 1 }), "getParameter featureCompatibilityVersion");
            const change = planBinaryChange(fcvReply, memberVersions(env, io, primary).filter(Boolean), env.TARGET_MONGODB_VERSION);
            io.log(change.reason);
            if (change.action === "refuse") {
                throw new Error(change.reason);
            }
        }
        io.log(`prepare complete: ${JSON.stringify(done)}`);
        return done;
    }

    // Roles before users: createUser with a role that does not exist answers RoleNotFound.
    const roles = desiredRoles(env);
    const rolesInfo = check(primary.db.runCommand({ rolesInfo: roles.map(({ role, db }) => ({ role, db })), showPrivileges: true }), "rolesInfo");
    for (const step of planRoles(rolesInfo, roles)) {
        const { role, privileges } = step.role;
        check(primary.db.runCommand({ [step.command]: role, privileges, roles: step.role.roles }), step.command);
        (step.command === "createRole" ? done.rolesCreated : done.rolesUpdated).push(role);
    }

    const usersInfo = check(primary.db.runCommand({ usersInfo: 1 }), "usersInfo");
    const keep = JSON.parse(env.PREVIOUS_USERNAMES || "[]");
    const bodies = {
        createUser: ({ user, pwd, roles }) => ({ createUser: user, pwd, roles }),
        updateUser: ({ user, pwd, roles }) => ({ updateUser: user, pwd, roles }),
        dropUser: ({ user }) => ({ dropUser: user }),
    };
    const record = { createUser: done.created, updateUser: done.updated, dropUser: done.dropped };
    for (const step of planUsers(usersInfo, desiredUsers(env), keep)) {
        check(primary.db.runCommand(bodies[step.command](step.user)), step.command);
        record[step.command].push(step.user.user);
    }

    check(primary.db.runCommand({ setDefaultRWConcern: 1, defaultWriteConcern: { w: "majority" } }), "setDefaultRWConcern");
    io.log(`bootstrap complete: ${JSON.stringify(done)}`);
    return done;
}

/** The error's reply form: mongosh throws where the decisions above expect { ok: 0, code }. */
function replyOf(error) {
    return { ok: 0, code: error.code, codeName: error.codeName, errmsg: error.message };
}

/**
 * The `io` of `run` under mongosh, given its globals. mongosh throws on a
 * reply with ok: 0, and `new Mongo(uri)` connects (and so authenticates)
 * at once: mongosh's shell-api Mongo() awaits mongo.connect()
 * (packages/shell-api/src/shell-api.ts). A refused login therefore throws
 * AuthenticationFailed when connecting; it is answered as the reply of every
 * command on that connection, so planRootLogin and planInitiation see it
 * instead of a retry loop that ends in the driver's raw error.
 */
function mongoshIo(MongoClass, sleepFor, printLine) {
    return {
        connect: (uri) => {
            let db;
            try {
                db = new MongoClass(uri).getDB("admin");
            } catch (error) {
                if (error.code === codes.AuthenticationFailed) {
                    return { runCommand: () => replyOf(error) };
                }
                throw error;
            }
            return {
                runCommand: (command) => {
                    try {
                        return db.runCommand(command);
                    } catch (error) {
                        if (typeof error.code === "number") {
                            return replyOf(error);
                        }
                        throw error;
                    }
                },
            };
        },
        sleep: (ms) => sleepFor(ms),
        log: (text) => printLine(`[bootstrap] ${text}`),
    };
}

if (typeof module === "object" && module.exports) {
    module.exports = {
        codes, planInitiation, planRootLogin, initialConfig, initiateSucceeded, planMembers, planFeatureCompatibility, planBinaryChange,
        isWritablePrimary, planUsers, planRoles, canonicalRole, desiredRoles, desiredUsers, run, mongoshIo,
    };
}

// Under mongosh (which has a global Mongo constructor and no `require.main`
// pointing at a test runner) run against the real servers.
if (typeof Mongo === "function" && typeof sleep === "function") {
    run(process.env, mongoshIo(Mongo, sleep, print));
}
