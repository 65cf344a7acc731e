// The one program test per stack: index.ts, run under Pulumi's mock runtime,
// registers exactly what the builders return (test/support/platformBuild.ts):
// the same objects with the same inputs, under the same names, inside the
// same components, keeping exactly the data the README says destroy keeps,
// and exporting the outputs the README lists. Every other test reads the
// builders directly; this is where the wiring of the thin components is proven.
import { strict as assert } from "assert";
import { componentTypes, ComponentName } from "../components/componentTypes";
import { generatedPassword, keyfileBytes, MongoRole, mongoRoles } from "../components/credentialObjects";
import { recordFor } from "../components/platform";
import { Registration, runStack, StackRun } from "../tools/mockRuntime";
import { GeneratedValues, instance, kubernetesType, platformBuild, restoreCase } from "./support/platformBuild";
import { stackRun, stacks } from "./support/stacks";
import { settingsFor } from "./support/settings";
import { DeploymentRecord } from "../components/upgrades/deploymentRecord";

/** What prod's previous run recorded: 3 members at 8.5.1 / 8.0.29. */
const prodRecordOf3 = recordFor(instance, settingsFor("prod"));

interface ProgramCase {
    readonly label: string;
    readonly stack: string;
    readonly overrides: Record<string, unknown>;
    /** The record the previous run left; undefined: a first install. */
    readonly previous?: DeploymentRecord;
}

/**
 * Each stack as configured (a first install), and the configurations no stack
 * carries whose wiring differs: a restore, and an upgrade (the guard Job) of a
 * stack whose backup claim goes with the stack on destroy.
 */
const cases: ProgramCase[] = [
    ...stacks.map((stack) => ({ label: stack, stack, overrides: {} })),
    { label: "dev restoring an archive", stack: "dev", overrides: restoreCase },
    { label: "prod growing to 5 members after a 3-member run, backup claim deleted on destroy", stack: "prod", overrides: { mongodbMembers: 5, backupDeleteClaimOnDestroy: true }, previous: prodRecordOf3 },
];

function runOf(c: ProgramCase): Promise<StackRun> {
    if (Object.keys(c.overrides).length === 0 && !c.previous) {
        return stackRun(c.stack);
    }
    return runStack(c.stack, c.overrides, c.previous ? { previousOutputs: { deployment: c.previous } } : {});
}

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

/** True when `registration` waits for the resource of this type token and name (explicitly or through an input). */
function waitsFor(registration: Registration, type: string, name: string): boolean {
    return registration.dependencies.some((urn) => urn.endsWith(`::${name}`) && (urn.includes(`::${type}::`) || urn.includes(`$${type}::`)));
}

/** The registration of a resource; fails when the program did not register it. */
function registered(run: StackRun, type: string, name: string | RegExp): Registration {
    const found = run.registrations.find((r) => r.type === type && (typeof name === "string" ? r.name === name : name.test(r.name)));
    assert.ok(found, `${run.stack}: no ${type} ${name} registered`);
    return found;
}

const types = {
    namespace: "kubernetes:core/v1:Namespace",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    deployment: "kubernetes:apps/v1:Deployment",
    autoscaler: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
} as const;

