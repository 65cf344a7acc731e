/**
 * The break-glass administrator's account as Rocket.Chat keeps it, for the
 * fake REST server (test/support/fakeRocketChat.ts): login, logout, the
 * session tokens, and the own-password change with the rules Rocket.Chat
 * applies to it. Each rule names its source in RocketChat/Rocket.Chat
 * (apps/meteor unless said otherwise); the workspace settings default as in
 * apps/meteor/server/settings/accounts.ts.
 *
 * Not modelled: e-mail changes, password history (Accounts_Password_History is
 * off by default, so saveUserProfile's history check passes), the failed-login
 * block (Block_Multiple_Failed_Logins_Enabled defaults to false), LDAP.
 */
import { createHash, randomBytes } from "crypto";

/** Rocket.Chat's failure body: Meteor.Error's message is "<reason> [<error>]" (app/api/server/api.ts `failure`). */
export interface Failure {
    readonly status: number;
    readonly body: { success: false; error: string; errorType?: string; details?: unknown };
}

const meteorError = (error: string, reason: string, details?: unknown): Failure =>
    ({ status: 400, body: { success: false, error: `${reason} [${error}]`, errorType: error, ...(details ? { details } : {}) } });

/** The password policy settings (Accounts_Password_Policy_*, defaults from accounts.ts when enabled). */
export interface PasswordPolicySettings {
    readonly minLength: number;
    readonly forbidRepeatingCharactersCount: number;
    readonly atLeastOneLowercase: boolean;
    readonly atLeastOneUppercase: boolean;
    readonly atLeastOneNumber: boolean;
    readonly atLeastOneSpecialCharacter: boolean;
}

export const defaultPasswordPolicy: PasswordPolicySettings = {
    minLength: 7,
    forbidRepeatingCharactersCount: 3,
    atLeastOneLowercase: true,
    atLeastOneUppercase: true,
    atLeastOneNumber: true,
    atLeastOneSpecialCharacter: true,
};

/** packages/password-policies/src/PasswordPolicy.ts `validate`: every reason, then one error. */
function policyReasons(policy: PasswordPolicySettings, password: string): { error: string; message: string }[] {
    const reasons: { error: string; message: string }[] = [];
    const reason = (error: string, message: string) => reasons.push({ error, message });
    if (policy.minLength >= 1 && password.length < policy.minLength) {
        reason("error-password-policy-not-met-minLength", "The password does not meet the minimum length password policy.");
    }
    if (new RegExp(`(.)\\1{${policy.forbidRepeatingCharactersCount},}`).test(password)) {
        reason("error-password-policy-not-met-repeatingCharacters", "The password contains repeating characters which is against the password policy.");
    }
    if (policy.atLeastOneLowercase && !/[a-z]/.test(password)) {
        reason("error-password-policy-not-met-oneLowercase", "The password does not contain at least one lowercase character which is against the password policy.");
    }
    if (policy.atLeastOneUppercase && !/[A-Z]/.test(password)) {
        reason("error-password-policy-not-met-oneUppercase", "The password does not contain at least one uppercase character which is against the password policy.");
    }
    if (policy.atLeastOneNumber && !/[0-9]/.test(password)) {
        reason("error-password-policy-not-met-oneNumber", "The password does not contain at least one numerical character which is against the password policy.");
    }
    if (policy.atLeastOneSpecialCharacter && !/[^A-Za-z0-9 ]/.test(password)) {
        reason("error-password-policy-not-met-oneSpecial", "The password does not contain at least one special character which is against the password policy.");
    }
    return reasons;
}

export class FakeAdminAccount {
    readonly userId = "aiPqNoGkjpNDiRx6d";
    /** Workspace settings that decide a password change. */
    readonly settings = {
        /** Accounts_TwoFactorAuthentication_Enabled (default true). */
        twoFactor: true,
        /** Accounts_AllowPasswordChange (default true). */
        allowPasswordChange: true,
        /** Accounts_AllowUserProfileChange (default true). */
        allowProfileChange: true,
        /** Accounts_Password_Policy_Enabled (default false) and its rules. */
        passwordPolicy: undefined as PasswordPolicySettings | undefined,
    };
    /** The administrator enrolled TOTP (services.totp.enabled). */
    totpEnrolled = false;
    /** Every login attempt, in order: "accepted" or "refused". */
    readonly logins: ("accepted" | "refused")[] = [];
    /** Successful password changes. */
    passwordChanges = 0;
    private readonly tokens = new Set<string>();

    constructor(readonly username: string, public password: string) {}

