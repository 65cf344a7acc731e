/** The stack settings as the Keycloak builder's args (pure; platform.ts calls it). */
import { Settings } from "../settings";
import { KeycloakClientArgs } from "./keycloakClientResources";

/** The Keycloak client's args, or undefined when ssoEnabled is false. */
export function keycloakClientArgsFromSettings(s: Settings): KeycloakClientArgs | undefined {
    return s.ssoEnabled ? { realm: s.keycloakRealm, clientId: s.keycloakClientId, hostname: s.hostname, groups: s.keycloakGroups } : undefined;
}
