/**
 * What a running stack runs on and how users sign in, as the deployment
 * record holds it, and the switches the next run refuses before anything is
 * declared (issue 24, finding 7):
 *
 * - `platform`: the UIDs, the exposure (Ingress or Route) and the security
 *   context follow the setting, not the cluster. openshift -> kubernetes on
 *   an OpenShift cluster pins UID 999, which the restricted SCC refuses, and
 *   the Route goes; kubernetes -> openshift drops the fixed UIDs the data
 *   volumes are owned by. Refused: a platform move is a new stack and a
 *   restore (docs/moving-data.md).
 * - `keycloakRealm` changed with SSO on: the client and its role are
 *   re-created in the other realm and every user signs in with a new
 *   subject; Rocket.Chat links OAuth accounts by that id (and, with merge
 *   users, by username), so users get new accounts or clash with their old
 *   ones. `ssoEnabled` true -> false: accounts created through Keycloak have
 *   no password. Both refused unless `ssoAllowSwitch` says the operator
 *   means it.
 *
 * A record written before this existed has no entry: nothing is compared,
 * and the run records it.
 */
import type { Settings } from "../settings";

export interface SignInRecord {
    readonly platform: string;
    readonly ssoEnabled: boolean;
    /** The realm users sign in through; "" with SSO off. */
    readonly keycloakRealm: string;
}

export function signInRecordOf(s: Settings): SignInRecord {
    return { platform: s.platform, ssoEnabled: s.ssoEnabled, keycloakRealm: s.ssoEnabled ? s.keycloakRealm : "" };
}

export interface SwitchRefusal {
    readonly setting: "platform" | "keycloakRealm" | "ssoEnabled";
    readonly value: unknown;
    readonly reason: string;
}

/** What the next run may not switch; `allowSsoSwitch` is the ssoAllowSwitch opt-in. */
export function platformSwitchRefusals(before: SignInRecord | undefined, after: SignInRecord, allowSsoSwitch: boolean): SwitchRefusal[] {
    if (before === undefined) {
        return [];
    }
    const refusals: SwitchRefusal[] = [];
    if (before.platform !== after.platform) {
        refusals.push({
            setting: "platform", value: after.platform,
            reason: `the stack runs on ${before.platform}: the pods' UIDs, security contexts and exposure follow this setting, and the data volumes are owned ` +
                `by the UIDs it chose (on OpenShift the restricted SCC refuses the fixed UIDs of 'kubernetes'). Set it back to '${before.platform}'; ` +
                "to move platforms, back up, deploy a new stack on the other platform and restore (docs/moving-data.md)",
        });
    }
    const optIn = "set ssoAllowSwitch to true to do it anyway (README, \"Switching the platform or the sign-in\")";
    if (before.ssoEnabled && after.ssoEnabled && before.keycloakRealm !== after.keycloakRealm && !allowSsoSwitch) {
        refusals.push({
            setting: "keycloakRealm", value: after.keycloakRealm,
            reason: `users sign in through realm '${before.keycloakRealm}'; in '${after.keycloakRealm}' every user is a new identity to Rocket.Chat ` +
                `(new accounts, or clashes with the old accounts' usernames). Set it back to '${before.keycloakRealm}', or ${optIn}`,
        });
    }
    if (before.ssoEnabled && !after.ssoEnabled && !allowSsoSwitch) {
        refusals.push({
            setting: "ssoEnabled", value: false,
            reason: "accounts created through Keycloak have no local password, so with single sign-on off only the break-glass administrator can sign in. " +
                `Keep ssoEnabled true, or ${optIn}`,
        });
    }
    return refusals;
}

/** A record read back, or undefined when absent or malformed (never guessed). */
export function parseSignInRecord(value: unknown): SignInRecord | undefined {
    const v = value as Partial<SignInRecord> | undefined;
    if (!v || typeof v.platform !== "string" || typeof v.ssoEnabled !== "boolean" || typeof v.keycloakRealm !== "string") {
        return undefined;
    }
    return { platform: v.platform, ssoEnabled: v.ssoEnabled, keycloakRealm: v.keycloakRealm };
}