/** Plain JSON: drops undefined fields the way the SDK's serialization does. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("the program registers exactly what the builders return", () => {
    for (const programCase of cases) {
        const { label, stack, overrides, previous } = programCase;
        describe(label, () => {
            let run: StackRun;
            before(async () => {
                run = await runOf(programCase);
            });

            it("the same Kubernetes objects, by type and name, with the same inputs", () => {
                const built = platformBuild(stack, overrides, generatedIn(run), previous);
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
                const built = platformBuild(stack, overrides, generatedIn(run), previous).keycloak;
                const registered = run.resources.filter((r) => r.type.startsWith("keycloak:"));
                assert.deepEqual(
                    registered.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })).sort((a, b) => a.name.localeCompare(b.name)),
                    built.map((r) => ({ type: r.type, name: r.name, inputs: plain(r.inputs) })).sort((a, b) => a.name.localeCompare(b.name)),
                );
            });

            it("each object inside the component its builder belongs to", () => {
                const built = platformBuild(stack, overrides, generatedIn(run), previous);
                const byKey = new Map(run.registrations.map((r) => [key(r.type, r.name), r]));
                for (const entry of built.entries) {
                    const registration = byKey.get(key(kubernetesType(entry.object), entry.object.metadata.name))!;
                    const ancestors = ancestorTypes(registration);
                    assert.equal(ancestors[ancestors.length - 1], componentTypes[entry.component].token,
                        `${stack}: ${entry.object.kind} ${entry.object.metadata.name} has parent ${registration.parent}, expected inside ${entry.component}`);
                }
            });

            it("destroy keeps exactly the namespace and the data claims (retainOnDelete), nothing else", () => {
                const built = platformBuild(stack, overrides, generatedIn(run), previous);
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

            // Pulumi does not hand a component's dependsOn to its children, and an input
            // naming another object does not always carry it: each wait is checked on the
            // registration the engine receives (DESIGN.md; components/childOptions.ts).
            it("orders the rollout: namespace, scripts, bootstrap (and guard) before what uses them", () => {
                const kubernetes = run.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
                const built = platformBuild(stack, overrides, generatedIn(run), previous);
                const bootstrapJob = registered(run, types.job, new RegExp(`^${instance}-mongodb-bootstrap-`));
                const deployment = registered(run, types.deployment, instance);
                const statefulSet = registered(run, types.statefulSet, `${instance}-mongodb`);
                const guardObject = (r: Registration) => r.name.startsWith(`${instance}-upgrade-guard`);
                if (built.settings.createNamespace) {
                    for (const r of kubernetes.filter((k) => k.type !== types.namespace && !guardObject(k))) {
                        assert.ok(waitsFor(r, types.namespace, built.settings.namespace), `${label}: ${r.type} ${r.name} waits for the namespace`);
                    }
                }
                assert.ok(waitsFor(bootstrapJob, types.configMap, `${instance}-mongodb-bootstrap`), "the bootstrap Job waits for its script");
                assert.ok(waitsFor(deployment, types.job, bootstrapJob.name), "Rocket.Chat starts after the bootstrap (the users exist)");
                for (const r of kubernetes.filter((k) => k.type === types.cronJob || (k.type === types.deployment && k.name.endsWith("exporter")))) {
                    assert.ok(waitsFor(r, types.job, bootstrapJob.name), `${label}: ${r.name} waits for the bootstrap (its user exists)`);
                }
                for (const cronJob of kubernetes.filter((k) => k.type === types.cronJob)) {
                    assert.ok(waitsFor(cronJob, types.configMap, `${instance}-backup-scripts`), `${cronJob.name} waits for its scripts`);
                }
                const autoscaler = kubernetes.find((k) => k.type === types.autoscaler);
                if (autoscaler) {
                    assert.ok(waitsFor(autoscaler, types.deployment, instance), "the autoscaler waits for the Deployment it scales");
                }
                const ingress = kubernetes.find((k) => k.type === types.ingress);
                if (ingress) {
                    assert.ok(waitsFor(ingress, types.service, instance), "the Ingress waits for the Service it routes to");
                }
                const guardJob = kubernetes.find((k) => k.type === types.job && guardObject(k));
                if (previous) {
                    assert.ok(guardJob, "a change of members runs the upgrade guard");
                    assert.ok(waitsFor(statefulSet, types.job, guardJob.name) && waitsFor(deployment, types.job, guardJob.name), "both workloads wait for the guard");
                    assert.deepEqual(kubernetes.filter((k) => waitsFor(k, types.job, guardJob.name)).map((k) => `${k.type} ${k.name}`).sort(),
                        [`${types.deployment} ${instance}`, `${types.statefulSet} ${instance}-mongodb`], "only the two workloads wait for the guard");
                    assert.ok(waitsFor(guardJob, types.configMap, `${instance}-upgrade-guard`), "the guard waits for its scripts");
                    assert.ok(guardJob.createTimeout !== "", "pulumi up waits for the guard");
                } else {
                    assert.deepEqual(kubernetes.filter((k) => k.dependencies.some((u) => u.includes("upgrade-guard"))).map((k) => k.name), [], "nothing waits for a guard on a first install");
                }
            });

            it("stops Rocket.Chat and suspends the schedules before a restore, and awaits the Jobs pulumi up must see finish", () => {
                const kubernetes = run.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
                const restore = kubernetes.find((k) => k.type === types.job && k.name.startsWith(`${instance}-restore-`));
                assert.equal(restore !== undefined, "restoreArchive" in overrides);
                if (restore) {
                    assert.ok(waitsFor(restore, types.deployment, instance), "Rocket.Chat is stopped first");
                    for (const cronJob of kubernetes.filter((k) => k.type === types.cronJob)) {
                        assert.ok(waitsFor(restore, types.cronJob, cronJob.name), `${cronJob.name} is suspended first`);
                    }
                    assert.deepEqual(restore.ignoreChanges, ["spec"], "a restore never re-runs on a template change");
                    assert.ok(restore.createTimeout !== "", "pulumi up waits for the restore");
                }
                const channels = kubernetes.find((k) => k.type === types.job && k.name.startsWith(`${instance}-channels-`));
                if (channels) {
                    assert.ok(waitsFor(channels, types.deployment, instance) && waitsFor(channels, types.configMap, `${instance}-channels`), "the reconcile runs once Rocket.Chat and its scripts exist");
                    assert.ok(channels.createTimeout !== "", "pulumi up waits for the reconcile");
                }
            });

            it("generates URI-safe passwords of 32 characters and a keyfile of 756 bytes, one per purpose", () => {
                const passwords = run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
                assert.deepEqual(passwords.map((r) => r.name).sort(), [...mongoRoles.map((role) => `${instance}-mongodb-${role}`), `${instance}-admin`].sort());
                for (const password of passwords) {
                    assert.deepEqual(password.inputs, { ...generatedPassword }, `${password.name}`);
                }
                const keyfile = run.resources.filter((r) => r.type === "random:index/randomBytes:RandomBytes");
                assert.deepEqual(keyfile.map((r) => [r.name, r.inputs]), [[`${instance}-mongodb-keyfile`, { length: keyfileBytes }]]);
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
                const built = platformBuild(stack, overrides, generatedIn(run), previous);
                assert.equal(run.outputs.url, `https://${built.settings.hostname}`);
                assert.equal(run.outputs.namespace, built.settings.namespace);
                assert.equal(run.outputs.adminSecret, `${instance}-admin`);
                assert.equal(run.outputs.keycloakClientId, built.settings.ssoEnabled ? built.settings.keycloakClientId : null);
                assert.equal(run.outputs.mongodbConnectionSecret, `${instance}-mongodb-connection`);
                assert.deepEqual(run.warnings, [], `${stack}: the program warned`);
                // Records what it deployed for the next run's guard; a first install declares no guard Job.
                assert.deepEqual(run.outputs.deployment, recordFor(instance, built.settings));
                assert.equal(run.resources.some((r) => r.name.startsWith(`${instance}-upgrade-guard`)), previous !== undefined);
            });
        });
    }
});

describe("index.ts refuses an unsafe upgrade before declaring anything", () => {
    it("a downgrade below the recorded versions stops preview and up before any Kubernetes object is declared", async () => {
        // index.ts's order is the subject: read the previous record, refuse, and only then build the platform.
        const error = await runStack("prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.10.0", mongodbImage: "mongo:7.0.26" }, { previousOutputs: { deployment: prodRecordOf3 } })
            .then(() => undefined, (e: any) => e);
        assert.ok(error, "refused");
        assert.match(error.message, /^Upgrade refused before anything changed/);
        const declared = (error.declaredResources as { type: string }[]).map((r) => r.type);
        assert.deepEqual(declared.filter((t) => t.startsWith("kubernetes:")), [], "no Kubernetes object");
        assert.ok(declared.includes("pulumi:pulumi:StackReference"), "the previous record was read");
    });
});

describe("ingressAwaitLoadBalancer reaches the registered Ingress", () => {
    const ingressAnnotations = (run: StackRun) => run.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress")!.inputs.metadata.annotations;

    it("false registers the Ingress with pulumi.com/skipAwait \"true\"; the default registers it without", async () => {
        assert.equal(ingressAnnotations(await stackRun("dev"))["pulumi.com/skipAwait"], undefined);
        assert.equal(ingressAnnotations(await runStack("dev", { ingressAwaitLoadBalancer: false }))["pulumi.com/skipAwait"], "true");
    });
});
