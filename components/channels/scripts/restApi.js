/*
 * A small client of Rocket.Chat's REST API (/api/v1) on top of an injected
 * `fetch` (Node 18+ has one globally). It knows three things beyond plain
 * HTTP: the auth headers after login, Rocket.Chat's `{ success: false,
 * errorType }` failures, and its rate limiter's 429 replies, which it waits
 * out a bounded number of times.
 */
"use strict";

class RocketChatError extends Error {
    constructor(what, status, reply) {
        const detail = reply && (reply.error || reply.message) ? `: ${reply.error || reply.message}` : "";
        super(`${what} answered HTTP ${status}${detail}`);
        this.name = "RocketChatError";
        this.status = status;
        this.reply = reply;
    }
}

/**
 * `options` = { baseUrl, fetch, sleep(ms), rateLimitRetries }. Returns
 * { info(), login(user, password), logout(), get(path, query, tolerate), post(path, body, tolerate) }.
 * `get`/`post` resolve to the JSON reply, or to the failure reply when
 * `tolerate(reply)` accepts it; anything else rejects with RocketChatError.
 */
function createRestApi(options) {
    const base = options.baseUrl.replace(/\/+$/, "");
    const retries = options.rateLimitRetries === undefined ? 5 : options.rateLimitRetries;
    let auth = {};

    async function request(method, path, { query, body, tolerate } = {}) {
        const url = new URL(`${base}/api/${path}`);
        for (const [key, value] of Object.entries(query || {})) {
            url.searchParams.set(key, String(value));
        }
        for (let attempt = 0; ; attempt++) {
            const response = await options.fetch(url, {
                method,
                headers: { ...auth, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await response.text();
            let reply;
            try {
                reply = text ? JSON.parse(text) : {};
            } catch {
                reply = { error: text.slice(0, 200) };
            }
            if (response.status === 429 && attempt < retries) {
                // x-ratelimit-reset is the epoch millisecond the window reopens.
                const reset = Number(response.headers.get("x-ratelimit-reset"));
                await options.sleep(Number.isFinite(reset) && reset > Date.now() ? Math.min(reset - Date.now(), 60000) : 5000);
                continue;
            }
            if (response.ok && reply.success !== false) {
                return reply;
            }
            if (tolerate && tolerate(reply)) {
                return reply;
            }
            throw new RocketChatError(`${method} /api/${path}`, response.status, reply);
        }
    }

    return {
        /** GET /api/info: answers once the server is up (no authentication needed). */
        info: () => request("GET", "info"),
        async login(user, password) {
            const reply = await request("POST", "v1/login", { body: { user, password } });
            auth = { "X-Auth-Token": reply.data.authToken, "X-User-Id": reply.data.userId };
            return reply.data.userId;
        },
        async logout() {
            await request("POST", "v1/logout", { body: {} });
            auth = {};
        },
        get: (path, query, tolerate) => request("GET", `v1/${path}`, { query, tolerate }),
        post: (path, body, tolerate) => request("POST", `v1/${path}`, { body, tolerate }),
    };
}

if (typeof module === "object" && module.exports) {
    module.exports = { createRestApi, RocketChatError };
}