    /** Open sessions (login tokens). */
    get sessions(): number {
        return this.tokens.size;
    }

    /** POST /api/v1/login {user, password}; from 8.0 a refusal is 401 `{ success: false, error: "unauthorized" }` (app/api/server/api.ts, `login` route, applyBreakingChanges). */
    login(body: { user?: string; password?: string }): { status: number; body: unknown } {
        if (body.user !== this.username || body.password !== this.password) {
            this.logins.push("refused");
            return { status: 401, body: { success: false, error: "unauthorized" } };
        }
        this.logins.push("accepted");
        const authToken = randomBytes(12).toString("hex");
        this.tokens.add(authToken);
        return { status: 200, body: { status: "success", data: { userId: this.userId, authToken, me: { _id: this.userId, username: this.username } }, success: true } };
    }

    /** A route with authRequired: the user id and one of the user's login tokens (api.ts authenticatedRoute). */
    authenticated(headers: Record<string, string | string[] | undefined>): string | undefined {
        const token = headers["x-auth-token"];
        return headers["x-user-id"] === this.userId && typeof token === "string" && this.tokens.has(token) ? token : undefined;
    }

    /** POST /api/v1/logout removes the caller's token only (api.ts `logout`). */
    logout(token: string): { status: number; body: unknown } {
        this.tokens.delete(token);
        return { status: 200, body: { status: "success", data: { message: "You've been logged out!" } } };
    }

    /** POST /api/v1/users.updateOwnBasicInfo with data.newPassword (app/api/server/v1/users.ts). */
    updateOwnBasicInfo(token: string, body: any): { status: number; body: unknown } | Failure {
        // validateParams (isUsersUpdateOwnBasicInfoParamsPOST): `data` is a required object.
        if (!body || typeof body.data !== "object" || body.data === null) {
            return meteorError("invalid-params", "must have required property 'data'");
        }
        const { newPassword, currentPassword } = body.data;
        if (newPassword) {
            // server/methods/saveUserProfile.ts: a new password goes through twoFactorRequired({ requireSecondFactor: true });
            // the route passes currentPassword as the code of method "password" (users.ts).
            const refused = this.secondFactorRefusal(currentPassword);
            if (refused) {
                return refused;
            }
        }
        if (!this.settings.allowProfileChange) {
            return meteorError("error-not-allowed", "Not allowed", { method: "saveUserProfile" });
        }
        // app/lib/server/functions/saveUser/validateUserEditing.ts
        if (newPassword && !this.settings.allowPasswordChange) {
            return meteorError("error-action-not-allowed", "Edit user password is not allowed", { method: "insertOrUpdateUser", action: "Update_user" });
        }
        if (newPassword) {
            if (newPassword === this.password) {
                return meteorError("error-password-same-as-current", "Entered password same as current password", { method: "saveUserProfile" });
            }
            const reasons = this.settings.passwordPolicy ? policyReasons(this.settings.passwordPolicy, newPassword) : [];
            if (reasons.length > 0) {
                // PasswordPolicyError is no Meteor.Error: its message stays bare, its reasons are the details.
                return { status: 400, body: { success: false, error: "The password provided does not meet the server's password policy.", errorType: "error-password-policy-not-met", details: reasons } };
            }
            this.password = newPassword;
            this.passwordChanges++;
            // saveUserProfile: setPasswordAsync(..., { logout: false }), then removeOtherTokens keeps only the caller's session.
            for (const other of [...this.tokens].filter((t) => t !== token)) {
                this.tokens.delete(other);
            }
        }
        return { status: 200, body: { user: { _id: this.userId, username: this.username }, success: true } };
    }

    /**
     * app/2fa/server/code/index.ts checkCodeForUser: off when the workspace
     * turned 2FA off; a method the user enrolled (TOTP) takes precedence over
     * the requested "password"; otherwise the password fallback compares the
     * code as the lower-cased SHA-256 hex of the password (PasswordCheckFallback.ts).
     */
    private secondFactorRefusal(code: unknown): Failure | undefined {
        if (!this.settings.twoFactor) {
            return undefined;
        }
        const method = this.totpEnrolled ? "totp" : "password";
        const details = { method, codeGenerated: false, availableMethods: this.totpEnrolled ? ["totp"] : [] };
        if (typeof code !== "string" || code === "") {
            return meteorError("totp-required", "TOTP Required", details);
        }
        const valid = method === "password" && code.toLowerCase() === createHash("sha256").update(this.password).digest("hex");
        return valid ? undefined : meteorError("totp-invalid", "TOTP Invalid", details);
    }
}
