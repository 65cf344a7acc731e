// The one program test per stack: index.ts, run under Pulumi's mock runtime,
// registers exactly what the builders return (test/support/platformBuild.ts):
// the same objects with the same inputs, under the same names, inside the
// same components, keeping exactly the data the README says destroy keeps,
// and exporting the outputs the README lists. Every other test reads the
// builders directly; this is where the wiring of the thin components is proven.
import { strict as assert } from "assert";
import { componentTypes, ComponentName } from "../components/componentTypes";
import { MongoRole, mongoRoles } from "../components/credentialObjects";
import { recordFor } from "../components/platform";
import { Registration, runStack, StackRun } from "../tools/mockRuntime";
import { GeneratedValues, instance, kubernetesType, platformBuild, restoreCase } from "./support/platformBuild";
import { stackRun, stacks } from "./support/stacks";

/** Each stack as configured, and one configuration no stack carries whose wiring differs (a restore). */
const cases: { label: string; stack: string; overrides: Record<string, unknown> }[] = [
    ...stacks.map((stack) => ({ label: stack, stack, overrides: {} })),
    { label: "dev restoring an archive", stack: "dev", overrides: restoreCase },
];

/** The values the mock runtime generated, read back by resource name (tools/mockRuntime.ts computedState). */
function generatedIn(run: StackRun): GeneratedValues {
    const computed = (key: string): string => {
        const value = run.computed.get(key);
        assert.ok(value !== undefined, `${run.stack}: the program declared no resource computing ${key}`);
        return value;
    };
    return {
        mongoPasswords: Object.fromEntries(mongoRoles.map((role) => [role, computed(`${instance}-mongodb-${role}.result`)])) as Record<MongoRole, string>,
        keyfile: computed(`${instance}-mongodb-keyfile.base64`),
        adminPassword: computed(`${instance}-admin.result`),
        keycloakClientSecret: run.computed.get(`${instance}-client.clientSecret`) ?? "",
    };
}

const key = (type: string, name: string) => `${type}::${name}`;

/** The component types in a registration's parent URN (urn:pulumi:stack::project::A$B$C::name), the stack left out. */
function ancestorTypes(registration: Registration): string[] {
    const parts = registration.parent.split("::");
    return parts.length >= 3 ? parts[2].split("$").filter((type) => type !== "pulumi:pulumi:Stack") : [];
}

