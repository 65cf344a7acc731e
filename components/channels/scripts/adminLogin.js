/*
 * The decisions of the reconciler's administrator login, as pure functions:
 * which password to try next, when to move the administrator from the
 * previous generation's password to the current one, and what to say when
 * Rocket.Chat refuses. reconcile.js performs the calls. Plain ES2020 with only
 * Node's crypto: it runs unchanged in the Job's `node` image and under mocha.
 *
 * A rotation run (adminPasswordGeneration raised) gives the Job the new
 * password as ADMIN_PASSWORD and the previous one as ADMIN_PASSWORD_PREVIOUS.
 * Rocket.Chat still holds the previous one (ADMIN_PASS only seeds a new
 * workspace), so the Job logs in with it, changes it through the REST API and
 * proves the new one by logging in again. Rerunning after success finds the
 * new password accepted at once and changes nothing.
 *
 * Rocket.Chat facts (RocketChat/Rocket.Chat, apps/meteor):
 * - A refused login is HTTP 401 (app/api/server/api.ts, the `login` route:
 *   `self.unauthorized()`; body `{ success: false, error: "unauthorized" }` from
 *   8.0, plus `status`/`message` before).
 * - `POST /api/v1/users.updateOwnBasicInfo` with `data.newPassword` and
 *   `data.currentPassword` (app/api/server/v1/users.ts) runs `saveUserProfile`
 *   behind two-factor with `requireSecondFactor` (server/methods/saveUserProfile.ts);
 *   `currentPassword` is handed over as the second factor of method "password",
 *   which compares it as the SHA-256 hex digest of the password
 *   (app/2fa/server/code/PasswordCheckFallback.ts). If the user enrolled TOTP or
 *   e-mail codes, that method is used instead and the digest is refused
 *   (app/2fa/server/code/index.ts getSecondFactorMethod).
 * - On success Rocket.Chat ends the user's other sessions and keeps the
 *   caller's (saveUserProfile.ts removeOtherTokens).
 * - Every REST route is rate-limited per client address; a 429 carries
 *   x-ratelimit-reset (app/api/server/api.ts enforceRateLimit), which
 *   restApi.js waits out. A run makes at most two refused logins; blocking
 *   after failed logins is off by default (Block_Multiple_Failed_Logins_Enabled,
 *   server/settings/accounts.ts) and needs 10 by default when on.
 */
"use strict";

const crypto = require("crypto");

/** The REST call that changes the logged-in user's own password from `previous` to `next`. */
function passwordChangeRequest(previous, next) {
    return {
        path: "users.updateOwnBasicInfo",
        body: { data: { currentPassword: crypto.createHash("sha256").update(previous, "utf8").digest("hex"), newPassword: next } },
    };
}

/** True for Rocket.Chat's answer to a wrong user name or password (HTTP 401 on /api/v1/login); other failures are not a verdict on the password. */
function isRefusedLogin(error) {
    return Boolean(error) && error.status === 401;
}

/**
 * The next step of the login, from what was tried so far:
 * `tried` = { current: "accepted" | "refused", previous?: "accepted" | "refused" },
 * `previousGiven` = whether ADMIN_PASSWORD_PREVIOUS is set (a rotation run).
 * Returns { action: "proceed" } (logged in with the current password),
 * { action: "tryPrevious" }, { action: "rotate" } (logged in with the previous
 * one: change it) or { action: "fail", message }.
 */
function nextLoginStep(username, tried, previousGiven) {
    if (tried.current === "accepted") {
        return { action: "proceed" };
    }
    if (!previousGiven) {
        return {
            action: "fail",
            message: `Rocket.Chat refused the administrator "${username}" with the password in the admin Secret (key password), ` +
                "and this is no rotation run (no previous-password key). Someone changed the password in Rocket.Chat: set it back " +
                "to the Secret's value (README, the break-glass administrator), delete this failed Job and run pulumi up --refresh",
        };
    }
    if (tried.previous === undefined) {
        return { action: "tryPrevious" };
    }
    if (tried.previous === "accepted") {
        return { action: "rotate" };
    }
    return {
        action: "fail",
        message: `Rocket.Chat refused the administrator "${username}" with both the new password (key password) and the previous ` +
            "generation's (key previous-password) of the admin Secret: the password in Rocket.Chat is neither. Set it to the " +
            "Secret's password by hand (README, the break-glass administrator), delete this failed Job and run pulumi up --refresh",
    };
}

/** Why Rocket.Chat may refuse the change (its errorType), and what to do; each from the source named. */
const refusalReasons = {
    // app/2fa/server/code/index.ts: the user has TOTP or e-mail codes, so the password digest is no second factor.
    "totp-invalid": "the administrator has two-factor authentication (TOTP or e-mail codes) enabled, so the current password is not accepted as the second factor; turn it off for this break-glass account",
    "totp-required": "the administrator has two-factor authentication enabled; turn it off for this break-glass account",
    "totp-max-attempts": "too many failed two-factor attempts; wait before the next try",
    // packages/password-policies/src/PasswordPolicy.ts, reasons in `details`.
    "error-password-policy-not-met": "the new password does not meet the server's password policy (Accounts_Password_Policy_*); the generated password has 32 letters and digits and no special character",
    // app/lib/server/functions/saveUser/validateUserEditing.ts
    "error-action-not-allowed": "password changes are switched off (Accounts_AllowPasswordChange or Accounts_AllowUserProfileChange)",
    // server/methods/saveUserProfile.ts
    "error-not-allowed": "profile changes are switched off (Accounts_AllowUserProfileChange)",
    "error-password-same-as-current": "the new password equals the current one",
    "error-password-in-history": "the new password was used before (Accounts_Password_History)",
};

/** The failure message for a refused password change (Rocket.Chat's `{ success: false, error, errorType, details }`). */
function describeChangeRefusal(username, status, reply) {
    const reason = refusalReasons[reply && reply.errorType];
    const details = Array.isArray(reply && reply.details) ? reply.details.map((d) => d.error).filter(Boolean) : [];
    return `Rocket.Chat refused to change the administrator "${username}"'s password (HTTP ${status}: ${(reply && reply.error) || "no reason given"}` +
        `${details.length ? `; ${details.join(", ")}` : ""})${reason ? `: ${reason}` : ""}. The previous password still works; ` +
        "fix that, delete this failed Job (a Job runs once) and run pulumi up --refresh";
}

/** The failure message when the new password is refused right after Rocket.Chat accepted the change. */
function unprovenChangeMessage(username) {
    return `Rocket.Chat answered that the administrator "${username}"'s password was changed, but then refused the new password; ` +
        "Rocket.Chat skips the change without an error when the account has no local password hash (server/methods/saveUserProfile.ts). " +
        "Check the account in Rocket.Chat's administration";
}

if (typeof module === "object" && module.exports) {
    module.exports = { passwordChangeRequest, isRefusedLogin, nextLoginStep, describeChangeRefusal, unprovenChangeMessage };
}
