import { strict as assert } from "assert";
import { findObject, kubernetesObjects } from "../tools/mockRuntime";
import { containersOf, podTemplates, stackRun, stacks } from "./support/stacks";

/** Every string inside a value, with its path. */
function strings(value: any, at = ""): [string, string][] {
    if (typeof value === "string") {
        return [[at, value]];
    }
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}/${k}`));
    }
    return [];
}

/** The credential noun ends the name: ADMIN_PASS, ..._secret, ROCKETCHAT_LICENSE (not key_field). */
const credentialEnvName = /(^|[_-])(PASS|PASSWORD|PWD|SECRET|TOKEN|KEY|KEYFILE|LICENSE|CREDENTIALS?)$/i;

describe("generated credentials", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            it("generates the MongoDB users and the break-glass admin into Secrets", async () => {
                const run = await stackRun(stack);
                const users = findObject(run, "Secret", "rocketchat-mongodb-users").stringData;
                const roles = ["root", "app", "backup", "restore", "monitoring"];
                for (const role of roles) {
                    assert.ok(users[`${role}-username`]);
                    assert.ok(users[`${role}-password`].length >= 32, `${role} password is long`);
                }
                assert.equal(users["restore-username"], "restore");
                const passwords = roles.map((r) => users[`${r}-password`]);
                assert.equal(new Set(passwords).size, roles.length, "each user has its own password");
                const admin = findObject(run, "Secret", "rocketchat-admin").stringData;
                assert.equal(admin.username, "rcadmin");
                assert.ok(admin.password.length >= 32);
                assert.equal(admin.email, `rcadmin@${{ dev: "chat-dev.example.org", test: "chat-test.apps.example.org", prod: "chat.example.org" }[stack]}`);
            });

            it("generates a keyfile of 6 to 1024 standard base64 characters", async () => {
                const run = await stackRun(stack);
                const keyfile: string = findObject(run, "Secret", "rocketchat-mongodb-keyfile").stringData.keyfile;
                assert.match(keyfile, /^[A-Za-z0-9+/]+={0,2}$/);
                assert.ok(keyfile.length >= 6 && keyfile.length <= 1024, `length ${keyfile.length}`);
            });

            it("keeps generated values Pulumi secrets", async () => {
                const run = await stackRun(stack);
                for (const name of ["rocketchat-mongodb-users", "rocketchat-mongodb-keyfile", "rocketchat-admin", "rocketchat-mongodb-connection"]) {
                    const secret = run.resources.find((r) => r.inputs.kind === "Secret" && r.inputs.metadata.name === name)!;
                    assert.ok(secret.secretPaths.some((p) => p.startsWith("/stringData")), `${name} values are secret`);
                }
            });

            it("never puts a secret value outside a Secret: env values, args, commands, ConfigMaps, annotations", async () => {
                const run = await stackRun(stack);
                const secrets = [...run.secretValues].filter((v) => v.length >= 8);
                assert.ok(secrets.length >= 5, "the harness saw the generated values");
                for (const object of kubernetesObjects(run).filter((o) => o.kind !== "Secret")) {
                    for (const [at, text] of strings(object)) {
                        const leaked = secrets.find((secret) => text.includes(secret));
                        assert.equal(leaked, undefined, `${object.kind}/${object.metadata.name}${at} contains a generated secret`);
                    }
                }
            });

            it("passes credential-like variables only by secretKeyRef", async () => {
                const run = await stackRun(stack);
                for (const template of podTemplates(kubernetesObjects(run))) {
                    for (const container of containersOf(template.spec)) {
                        for (const env of container.env ?? []) {
                            if (credentialEnvName.test(env.name)) {
                                assert.ok(env.valueFrom?.secretKeyRef, `${template.owner} ${container.name} ${env.name} comes from a Secret`);
                            }
                        }
                    }
                }
            });
        });
    }
});