/** Plain JSON: drops undefined fields the way the SDK's serialization does. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("the program registers exactly what the builders return", () => {
    for (const { label, stack, overrides } of cases) {
        describe(label, () => {
            let run: StackRun;
            before(async () => {
                run = Object.keys(overrides).length === 0 ? await stackRun(stack) : await runStack(stack, overrides);
            });

            it("the same Kubernetes objects, by type and name, with the same inputs", () => {
                const built = platformBuild(stack, overrides, generatedIn(run));
                const expected = new Map(built.objects.map((object) => [key(kubernetesType(object), object.metadata.name), plain(object)]));
                const registered = new Map(run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => [key(r.type, r.name), r.inputs]));
                assert.deepEqual([...registered.keys()].sort(), [...expected.keys()].sort(), `${stack}: registered and built objects differ`);
                for (const [name, inputs] of registered) {
                    assert.deepEqual(inputs, expected.get(name), `${stack}: ${name} is registered with other inputs than the builder returned`);
                }
                // Each resource is registered under its object's own name.
                for (const resource of run.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
                    assert.equal(resource.name, resource.inputs.metadata.name, `${stack}: ${resource.type} ${resource.inputs.metadata.name} registered as ${resource.name}`);
                }
            });

            it("the same Keycloak resources, with the ids the provider returns", () => {
                const built = platformBuild(stack, overrides, generatedIn(run)).keycloak;
                const registered = run.resources.filter((r) => r.type.startsWith("keycloak:"));
                assert.deepEqual(
                    registered.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })).sort((a, b) => a.name.localeCompare(b.name)),
                    built.map((r) => ({ type: r.type, name: r.name, inputs: plain(r.inputs) })).sort((a, b) => a.name.localeCompare(b.name)),
                );
            });

            it("each object inside the component its builder belongs to", () => {
                const built = platformBuild(stack, overrides, generatedIn(run));
                const byKey = new Map(run.registrations.map((r) => [key(r.type, r.name), r]));
                for (const entry of built.entries) {
                    const registration = byKey.get(key(kubernetesType(entry.object), entry.object.metadata.name))!;
                    const ancestors = ancestorTypes(registration);
                    assert.equal(ancestors[ancestors.length - 1], componentTypes[entry.component].token,
                        `${stack}: ${entry.object.kind} ${entry.object.metadata.name} has parent ${registration.parent}, expected inside ${entry.component}`);
                }
            });

            it("destroy keeps exactly the namespace and the data claims (retainOnDelete), nothing else", () => {
                const built = platformBuild(stack, overrides, generatedIn(run));
                const kept = run.registrations.filter((r) => r.retainOnDelete).map((r) => key(r.type, r.name)).sort();
                const expected = built.entries.filter((e) => e.retainOnDelete).map((e) => key(kubernetesType(e.object), e.object.metadata.name)).sort();
                assert.deepEqual(kept, expected);
                assert.ok(expected.some((k) => k.includes(":PersistentVolumeClaim::")), `${stack}: some claim is kept`);
            });

            it("every component registered with its type token and former tokens as aliases", () => {
                const components = run.registrations.filter((r) => !r.custom && r.type.startsWith("rocketchat-ha:"));
                const tokens = new Map<string, ComponentName>(Object.entries(componentTypes).map(([name, t]) => [t.token, name as ComponentName]));
                for (const component of components) {
                    const name = tokens.get(component.type);
                    assert.ok(name, `${stack}: ${component.type} is not in componentTypes`);
                    const aliasTypes = component.aliases.map((a) => a.spec?.type).filter((t) => t);
                    assert.deepEqual(aliasTypes, [...componentTypes[name].formerly], `${stack}: ${component.type}'s aliases`);
                }
            });

            it("keeps every generated value a Pulumi secret, and out of the outputs", () => {
                const generated = generatedIn(run);
                const values = [...Object.values(generated.mongoPasswords), generated.keyfile, generated.adminPassword, generated.keycloakClientSecret].filter((v) => v !== "");
                const carriers = run.resources.filter((r) => values.some((v) => JSON.stringify(r.inputs).includes(v)) && r.type.startsWith("kubernetes:"));
                assert.deepEqual(carriers.map((r) => r.inputs.kind).filter((kind) => kind !== "Secret"), [], `${stack}: a generated value outside a Secret`);
                for (const secret of carriers) {
                    assert.ok(secret.secretPaths.some((p) => p.startsWith("/stringData")), `${stack}: ${secret.name}'s values are Pulumi secrets`);
                }
                for (const name of [`${instance}-mongodb-users`, `${instance}-mongodb-keyfile`, `${instance}-admin`, `${instance}-mongodb-connection`]) {
                    assert.ok(carriers.some((r) => r.name === name), `${stack}: ${name} carries generated values`);
                }
                const outputs = JSON.stringify(run.outputs);
                assert.deepEqual(values.filter((v) => outputs.includes(v)), [], `${stack}: a generated value in the outputs`);
            });

            it("exports the outputs README lists, with the stack's values", () => {
                const built = platformBuild(stack, overrides, generatedIn(run));
                assert.equal(run.outputs.url, `https://${built.settings.hostname}`);
                assert.equal(run.outputs.namespace, built.settings.namespace);
                assert.equal(run.outputs.adminSecret, `${instance}-admin`);
                assert.equal(run.outputs.keycloakClientId, built.settings.ssoEnabled ? built.settings.keycloakClientId : null);
                assert.equal(run.outputs.mongodbConnectionSecret, `${instance}-mongodb-connection`);
                assert.deepEqual(run.warnings, [], `${stack}: the program warned`);
                // A first install declares no upgrade guard Job, and records what it deployed for the next run's guard.
                assert.ok(!run.resources.some((r) => r.name.startsWith(`${instance}-upgrade-guard`)));
                assert.deepEqual(run.outputs.deployment, recordFor(instance, built.settings));
            });
        });
    }
});
