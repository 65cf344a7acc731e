/*
 * Channel reconciler, run by a one-off Job in the official `node` image:
 *   node /scripts/reconcile.js
 *
 * Waits for Rocket.Chat to answer, logs in as the break-glass administrator
 * (credentials from environment variables filled from the admin Secret), and
 * brings every declared channel to its declared state: create what is
 * missing, change topic, type, read-only and default where they differ, and
 * leave everything else alone. Rooms are deleted only when CHANNELS_PRUNE is
 * "true", and then only rooms this reconciler created (see plan.js).
 *
 * Idempotent: a second run with the same list makes no change. The side
 * effects (fetch, sleep, log) are injected into `run` so the tests drive a
 * whole run against a fake Rocket.Chat server.
 *
 * In a rotation run it first moves the administrator from the previous
 * password to the new one (adminLogin.js).
 *
 * Environment: ROCKETCHAT_URL, ADMIN_USERNAME, ADMIN_PASSWORD,
 * ADMIN_PASSWORD_PREVIOUS (only in a rotation run), CHANNELS_FILE
 * (JSON list of { name, topic?, private?, default?, readOnly? }),
 * CHANNELS_PRUNE, WAIT_ATTEMPTS (default 90), WAIT_INTERVAL_MS (default 10000).
 */
"use strict";

const adminLogin = require("./adminLogin.js");
const plan = require("./plan.js");
const { createRestApi, RocketChatError } = require("./restApi.js");

/** Retries `attempt` until it resolves, at most `attempts` times. */
async function waitFor(what, attempts, intervalMs, io, attempt) {
    for (let tries = 1; ; tries++) {
        try {
            return await attempt();
        } catch (error) {
            if (tries >= attempts) {
                throw new Error(`${what} did not succeed after ${attempts} attempts: ${error.message}`);
            }
            if (tries === 1) {
                io.log(`waiting for ${what} (${error.message})`);
            }
            await io.sleep(intervalMs);
        }
    }
}

/** The room called `name`, or undefined: channels.info, then groups.info. */
async function findRoom(api, name) {
    for (const lookup of plan.lookupRequests(name)) {
        const reply = await api.get(lookup.path, lookup.query, plan.isNotFound);
        if (!plan.isNotFound(reply)) {
            return plan.observedState(reply[lookup.key]);
        }
    }
    return undefined;
}

/** Every public channel and private group, page by page. */
async function listRooms(api) {
    const rooms = [];
    const pageSize = 100;
    for (const listing of plan.listingRequests()) {
        // The server may return fewer than asked (API_Upper_Count_Limit): advance by what came back.
        for (let offset = 0; ; ) {
            const reply = await api.get(listing.path, { offset, count: pageSize });
            const page = reply[listing.key] || [];
            rooms.push(...page);
            offset += page.length;
            if (page.length === 0 || offset >= (reply.total || 0)) {
                break;
            }
        }
    }
    return rooms;
}

/** Carries out the steps for one room; returns the room id. */
async function apply(api, steps, roomId, io) {
    let id = roomId;
    for (const step of steps) {
        io.log(plan.describeStep(step));
        const request = plan.requestFor(step, id);
        const reply = await api.post(request.path, request.body);
        if (step.action === "create") {
            id = plan.createdRoomId(reply);
        }
    }
    return id;
}

/** "accepted" or "refused"; any other failure (server error, rate limit outlasted) is thrown. */
async function tryLogin(api, username, password) {
    try {
        await api.login(username, password);
        return "accepted";
    } catch (error) {
        if (adminLogin.isRefusedLogin(error)) {
            return "refused";
        }
        throw error;
    }
}

/** Changes the logged-in administrator's password from the previous to the new one, then proves the new one by logging in again. */
async function rotatePassword(api, settings, io) {
    const request = adminLogin.passwordChangeRequest(settings.previousPassword, settings.password);
    try {
        await api.post(request.path, request.body);
    } catch (error) {
        // The session opened with the previous password ends here too.
        await api.logout().catch(() => undefined);
        throw error instanceof RocketChatError ? new Error(adminLogin.describeChangeRefusal(settings.username, error.status, error.reply)) : error;
    }
    await api.logout();
    if ((await tryLogin(api, settings.username, settings.password)) !== "accepted") {
        throw new Error(adminLogin.unprovenChangeMessage(settings.username));
    }
    io.log(`the administrator "${settings.username}" now logs in with the new password; the previous one no longer works`);
}

