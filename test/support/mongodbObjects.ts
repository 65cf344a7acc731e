/**
 * The replica set and credential objects of a stack, built the way the
 * program builds them (stack settings -> args -> builder) with placeholder
 * strings for the generated values, for tests that need no Pulumi runtime.
 */
import { credentialsArgsFromSettings } from "../../components/credentials";
import { credentialObjects, credentialSecretNames, MongoRole, mongoRoles } from "../../components/credentialObjects";
import { mongoConnectionUri, replicaSetObjects } from "../../components/mongodb/replicaSetObjects";
import { mongoReplicaSetArgsFromSettings } from "../../components/mongodb/replicaSetSettings";
import { settingsFor } from "./settings";

/** The instance name index.ts gives the platform. */
export const instance = "rocketchat";

/** A distinct placeholder per generated value, long enough to be found wherever it leaks. */
export const generated = {
    password: (purpose: string) => `<generated-${purpose}-password-0123456789abcdef>`,
    keyfile: "<generated-keyfile-0123456789abcdef>",
};

export function mongodbObjects(stack: string, overrides: Record<string, unknown> = {}) {
    const settings = settingsFor(stack, overrides);
    const args = mongoReplicaSetArgsFromSettings(settings);
    const names = credentialSecretNames(instance);
    const replicaSet = replicaSetObjects<string>(instance, {
        ...args,
        usersSecretName: names.mongoUsers,
        keyfileSecretName: names.keyfile,
        connectionUri: mongoConnectionUri(instance, args, generated.password("mongodb-app")),
    });
    const credentials = credentialObjects<string>(instance, {
        ...credentialsArgsFromSettings(settings),
        mongoPasswords: Object.fromEntries(mongoRoles.map((role) => [role, generated.password(`mongodb-${role}`)])) as Record<MongoRole, string>,
        keyfile: generated.keyfile,
        adminPassword: generated.password("admin"),
    });
    return { settings, args, replicaSet, credentials };
}

/** Every object of a stack's replica set and credentials, as a list. */
export function allMongodbObjects(stack: string): any[] {
    const { replicaSet, credentials } = mongodbObjects(stack);
    const { bootstrap, ...rest } = replicaSet;
    return [...Object.values(rest), bootstrap.configMap, bootstrap.job, ...Object.values(credentials)];
}
