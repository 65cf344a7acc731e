import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { credentialDefaults, credentialObjects, generatedPassword, keyfileBytes, mongoRoles } from "../components/credentialObjects";
import { projectDefaults } from "../tools/stackConfig";
import { kubernetesObjects } from "../tools/resourceList";
import { builtStack, placeholderList } from "./support/platformBuild";
import { allMongodbObjects, generated, mongodbObjects } from "./support/mongodbObjects";
import { containersOf, podTemplates, stacks } from "./support/stacks";

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

/** The objects (other than Secrets) in which one of `secrets` appears, as "Kind/name/path". */
function leaks(objects: any[], secrets: string[]): string[] {
    return objects.filter((o) => o.kind !== "Secret").flatMap((object) => strings(object)
        .filter(([, text]) => secrets.some((secret) => text.includes(secret)))
        .map(([at]) => `${object.kind}/${object.metadata.name}${at}`));
}

/** Credential-like variables of the objects' pod templates that do not come from a Secret, as "owner container VAR". */
function plainCredentialVariables(objects: any[]): string[] {
    return podTemplates(objects).flatMap((template) => containersOf(template.spec).flatMap((container) => (container.env ?? [])
        .filter((env: any) => credentialEnvName.test(env.name) && !env.valueFrom?.secretKeyRef)
        .map((env: any) => `${template.owner} ${container.name} ${env.name}`)));
}

describe("generated credentials", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            it("generates the MongoDB users and the break-glass admin into Secrets", () => {
                const { credentials } = mongodbObjects(stack);
                const users = credentials.mongoUsers.stringData as Record<string, string>;
                assert.equal(credentials.mongoUsers.metadata.name, "rocketchat-mongodb-users");
                const roles = ["root", "app", "backup", "restore", "monitoring"];
                assert.deepEqual([...mongoRoles], roles);
                for (const role of roles) {
                    assert.ok(users[`${role}-username`]);
                    assert.equal(users[`${role}-password`], generated.password(`mongodb-${role}`), `${role} password is its own generated value`);
                }
                assert.equal(users["restore-username"], "restore");
                const passwords = roles.map((r) => users[`${r}-password`]);
                assert.equal(new Set(passwords).size, roles.length, "each user has its own password");
                const admin = credentials.admin.stringData as Record<string, string>;
                assert.equal(credentials.admin.metadata.name, "rocketchat-admin");
                assert.equal(admin.username, "rcadmin");
                assert.equal(admin.password, generated.password("admin"));
                assert.equal(admin.email, `rcadmin@${{ dev: "chat-dev.example.org", test: "chat-test.apps.example.org", prod: "chat.example.org" }[stack]}`);
            });

            it("hands the keyfile Secret to every member", () => {
                const { credentials, replicaSet } = mongodbObjects(stack);
                assert.equal(credentials.keyfile.stringData!.keyfile, generated.keyfile);
                const volume = (replicaSet.statefulSet.spec.template.spec.volumes as any[]).find((v) => v.name === "keyfile-secret");
                assert.equal(volume.secret.secretName, credentials.keyfile.metadata.name);
            });

            it("never puts a generated value outside a Secret: env values, args, commands, ConfigMaps, annotations", () => {
                const secrets = [...mongoRoles.map((role) => generated.password(`mongodb-${role}`)), generated.password("admin"), generated.keyfile];
                const objects = allMongodbObjects(stack);
                assert.ok(strings(objects.filter((o) => o.kind === "Secret")).filter(([, text]) => secrets.some((s) => text.includes(s))).length >= secrets.length,
                    "the placeholders reached the Secrets");
                assert.deepEqual(leaks(objects, secrets), []);
            });

            it("passes credential-like variables only by secretKeyRef", () => {
                const objects = allMongodbObjects(stack);
                assert.ok(podTemplates(objects).length >= 2, "the StatefulSet and the bootstrap Job");
                assert.deepEqual(plainCredentialVariables(objects), []);
            });
        });
    }

    describe("generation", () => {
        it("passwords are at least 32 characters and URI-safe (they go into mongodb:// URIs)", () => {
            assert.ok(generatedPassword.length >= 32);
            assert.equal(generatedPassword.special, false);
        });

        it("generates a keyfile of 6 to 1024 standard base64 characters", () => {
            // What RandomBytes' base64 gives for keyfileBytes bytes: standard base64 of real random bytes.
            const keyfile = randomBytes(keyfileBytes).toString("base64");
            assert.match(keyfile, /^[A-Za-z0-9+/]+={0,2}$/);
            assert.ok(keyfile.length >= 6 && keyfile.length <= 1024, `length ${keyfile.length}`);
        });

        it("the admin user name defaults to Pulumi.yaml's adminUsername", () => {
            assert.equal(credentialDefaults.adminUsername, projectDefaults()["rocketchat-ha:adminUsername"]);
            const admin = credentialObjects<string>("x", { namespace: "n", adminEmail: "e", mongoPasswords: { root: "", app: "", backup: "", restore: "", monitoring: "" }, keyfile: "", adminPassword: "" }).admin;
            assert.equal(admin.stringData!.username, "rcadmin");
        });
    });

    // Every area's objects, built for the whole stack (test/program.test.ts proves the
    // program registers exactly these); which values are Pulumi secrets is the program test's.
    describe("whole stack", () => {
        for (const stack of stacks) {
            it(`${stack}: never puts a generated value outside a Secret, in any object`, () => {
                const objects = kubernetesObjects(builtStack(stack));
                assert.ok(objects.filter((o) => o.kind === "Secret").length >= 4, "the stack declares its Secrets");
                assert.deepEqual(leaks(objects, [...placeholderList]), []);
            });

            it(`${stack}: passes credential-like variables only by secretKeyRef, in every workload`, () => {
                assert.deepEqual(plainCredentialVariables(kubernetesObjects(builtStack(stack))), []);
            });
        }
    });
});
