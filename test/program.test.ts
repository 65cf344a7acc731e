// The one program test per stack: index.ts, run under Pulumi's mock runtime,
// registers exactly what the builders return (test/support/platformBuild.ts):
// the same objects with the same inputs, under the same names, inside the
// same components, keeping exactly the data the README says destroy keeps,
// and exporting the outputs the README lists. Every other test reads the
// builders directly; this is where the wiring of the thin components is proven.
import { strict as assert } from "assert";
import { componentTypes, ComponentName } from "../components/componentTypes";
import { generatedPassword, keyfileBytes, MongoRole, mongoRoles } from "../components/credentialObjects";
import { credentialPlanFor, recordFor } from "../components/platform";
import { credentialIds, CredentialId, generationName, rotationWarnings } from "../components/credentialPlan";
import { guardJobNeeded } from "../components/upgrades/upgradeGuard";
import { keyfileRollTimeout } from "../components/mongodb/replicaSet";
import { Registration, runStack, StackRun } from "../tools/mockRuntime";
import { GeneratedValues, instance, kubernetesType, platformBuild, restoreCase } from "./support/platformBuild";
import { stackRun, stacks } from "./support/stacks";
import { settingsFor } from "./support/settings";
import { DeploymentRecord } from "../components/upgrades/deploymentRecord";

/** Every rotatable credential the guard does not use, raised from 0 to 1 (backup and restore stay). */
const rotateAll = {
    mongodbRootPasswordGeneration: 1, mongodbAppPasswordGeneration: 1, mongodbMonitoringPasswordGeneration: 1, mongodbKeyfileGeneration: 1, adminPasswordGeneration: 1,
};

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
    { label: "prod rotating root, app, monitoring, the keyfile and the admin password after a generation-0 run", stack: "prod", overrides: rotateAll, previous: prodRecordOf3 },
    { label: "test with every data opt-in: deleteDataOnDestroy and backupDeleteClaimOnDestroy", stack: "test", overrides: { deleteDataOnDestroy: true, backupDeleteClaimOnDestroy: true } },
];

/** The name a credential's random resource has at generation 0 (credentials.ts). */
const randomBaseOf = (id: CredentialId) => `${instance}-${id === "keyfile" ? "mongodb-keyfile" : id === "admin" ? "admin" : `mongodb-${id}`}`;

/** This case's credential plan (components/credentialPlan.ts). */
const planOf = (c: ProgramCase) => credentialPlanFor(settingsFor(c.stack, c.overrides), c.previous);

/** Whether the case changes versions or members, so the upgrade guard runs. */
const guardRuns = (c: ProgramCase) => guardJobNeeded(c.previous, recordFor(instance, settingsFor(c.stack, c.overrides), c.previous));

function runOf(c: ProgramCase): Promise<StackRun> {
    if (Object.keys(c.overrides).length === 0 && !c.previous) {
        return stackRun(c.stack);
    }
    return runStack(c.stack, c.overrides, c.previous ? { previousOutputs: { deployment: c.previous } } : {});
}