/** Logs in as the administrator, rotating the password first in a rotation run (adminLogin.js decides). */
async function logInAsAdmin(api, settings, io) {
    const tried = { current: await tryLogin(api, settings.username, settings.password) };
    for (;;) {
        const step = adminLogin.nextLoginStep(settings.username, tried, Boolean(settings.previousPassword));
        switch (step.action) {
            case "proceed":
                return;
            case "tryPrevious":
                io.log(`the new administrator password is not accepted yet; trying the previous generation's`);
                tried.previous = await tryLogin(api, settings.username, settings.previousPassword);
                break;
            case "rotate":
                io.log(`changing the administrator "${settings.username}"'s password to the new generation's`);
                return rotatePassword(api, settings, io);
            default:
                throw new Error(step.message);
        }
    }
}

/**
 * The whole reconcile. `settings` = { url, username, password,
 * previousPassword?, channels, prune, waitAttempts, waitIntervalMs }; `io` = { fetch, sleep(ms), log(text) }.
 * Returns { created, changed, unchanged, deleted, kept } (room names).
 */
async function run(settings, io) {
    const api = createRestApi({ baseUrl: settings.url, fetch: io.fetch, sleep: io.sleep });
    const summary = { created: [], changed: [], unchanged: [], deleted: [], kept: [] };

    await waitFor(`Rocket.Chat at ${settings.url}`, settings.waitAttempts, settings.waitIntervalMs, io, () => api.info());
    await logInAsAdmin(api, settings, io);
    try {
        for (const channel of settings.channels) {
            const desired = plan.desiredState(channel);
            const observed = await findRoom(api, desired.name);
            const steps = plan.planChannel(desired, observed);
            await apply(api, steps, observed && observed.id, io);
            const outcome = !observed ? summary.created : steps.length > 0 ? summary.changed : summary.unchanged;
            outcome.push(desired.name);
        }

        // Listed even without pruning, so the log names rooms that were dropped from the list.
        const pruning = plan.planPrune(settings.channels.map((c) => c.name), await listRooms(api), settings.prune);
        for (const step of pruning.deletions) {
            io.log(plan.describeStep(step));
            const request = plan.requestFor(step, step.roomId);
            await api.post(request.path, request.body);
            summary.deleted.push(step.name);
        }
        summary.kept.push(...pruning.kept);
        if (pruning.kept.length > 0) {
            io.log(`no longer declared, kept because channelsPrune is false: ${pruning.kept.join(", ")}`);
        }
    } finally {
        await api.logout().catch((error) => io.log(`logout failed: ${error.message}`));
    }
    io.log(`done: ${JSON.stringify(summary)}`);
    return summary;
}

/** Settings from the Job's environment and the declared list file. */
function settingsFromEnvironment(env, readFile) {
    const missing = ["ROCKETCHAT_URL", "ADMIN_USERNAME", "ADMIN_PASSWORD", "CHANNELS_FILE"].filter((name) => !env[name]);
    if (missing.length > 0) {
        throw new Error(`missing environment variables: ${missing.join(", ")}`);
    }
    return {
        url: env.ROCKETCHAT_URL,
        username: env.ADMIN_USERNAME,
        password: env.ADMIN_PASSWORD,
        // Absent outside a rotation run (the Secret key is optional in the Job).
        previousPassword: env.ADMIN_PASSWORD_PREVIOUS || undefined,
        channels: JSON.parse(readFile(env.CHANNELS_FILE)),
        prune: env.CHANNELS_PRUNE === "true",
        waitAttempts: Number(env.WAIT_ATTEMPTS || 90),
        waitIntervalMs: Number(env.WAIT_INTERVAL_MS || 10000),
    };
}

if (typeof module === "object" && module.exports) {
    module.exports = { run, settingsFromEnvironment, findRoom, listRooms };
}

if (require.main === module) {
    const stamp = () => new Date().toISOString();
    const io = {
        fetch: globalThis.fetch,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: (text) => console.log(`${stamp()} [channels] ${text}`),
    };
    Promise.resolve()
        .then(() => run(settingsFromEnvironment(process.env, (file) => require("fs").readFileSync(file, "utf8")), io))
        .catch((error) => {
            console.error(`${stamp()} [channels] FAILED: ${error.message}`);
            process.exit(1);
        });
}