/** The values the mock runtime generated, read back by resource name (tools/mockRuntime.ts computedState) for the case's generations. */
function generatedIn(run: StackRun, c: ProgramCase): GeneratedValues {
    const computed = (key: string): string => {
        const value = run.computed.get(key);
        assert.ok(value !== undefined, `${run.stack}: the program declared no resource computing ${key}`);
        return value;
    };
    const plan = planOf(c).credentials;
    const at = (id: CredentialId, which: "current" | "previous", output: string) =>
        plan[id][which] === undefined ? undefined : computed(`${generationName(randomBaseOf(id), plan[id][which]!)}.${output}`);
    return {
        mongoPasswords: Object.fromEntries(mongoRoles.map((role) => [role, at(role, "current", "result")])) as Record<MongoRole, string>,
        keyfile: at("keyfile", "current", "base64")!,
        adminPassword: at("admin", "current", "result")!,
        keycloakClientSecret: run.computed.get(`${instance}-client.clientSecret`) ?? "",
        previous: {
            rootPassword: at("root", "previous", "result"),
            keyfile: at("keyfile", "previous", "base64"),
            adminPassword: at("admin", "previous", "result"),
        },
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

/** The registration a URN names (urn:pulumi:stack::project::A$B$type::name). */
function registrationOf(run: StackRun, urn: string): Registration | undefined {
    const parts = urn.split("::");
    const type = parts[2]?.split("$").pop();
    return run.registrations.find((r) => r.type === type && r.name === parts[3]);
}

/** A resource's dependencies and parents, transitively (the stack itself left out), as the engine's dependency graph walks them. */
function keptWith(run: StackRun, resource: Registration): Registration[] {
    const found = new Set<Registration>();
    const visit = (r: Registration) => {
        for (const urn of [...r.dependencies, r.parent].filter((u) => u && !u.endsWith(`::${run.stack}`) && !u.includes("::pulumi:pulumi:Stack::"))) {
            const next = registrationOf(run, urn);
            assert.ok(next, `${run.stack}: ${urn} was not registered`);
            if (!found.has(next)) {
                found.add(next);
                visit(next);
            }
        }
    };
    visit(resource);
    return [...found];
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
                const built = platformBuild(stack, overrides, generatedIn(run, programCase), previous);
                const expected = new Map(built.entries.map(({ object, patch }) => [key(kubernetesType(object, patch), object.metadata.name), plain(object)]));
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
                const built = platformBuild(stack, overrides, generatedIn(run, programCase), previous).keycloak;
                const registered = run.resources.filter((r) => r.type.startsWith("keycloak:"));
                assert.deepEqual(
                    registered.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })).sort((a, b) => a.name.localeCompare(b.name)),
                    built.map((r) => ({ type: r.type, name: r.name, inputs: plain(r.inputs) })).sort((a, b) => a.name.localeCompare(b.name)),
                );
            });

            it("each object inside the component its builder belongs to", () => {
                const built = platformBuild(stack, overrides, generatedIn(run, programCase), previous);
                const byKey = new Map(run.registrations.map((r) => [key(r.type, r.name), r]));
                for (const entry of built.entries) {
                    const registration = byKey.get(key(kubernetesType(entry.object, entry.patch), entry.object.metadata.name))!;
                    const ancestors = ancestorTypes(registration);
                    assert.equal(ancestors[ancestors.length - 1], componentTypes[entry.component].token,
                        `${stack}: ${entry.object.kind} ${entry.object.metadata.name} has parent ${registration.parent}, expected inside ${entry.component}`);
                }
            });

            it("destroy keeps exactly the namespace and the data claims (retainOnDelete), nothing else", () => {
                const built = platformBuild(stack, overrides, generatedIn(run, programCase), previous);
                const kept = run.registrations.filter((r) => r.retainOnDelete).map((r) => key(r.type, r.name)).sort();
                const expected = built.entries.filter((e) => e.retainOnDelete).map((e) => key(kubernetesType(e.object, e.patch), e.object.metadata.name)).sort();
                assert.deepEqual(kept, expected);
                const claimsKept = expected.filter((k) => k.includes(":PersistentVolumeClaim::"));
                if (built.settings.deleteDataOnDestroy && built.settings.backupDeleteClaimOnDestroy) {
                    assert.deepEqual(claimsKept, [], `${stack}: every data opt-in set, no claim is kept`);
                } else {
                    assert.ok(claimsKept.length > 0, `${stack}: some claim is kept`);
                }
                const marker = key(types.configMap, `${instance}-stack-identity`);
                assert.equal(kept.includes(marker), !built.settings.deleteDataOnDestroy, `${stack}: the stack-identity marker stays with the data`);
                const statefulSet = run.resources.find((r) => r.type === types.statefulSet)!;
                assert.deepEqual(statefulSet.inputs.spec.persistentVolumeClaimRetentionPolicy,
                    { whenDeleted: built.settings.deleteDataOnDestroy ? "Delete" : "Retain", whenScaled: "Retain" }, `${stack}: the members' data claims`);
            });

            it("the generated credentials outlive destroy as long as the data (protected), and depend on nothing in the cluster", () => {
                const built = platformBuild(stack, overrides, generatedIn(run, programCase), previous);
                const plan = planOf(programCase).credentials;
                const replacedNames = credentialIds.flatMap((id) => plan[id].previous === undefined ? [] : [generationName(randomBaseOf(id), plan[id].previous!)]);
                const generated = run.registrations.filter((r) => r.type.startsWith("random:"));
                assert.equal(generated.length, mongoRoles.length + 2 + replacedNames.length, `${stack}: five MongoDB passwords, the admin password, the keyfile, and each replaced generation once more`);
                for (const r of generated) {
                    // A replaced generation is declared unprotected so the next run may delete it.
                    const wanted = replacedNames.includes(r.name) ? false : !built.settings.deleteDataOnDestroy;
                    assert.equal(r.protect ?? false, wanted, `${stack}: ${r.name} protected unless deleteDataOnDestroy or replaced`);
                    assert.deepEqual(ancestorTypes(r).slice(-1), [componentTypes.Credentials.token], `${stack}: ${r.name} inside Credentials`);
                    // What `pulumi destroy --exclude-protected` keeps with it: its dependencies and
                    // parents, transitively (Pulumi cmd/pulumi/operations/destroy.go getProtectedExcludes).
                    const kept = keptWith(run, r).map((k) => k.type);
                    assert.deepEqual(kept.filter((type) => !type.startsWith("rocketchat-ha:")), [], `${stack}: ${r.name} keeps only its parent components in the state`);
                }
                assert.deepEqual(run.registrations.filter((r) => r.protect && !r.type.startsWith("random:")).map((r) => r.name), [], `${stack}: nothing else is protected`);
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
                const built = platformBuild(stack, overrides, generatedIn(run, programCase), previous);
                const bootstrapJob = registered(run, types.job, new RegExp(`^${instance}-mongodb-bootstrap-`));
                const deployment = registered(run, types.deployment, instance);
                const statefulSet = registered(run, types.statefulSet, `${instance}-mongodb`);
                const guardObject = (r: Registration) => r.name.startsWith(`${instance}-upgrade-guard`);
                if (built.settings.createNamespace) {
                    for (const r of kubernetes.filter((k) => k.type !== types.namespace && !guardObject(k))) {
                        assert.ok(waitsFor(r, types.namespace, built.settings.namespace), `${label}: ${r.type} ${r.name} waits for the namespace`);
                    }
                }
                // Nothing of the stack is applied over another stack's objects before the identity check passed.
                const identityCheck = registered(run, types.job, new RegExp(`^${instance}-stack-identity-[0-9a-f]{8}$`));
                for (const r of kubernetes.filter((k) => k.type !== types.namespace && k !== identityCheck)) {
                    assert.ok(waitsFor(r, types.job, identityCheck.name), `${label}: ${r.type} ${r.name} waits for the stack-identity check`);
                }
                assert.deepEqual(identityCheck.dependencies.filter((urn) => !waitsFor({ ...identityCheck, dependencies: [urn] }, types.namespace, built.settings.namespace)), [],
                    "the identity check waits for the namespace only");
                assert.ok(waitsFor(bootstrapJob, types.configMap, `${instance}-mongodb-bootstrap`), "the bootstrap Job waits for its script");
                assert.ok(waitsFor(deployment, types.job, bootstrapJob.name), "Rocket.Chat starts after the bootstrap (the users exist)");
                // Issue 24 finding 5: the FCV is raised only once every member runs the new image.
                const finalizeJob = registered(run, types.job, new RegExp(`^${instance}-mongodb-finalize-`));
                assert.ok(waitsFor(finalizeJob, types.statefulSet, statefulSet.name), "the finalize Job starts after the StatefulSet's rollout");
                assert.ok(waitsFor(finalizeJob, types.job, bootstrapJob.name), "the finalize Job starts after the bootstrap");
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
                if (guardRuns(programCase)) {
                    assert.ok(guardJob, "a change of members runs the upgrade guard");
                    assert.ok(waitsFor(statefulSet, types.job, guardJob.name) && waitsFor(deployment, types.job, guardJob.name), "both workloads wait for the guard");
                    // And the bootstrap: the guard's member removals and the bootstrap's reconfigs never run at once (issue 24 finding 6).
                    assert.deepEqual(kubernetes.filter((k) => waitsFor(k, types.job, guardJob.name)).map((k) => `${k.type} ${k.name}`).sort(),
                        [`${types.deployment} ${instance}`, `${types.job} ${bootstrapJob.name}`, `${types.statefulSet} ${instance}-mongodb`].sort(),
                        "only the two workloads and the bootstrap wait for the guard");
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

            it("generates URI-safe passwords of 32 characters and a keyfile of 756 bytes, one per purpose and generation; a replaced generation unprotected", () => {
                const plan = planOf(programCase).credentials;
                const named = (id: CredentialId) => [
                    generationName(randomBaseOf(id), plan[id].current),
                    ...(plan[id].previous === undefined ? [] : [generationName(randomBaseOf(id), plan[id].previous!)]),
                ];
                const passwords = run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
                assert.deepEqual(passwords.map((r) => r.name).sort(), [...mongoRoles.flatMap((role) => named(role)), ...named("admin")].sort());
                for (const password of passwords) {
                    assert.deepEqual(password.inputs, { ...generatedPassword }, `${password.name}`);
                }
                const keyfile = run.resources.filter((r) => r.type === "random:index/randomBytes:RandomBytes");
                assert.deepEqual(keyfile.map((r) => [r.name, r.inputs]).sort(), named("keyfile").map((name) => [name, { length: keyfileBytes }]).sort());
                // The previous generation is declared once more with protect off, so the run after the rotation may delete it.
                const previousNames = credentialIds.flatMap((id) => plan[id].previous === undefined ? [] : [generationName(randomBaseOf(id), plan[id].previous!)]);
                const protectedPrevious = run.registrations.filter((r) => r.type.startsWith("random:") && previousNames.includes(r.name) && r.protect !== false).map((r) => r.name);
                assert.equal(previousNames.length, programCase.overrides === rotateAll ? 5 : 0, "root, app, monitoring, keyfile and admin rotate in the rotation case");
                assert.deepEqual(protectedPrevious, [], "a replaced generation is not protected");
            });

            it("a keyfile change gives the members' rolling restart 30 minutes; otherwise the provider's default applies", () => {
                const statefulSet = registered(run, types.statefulSet, `${instance}-mongodb`);
                const expected = planOf(programCase).keyfileChanges ? keyfileRollTimeout : "";
                assert.deepEqual([statefulSet.createTimeout, statefulSet.updateTimeout], [expected, expected]);
            });

            it("keeps every generated value a Pulumi secret, and out of the outputs", () => {
                const generated = generatedIn(run, programCase);
                const values = [...Object.values(generated.mongoPasswords), generated.keyfile, generated.adminPassword, generated.keycloakClientSecret, ...Object.values(generated.previous ?? {})]
                    .filter((v): v is string => v !== undefined && v !== "");
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
                const built = platformBuild(stack, overrides, generatedIn(run, programCase), previous);
                assert.equal(run.outputs.url, `https://${built.settings.hostname}`);
                assert.equal(run.outputs.namespace, built.settings.namespace);
                assert.equal(run.outputs.adminSecret, `${instance}-admin`);
                assert.equal(run.outputs.keycloakClientId, built.settings.ssoEnabled ? built.settings.keycloakClientId : null);
                assert.equal(run.outputs.mongodbConnectionSecret, `${instance}-mongodb-connection`);
                // The only warning a stack may give: a keyfile rotation half done.
                assert.deepEqual(run.warnings, rotationWarnings(planOf(programCase)), `${stack}: the program warned`);
                // Records what it deployed for the next run's guard; a first install declares no guard Job.
                assert.deepEqual(run.outputs.deployment, recordFor(instance, built.settings, previous));
                assert.equal(run.resources.some((r) => r.name.startsWith(`${instance}-upgrade-guard`)), guardRuns(programCase));
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

    it("a lowered credential generation stops preview and up before any Kubernetes object is declared, naming the setting and the recorded generation", async () => {
        const error = await runStack("prod", { mongodbAppPasswordGeneration: 1 }, { previousOutputs: { deployment: { ...prodRecordOf3, credentialGenerations: { ...prodRecordOf3.credentialGenerations, app: 2 } } } })
            .then(() => undefined, (e: any) => e);
        assert.ok(error, "refused");
        assert.match(error.message, /rocketchat-ha:mongodbAppPasswordGeneration = 1: the last run deployed generation 2/);
        const declared = (error.declaredResources as { type: string }[]).map((r) => r.type);
        assert.deepEqual(declared.filter((t) => t.startsWith("kubernetes:") || t.startsWith("random:")), [], "no Kubernetes object, no random value");
    });
});

describe("ingressAwaitLoadBalancer reaches the registered Ingress", () => {
    const ingressAnnotations = (run: StackRun) => run.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress")!.inputs.metadata.annotations;

    it("false registers the Ingress with pulumi.com/skipAwait \"true\"; the default registers it without", async () => {
        assert.equal(ingressAnnotations(await stackRun("dev"))["pulumi.com/skipAwait"], undefined);
        assert.equal(ingressAnnotations(await runStack("dev", { ingressAwaitLoadBalancer: false }))["pulumi.com/skipAwait"], "true");
    });
});

describe("a Job that did not complete is run again by the next pulumi up (issue 24 finding 6)", () => {
    it("every Job the program runs to reconcile (bootstrap, finalize, guard, channels, identity check) carries pulumi.com/replaceUnready", async () => {
        const previous = recordFor("rocketchat", settingsFor("prod"));
        const run = await runStack("prod", { mongodbImage: "mongo:8.0.30" }, { previousOutputs: { deployment: previous } });
        const jobs = run.resources.filter((r) => r.type === "kubernetes:batch/v1:Job");
        const components = jobs.map((j) => j.inputs.metadata.labels["app.kubernetes.io/component"]).sort();
        assert.deepEqual(components, ["channels", "database-bootstrap", "database-finalize", "stack-identity", "upgrade-guard"]);
        for (const job of jobs) {
            // pulumi-kubernetes v4.25.0 provider.go Diff: a live Job not ready at the next diff is replaced.
            assert.equal(job.inputs.metadata.annotations?.["pulumi.com/replaceUnready"], "true", job.name);
        }
    });
});
