/**
 * The program under the real Pulumi engine (issue 14): CLI 3.248 from the Go
 * module proxy, the real pulumi-kubernetes provider against the project's
 * control plane (test/e2e/cluster.sh, kwok nodes), a local file backend with
 * the passphrase secrets provider. docs/engine-tests.md says which pieces are
 * real and which stand in. The steps build on each other (mocha bails).
 */
import { strict as assert } from "assert";
import * as yaml from "js-yaml";
import { getJson, kubectl, kubectlRaw, waitFor } from "../e2e/lib/kube";
import { layoutFromOutputs } from "../../tools/ops/stackLayout";
import { isRecordRead, opsOf, plannedSteps, programResources, typeAndName } from "./lib/engineSteps";
import { EngineProject } from "./lib/pulumiCli";
import { engineScenario } from "./lib/scenario";
import { previewWithPolicies } from "./lib/policyRun";
import { declaredResources, devConfig, prodWithoutSso } from "./lib/stacks";
import { assertNoWorkloadOutage, podsSeen, restartedPods, upWatchingWorkloads } from "./lib/workloadSafety";

const prod = prodWithoutSso();
const namespace = prod["rocketchat-ha:namespace"] as string;


/** A value of `pulumi stack export --show-secrets`: secrets come as {<sig>: <secret sig>, plaintext: "<JSON>"}. */
function plaintextOf(value: any): unknown {
    return value && typeof value === "object" && typeof value.plaintext === "string" ? JSON.parse(value.plaintext) : value;
}

/**
 * The resource changes of the stack's last update, without the unchanged
 * count and without the one read every run makes of the stack's own previous
 * record (the upgrade guard's StackReference); any other read is kept.
 */
async function lastUpdateChanges(project: EngineProject): Promise<Record<string, number>> {
    const history = JSON.parse((await project.ok(["stack", "history", "--stack", "prod", "--json"])).stdout);
    const { same, read, ...changes } = history[0].resourceChanges ?? {};
    return read === undefined || read === 1 ? changes : { ...changes, read };
}

/** The data of the Secrets that carry generated values, as the cluster holds them (base64). */
function secretData(): Record<string, Record<string, string>> {
    return Object.fromEntries(["rocketchat-mongodb-users", "rocketchat-mongodb-keyfile", "rocketchat-admin", "rocketchat-mongodb-connection"]
        .map((name) => [name, getJson(["secret", "-n", namespace, name]).data]));
}

/** Every generated value in the state (`stack export --show-secrets`), by resource name. */
async function generatedValues(project: EngineProject): Promise<Record<string, unknown>> {
    const plain = JSON.parse((await project.ok(["stack", "export", "--stack", "prod", "--show-secrets"])).stdout);
    return Object.fromEntries(plain.deployment.resources.filter((r: any) => r.type.startsWith("random:"))
        .map((r: any) => [r.urn.split("::").pop(), plaintextOf(r.outputs.result ?? r.outputs.base64)]));
}

/** The random resources in the state, by resource name, with their protect flag. */
async function randomResources(project: EngineProject): Promise<Record<string, { protect?: boolean }>> {
    const state = JSON.parse((await project.ok(["stack", "export", "--stack", "prod"])).stdout);
    return Object.fromEntries(state.deployment.resources.filter((r: any) => r.type.startsWith("random:index/"))
        .map((r: any) => [r.urn.split("::").pop(), { protect: r.protect }]));
}

/** A Secret's data as text. */
function decoded(name: string): Record<string, string> {
    const data: Record<string, string> = getJson(["secret", "-n", namespace, name]).data ?? {};
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

/** The keys of a keyfile: one key alone, or a YAML sequence of keys (MongoDB's format for a rotation). */
function keyfileKeys(text: string): string[] {
    const parsed = yaml.load(text);
    return (Array.isArray(parsed) ? parsed : [parsed]).map(String);
}

/** Names of the namespace's Jobs of one component (app.kubernetes.io/component). */
function jobNames(component: string): string[] {
    return getJson(["jobs", "-n", namespace, "-l", `app.kubernetes.io/component=${component}`]).items.map((j: any) => j.metadata.name);
}

function claimNames(): string[] {
    return getJson(["pvc", "-n", namespace]).items.map((c: any) => c.metadata.name).sort();
}

/** Objects of ours left in the namespace, by kind (what Kubernetes itself puts in every namespace left out). */
function objectsLeft(): Record<string, string[]> {
    const left: Record<string, string[]> = {};
    for (const kind of ["deployments", "statefulsets", "cronjobs", "jobs", "services", "configmaps", "secrets", "ingresses", "networkpolicies",
        "poddisruptionbudgets", "horizontalpodautoscalers", "serviceaccounts", "roles", "rolebindings"]) {
        const names = getJson([kind, "-n", namespace]).items.map((o: any) => o.metadata.name)
            .filter((n: string) => !(kind === "configmaps" && n === "kube-root-ca.crt") && !(kind === "serviceaccounts" && n === "default"));
        if (names.length) {
            left[kind] = names;
        }
    }
    return left;
}

/** What step 7a remembered before destroying: the Secrets' data and the generated values. */
let keptBefore: { secrets: Record<string, Record<string, string>>; generated: Record<string, unknown> };

describe("the program under the real Pulumi engine", function () {
    const project = engineScenario({ nodePrefix: "engine", nodes: 6, stacks: { dev: ["dev", devConfig()], prod: ["prod", prod] } });

    it("1. previews dev and the prod-shaped stack with every resource the program declares", async function () {
        for (const [stack, config] of [["dev", devConfig()], ["prod", prod]] as const) {
            const steps = programResources(await plannedSteps(project, stack));
            // Everything is created, except the read of the stack's own previous
            // deployment record (the upgrade guard's StackReference, components/upgrades/deploymentRecord.ts).
            assert.ok(steps.every((s) => s.op === "create" || isRecordRead(s)), `${stack}: a first preview only creates: ${opsOf(steps.filter((s) => s.op !== "create")).join(", ")}`);
            assert.deepEqual(steps.map((s) => typeAndName(s.urn)).sort(), await declaredResources(stack, config),
                `${stack}: the engine plans exactly what the mock runtime saw declared`);
        }
    });

    it("2. `pulumi up` of prod completes; workloads reach what the provider awaits; dependants wait for the bootstrap", async function () {
        const events = project.eventLog("up-1");
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview", "--event-log", events]);
        for (const d of getJson(["deployments", "-n", namespace]).items) {
            assert.equal(d.status.availableReplicas, d.status.replicas, `Deployment ${d.metadata.name} available`);
        }
        for (const s of getJson(["statefulsets", "-n", namespace]).items) {
            assert.equal(s.status.readyReplicas, s.spec.replicas, `StatefulSet ${s.metadata.name} ready`);
        }
        const jobs = getJson(["jobs", "-n", namespace]).items;
        assert.ok(jobs.length > 0, "the bootstrap Job exists");
        for (const j of jobs) {
            assert.ok((j.status.succeeded ?? 0) >= 1, `Job ${j.metadata.name} completed`);
        }
        // Order: what depends on the bootstrap Job (state `dependencies`) is
        // created only after the engine has the Job's outputs, i.e. after the
        // provider saw it complete.
        const state = JSON.parse((await project.ok(["stack", "export", "--stack", "prod"])).stdout);
        const bootstrap = state.deployment.resources.find((r: any) => r.type === "kubernetes:batch/v1:Job" && /-bootstrap-/.test(r.urn));
        assert.ok(bootstrap, "a bootstrap Job in the state");
        const dependants = state.deployment.resources.filter((r: any) => (r.dependencies ?? []).includes(bootstrap.urn)).map((r: any) => r.urn);
        assert.ok(dependants.length > 0, "the program makes something wait for the bootstrap");
        const log = EngineProject.readEvents(events);
        const at = (kind: string, urn: string) => log.findIndex((e) => e[kind]?.metadata?.urn === urn);
        const bootstrapDone = at("resOutputsEvent", bootstrap.urn);
        assert.ok(bootstrapDone >= 0, "the engine logged the bootstrap Job's outputs");
        for (const urn of dependants) {
            assert.ok(at("resourcePreEvent", urn) > bootstrapDone, `${typeAndName(urn)} starts after the bootstrap Job completed`);
        }
    });

    it("3. a second `pulumi up` changes nothing", async function () {
        const steps = await plannedSteps(project, "prod");
        assert.deepEqual(opsOf(steps), []);
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        assert.deepEqual(await lastUpdateChanges(project), {}, "the update itself changed nothing");
    });

    it("4a. a Rocket.Chat CPU request change updates the Deployment in place (a rolling update), nothing else", async function () {
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:rocketchatCpuRequest", "600m"]);
        assert.deepEqual(opsOf(await plannedSteps(project, "prod")), ["update kubernetes:apps/v1:Deployment::rocketchat"]);
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        const d = getJson(["deployment", "-n", namespace, "rocketchat"]);
        assert.equal(d.spec.template.spec.containers[0].resources.requests.cpu, "600m");
        assert.equal(d.status.updatedReplicas, d.status.replicas, "the rollout finished");
    });

    it("4b. a backup resource change updates the backup CronJobs' job templates in place, nothing is replaced", async function () {
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:backupMemoryRequest", "768Mi"]);
        const ops = opsOf(await plannedSteps(project, "prod"));
        assert.ok(ops.length > 0 && ops.every((op) => op.startsWith("update kubernetes:batch/v1:CronJob::")), `only CronJob updates, got ${ops.join(", ")}`);
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        for (const c of getJson(["cronjobs", "-n", namespace]).items) {
            const requests = c.spec.jobTemplate.spec.template.spec.containers[0].resources.requests;
            assert.equal(requests.memory, "768Mi", `CronJob ${c.metadata.name}`);
        }
    });

    it("4c. a channel change runs a new channels Job (its name carries a digest), updates the list's ConfigMap in place and removes the old Job", async function () {
        const oldJobs = jobNames("channels");
        assert.equal(oldJobs.length, 1, "one channels Job");
        await project.ok(["config", "set", "--stack", "prod", "--path", "rocketchat-ha:channels[0].topic", "Company-wide news, questions and answers"]);
        const ops = opsOf(await plannedSteps(project, "prod"));
        // kubernetes:enableConfigMapMutable (Pulumi.yaml, components/kubernetesProviderConfig.ts):
        // the fixed-name ConfigMap is updated, not deleted and re-created; the Job is new by name.
        assert.ok(ops.some((op) => /^create kubernetes:batch\/v1:Job::rocketchat-channels-/.test(op)), ops.join(", "));
        assert.ok(ops.includes("update kubernetes:core/v1:ConfigMap::rocketchat-channels"), ops.join(", "));
        assert.ok(!ops.some((op) => /^replace /.test(op)), `nothing is replaced: ${ops.join(", ")}`);
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        const jobs = getJson(["jobs", "-n", namespace, "-l", "app.kubernetes.io/component=channels"]).items;
        assert.deepEqual(jobs.map((j: any) => j.metadata.name).filter((n: string) => oldJobs.includes(n)), [], "the old channels Job is gone");
        assert.equal(jobs.length, 1);
        assert.ok((jobs[0].status.succeeded ?? 0) >= 1, "the new channels Job completed");
    });

    it("4d. raising the root, app, keyfile and admin generations rotates them: new values beside the old, unprotected, in one run; both keys in the keyfile", async function () {
        const before = await generatedValues(project);
        const bootstrapsBefore = jobNames("database-bootstrap");
        const channelsBefore = jobNames("channels");
        for (const setting of ["mongodbRootPasswordGeneration", "mongodbAppPasswordGeneration", "mongodbKeyfileGeneration", "adminPasswordGeneration"]) {
            await project.ok(["config", "set", "--stack", "prod", `rocketchat-ha:${setting}`, "1"]);
        }
        // Issue 31: the credential Secrets change in place; nothing that reads them is replaced.
        const planned = opsOf(await plannedSteps(project, "prod"));
        for (const secret of ["rocketchat-mongodb-users", "rocketchat-mongodb-keyfile", "rocketchat-admin", "rocketchat-mongodb-connection"]) {
            assert.ok(planned.includes(`update kubernetes:core/v1:Secret::${secret}`), `${secret} is updated in place: ${planned.join(", ")}`);
        }
        assert.deepEqual(planned.filter((op) => op.startsWith("replace ")), [], "the preview replaces nothing");
        const run = await upWatchingWorkloads(project, "prod", namespace, "rotate-1");
        assertNoWorkloadOutage(run, "rotating root, app, keyfile and admin");
        assert.deepEqual(restartedPods(run.observed["StatefulSet/rocketchat-mongodb"]), ["rocketchat-mongodb-0", "rocketchat-mongodb-1", "rocketchat-mongodb-2"],
            "every member restarted (rolling), for the new keyfile");
        assert.ok(run.steps.includes("update Deployment::rocketchat"), `Rocket.Chat rolls for the new connection string and admin password: ${run.steps.join(", ")}`);
        const chatPods = getJson(["deployment", "-n", namespace, "rocketchat"]).spec.replicas;
        assert.ok(podsSeen(run.observed["Deployment/rocketchat"]).length > chatPods, "new Rocket.Chat pods replaced the old ones, one at a time");
        // components/credentialPlan.ts rotationWarnings: a keyfile rotation takes two runs.
        assert.match(run.output, /run `?pulumi up`? again/i, "the first run says the keyfile rotation is half done");

        const state = await randomResources(project);
        for (const base of ["rocketchat-mongodb-root", "rocketchat-mongodb-app", "rocketchat-mongodb-keyfile", "rocketchat-admin"]) {
            assert.equal(state[base]?.protect ?? false, false, `${base}: the replaced generation, unprotected so the next run may delete it`);
            assert.equal(state[`${base}-g1`]?.protect, true, `${base}-g1: the new generation, protected`);
        }
        assert.equal(state["rocketchat-mongodb-backup"]?.protect, true, "an unrotated credential keeps its generation-0 value");
        const generated = await generatedValues(project);
        for (const base of ["rocketchat-mongodb-root", "rocketchat-mongodb-app", "rocketchat-mongodb-keyfile", "rocketchat-admin"]) {
            assert.equal(generated[base], before[base], `${base}: the previous value is kept as it was`);
            assert.notEqual(generated[`${base}-g1`], before[base], `${base}-g1 is a new value`);
        }

        const users = decoded("rocketchat-mongodb-users");
        assert.equal(users["app-username"], "rocketchat-g1", "consumers get the new generation's user");
        assert.equal(users["app-password"], generated["rocketchat-mongodb-app-g1"]);
        assert.equal(users["root-username"], "root", "root keeps its name (the image created it)");
        assert.equal(users["root-password"], generated["rocketchat-mongodb-root-g1"]);
        assert.equal(users["root-password-previous"], before["rocketchat-mongodb-root"], "the bootstrap may still log in with the previous root password");
        assert.equal(users["backup-password"], before["rocketchat-mongodb-backup"], "the backup user is untouched");
        // MongoDB's keyfile format for a rotation: a YAML sequence, the key members send first first.
        const admin = decoded("rocketchat-admin");
        assert.equal(admin.password, generated["rocketchat-admin-g1"]);
        assert.equal(admin["previous-password"], before["rocketchat-admin"], "the channels Job may still log in with the previous admin password");
        const channels = jobNames("channels");
        assert.ok(channels.length === 1 && !channelsBefore.includes(channels[0]), `a new channels Job changes the admin password (${channelsBefore} -> ${channels})`);
        const keys = keyfileKeys(decoded("rocketchat-mongodb-keyfile").keyfile);
        assert.deepEqual(keys, [before["rocketchat-mongodb-keyfile"], generated["rocketchat-mongodb-keyfile-g1"]], "both keys, the previous first");

        const members = getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]);
        assert.match(members.spec.template.metadata.annotations?.["rocketchat-ha.io/credential-generations"] ?? "", /keyfile=/, "the members roll to read the new keyfile");
        assert.equal(members.status.updatedReplicas, members.spec.replicas, "the rolling restart finished");
        assert.equal(members.status.updateRevision, members.status.currentRevision, "every member runs the new template");
        const bootstraps = jobNames("database-bootstrap");
        assert.ok(bootstraps.some((n) => !bootstrapsBefore.includes(n)), `a new bootstrap Job ran (${bootstraps.join(", ")})`);
        const record = JSON.parse((await project.ok(["stack", "output", "--stack", "prod", "--json"])).stdout).deployment;
        const recorded = record.credentialGenerations;
        assert.deepEqual([recorded.root, recorded.app, recorded.keyfile, recorded.admin, recorded.backup, record.keyfilePhase], [1, 1, 1, 1, 0, "both"]);
    });

    it("4e. the next `pulumi up` finishes: the replaced values are deleted, one key is left, the members roll once more; a third changes nothing", async function () {
        const rotated = await generatedValues(project);
        const run = await upWatchingWorkloads(project, "prod", namespace, "rotate-2");
        assertNoWorkloadOutage(run, "finishing the keyfile rotation");
        assert.deepEqual(restartedPods(run.observed["StatefulSet/rocketchat-mongodb"]), ["rocketchat-mongodb-0", "rocketchat-mongodb-1", "rocketchat-mongodb-2"],
            "every member restarted once more (rolling), for the keyfile with the new key alone");
        const state = await randomResources(project);
        assert.deepEqual(Object.keys(state).filter((n) => !/-g1$/.test(n)).sort(), ["rocketchat-mongodb-backup", "rocketchat-mongodb-monitoring", "rocketchat-mongodb-restore"],
            "the replaced generations are gone; unrotated credentials keep generation 0");
        assert.ok(Object.values(state).every((r) => r.protect === true), "every value left is protected");
        assert.deepEqual(keyfileKeys(decoded("rocketchat-mongodb-keyfile").keyfile), [rotated["rocketchat-mongodb-keyfile-g1"]], "the new key alone");
        const users = decoded("rocketchat-mongodb-users");
        assert.equal(users["root-password-previous"], undefined, "no previous root password outside a rotation run");
        assert.equal(users["app-username"], "rocketchat-g1");
        assert.equal(decoded("rocketchat-admin")["previous-password"], undefined, "no previous admin password outside a rotation run");
        const members = getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]);
        assert.equal(members.status.updatedReplicas, members.spec.replicas, "the second rolling restart finished");
        const record = JSON.parse((await project.ok(["stack", "output", "--stack", "prod", "--json"])).stdout).deployment;
        assert.equal(record.keyfilePhase, "single");
        assert.deepEqual(opsOf(await plannedSteps(project, "prod")), [], "a third run plans nothing");
    });

    it("4f. rotating the backup, restore and monitoring users updates the users Secret in place and rolls only the exporter", async function () {
        for (const setting of ["mongodbBackupPasswordGeneration", "mongodbRestorePasswordGeneration", "mongodbMonitoringPasswordGeneration"]) {
            await project.ok(["config", "set", "--stack", "prod", `rocketchat-ha:${setting}`, "1"]);
        }
        const planned = opsOf(await plannedSteps(project, "prod"));
        assert.ok(planned.includes("update kubernetes:core/v1:Secret::rocketchat-mongodb-users"), planned.join(", "));
        assert.deepEqual(planned.filter((op) => op.startsWith("replace ")), [], "the preview replaces nothing");
        const run = await upWatchingWorkloads(project, "prod", namespace, "rotate-service-users");
        assertNoWorkloadOutage(run, "rotating the backup, restore and monitoring users");
        assert.deepEqual(restartedPods(run.observed["StatefulSet/rocketchat-mongodb"]), [], "no member restarts: they do not read these users");
        const users = decoded("rocketchat-mongodb-users");
        assert.deepEqual([users["backup-username"], users["restore-username"], users["monitoring-username"]], ["backup-g1", "restore-g1", "monitoring-g1"]);
        // The previous users are dropped by the next run (credentialPlan.ts); finish the rotation.
        const finish = await upWatchingWorkloads(project, "prod", namespace, "rotate-service-users-2");
        assertNoWorkloadOutage(finish, "finishing the service users' rotation");
    });

    it("4g. growing from 3 to 5 members updates the StatefulSet and the connection Secret in place; no member restarts, Rocket.Chat rolls", async function () {
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:mongodbMembers", "5"]);
        const planned = opsOf(await plannedSteps(project, "prod"));
        assert.ok(planned.includes("update kubernetes:apps/v1:StatefulSet::rocketchat-mongodb"), planned.join(", "));
        assert.ok(planned.includes("update kubernetes:core/v1:Secret::rocketchat-mongodb-connection"), planned.join(", "));
        assert.deepEqual(planned.filter((op) => op.startsWith("replace ")), [], "the preview replaces nothing");
        const run = await upWatchingWorkloads(project, "prod", namespace, "members-5", { "StatefulSet/rocketchat-mongodb": 3 });
        assertNoWorkloadOutage(run, "growing to 5 members");
        assert.deepEqual(restartedPods(run.observed["StatefulSet/rocketchat-mongodb"]), [], "the three members keep running");
        const members = getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]);
        assert.equal(members.status.readyReplicas, 5, "five members ready");
        assert.match(decoded("rocketchat-mongodb-connection")["mongo-url"], /rocketchat-mongodb-4\./, "the connection string names the new members");
        assert.ok(run.steps.includes("update Deployment::rocketchat"), `Rocket.Chat rolls for the new connection string: ${run.steps.join(", ")}`);
    });

    it("4h. shrinking back to 3 members (with mongodbAllowMemberRemoval) updates in place; the remaining members keep running", async function () {
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:mongodbMembers", "3"]);
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:mongodbAllowMemberRemoval", "true"]);
        const planned = opsOf(await plannedSteps(project, "prod"));
        assert.deepEqual(planned.filter((op) => op.startsWith("replace ")), [], `the preview replaces nothing: ${planned.join(", ")}`);
        // Held to the 3 members that stay: the 2 departing ones (already removed from the
        // replica set by the upgrade guard) go together under podManagementPolicy Parallel.
        const run = await upWatchingWorkloads(project, "prod", namespace, "members-3", { "StatefulSet/rocketchat-mongodb": 3 });
        assertNoWorkloadOutage(run, "shrinking to 3 members");
        assert.deepEqual(restartedPods(run.observed["StatefulSet/rocketchat-mongodb"]), [], "members 0-2 keep running");
        assert.equal(getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]).status.readyReplicas, 3);
        // Scaling down keeps the removed members' volumes (whenScaled: Retain); the operator deletes them once sure.
        const removed = claimNames().filter((n) => /mongodb-[34]$/.test(n));
        assert.equal(removed.length, 2, `the removed members' volumes are kept: ${claimNames().join(", ")}`);
        kubectlRaw(["delete", "pvc", "-n", namespace, ...removed]);
        await project.ok(["config", "rm", "--stack", "prod", "rocketchat-ha:mongodbAllowMemberRemoval"]);
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview"]);
    });

    it("4i. a shrink or a change that would replace a claim is refused by preview and up before anything changes", async function () {
        const statefulSetUid = getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]).metadata.uid;
        // Both through preview (the pull-request check); the first through up too. Each refused run takes about 35 s here.
        for (const [setting, value, back, alsoUp] of [["mongodbStorageSize", "50Gi", "100Gi", true], ["uploadsStorageClass", "cephfs", "nfs-rwx", false]] as const) {
            await project.ok(["config", "set", "--stack", "prod", `rocketchat-ha:${setting}`, value]);
            try {
                for (const command of alsoUp ? [["preview"], ["up", "--yes", "--skip-preview"]] : [["preview"]]) {
                    const res = await project.run([...command, "--stack", "prod"]);
                    assert.notEqual(res.code, 0, `${command[0]} refuses ${setting} = ${value}`);
                    assert.match(res.stdout + res.stderr, new RegExp(`Upgrade refused before anything changed[\\s\\S]*rocketchat-ha:${setting} = "${value}"`));
                }
            } finally {
                await project.ok(["config", "set", "--stack", "prod", `rocketchat-ha:${setting}`, back]);
            }
        }
        assert.equal(getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]).metadata.uid, statefulSetUid, "the StatefulSet is untouched");
        assert.deepEqual(opsOf(await plannedSteps(project, "prod")), [], "set back, nothing to do");
    });

    it("4j. this change's new keys on the running stack: a platform switch and a provider option turned off are refused by preview; ssoAllowSwitch alone plans nothing", async function () {
        /** Sets `values` for one block, then removes them (none is in the stack file). */
        const withConfig = async (values: Record<string, string>, block: () => Promise<void>) => {
            for (const [key, value] of Object.entries(values)) {
                await project.ok(["config", "set", "--stack", "prod", key, value]);
            }
            try {
                await block();
            } finally {
                for (const key of Object.keys(values)) {
                    await project.ok(["config", "rm", "--stack", "prod", key]);
                }
            }
        };
        const refusedPreview = async (pattern: RegExp) => {
            const res = await project.run(["preview", "--stack", "prod"]);
            assert.notEqual(res.code, 0, "refused");
            assert.match(res.stdout + res.stderr, pattern);
        };
        // components/upgrades/platformSwitches.ts, from the record the first up wrote.
        await withConfig({ "rocketchat-ha:platform": "openshift", "rocketchat-ha:fixedUids": "false" },
            () => refusedPreview(/Upgrade refused before anything changed[\s\S]*rocketchat-ha:platform = "openshift"/));
        // components/kubernetesProviderConfig.ts: a stack's own value overrides Pulumi.yaml's.
        await withConfig({ "kubernetes:enableSecretMutable": "false" }, () => refusedPreview(/kubernetes:enableSecretMutable = "false": must be true/));
        await withConfig({ "rocketchat-ha:ssoAllowSwitch": "true" }, async () => {
            assert.deepEqual(opsOf(await plannedSteps(project, "prod")), [], "the opt-in alone changes nothing");
        });
    });

    it("4k. growing mongodbStorageSize grows every member's claim in place (same pods, same StatefulSet); a class without expansion is refused at the claims first", async function () {
        const memberPods = () => Object.fromEntries(getJson(["pods", "-n", namespace, "-l", "app.kubernetes.io/component=database"]).items
            .map((p: any) => [p.metadata.name, p.metadata.uid]));
        const claims = () => Object.fromEntries(getJson(["pvc", "-n", namespace, "-l", "app.kubernetes.io/name=mongodb"]).items
            .map((c: any) => [c.metadata.name, `${c.spec.resources.requests.storage}/${c.status.capacity?.storage}`]));
        const recordedSize = async () => JSON.parse((await project.ok(["stack", "output", "deployment", "--json", "--stack", "prod"])).stdout).data.mongodbStorage.size;
        const podsBefore = memberPods();
        const statefulSetUid = getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]).metadata.uid;
        assert.equal(Object.keys(podsBefore).length, 3);

        // The bad day first: the class does not allow expansion. The apiserver refuses each claim's patch.
        kubectl(["patch", "storageclass", "fast-ssd", "--type=merge", "-p", JSON.stringify({ allowVolumeExpansion: false })]);
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:mongodbStorageSize", "150Gi"]);
        const refused = await project.run(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        assert.notEqual(refused.code, 0, "up fails at the claims");
        assert.match(refused.stdout + refused.stderr, /only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize/);
        assert.deepEqual(Object.values(claims()), ["100Gi/100Gi", "100Gi/100Gi", "100Gi/100Gi"], "no claim changed");
        assert.equal(await recordedSize(), "100Gi", "the record keeps the size the claims have");

        // Made expandable, the same `up` grows them; nothing restarts.
        kubectl(["patch", "storageclass", "fast-ssd", "--type=merge", "-p", JSON.stringify({ allowVolumeExpansion: true })]);
        const events = project.eventLog("grow");
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview", "--event-log", events]);
        const ops = EngineProject.readEvents(events).filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.op !== "same")
            .map((e) => `${e.resourcePreEvent.metadata.op} ${typeAndName(e.resourcePreEvent.metadata.urn)}`).filter((op) => !op.startsWith("read ")).sort();
        // Beside the patches only the restore test's scratch size (it follows the database size), if the refused run
        // stopped before updating it.
        assert.deepEqual(ops.filter((op) => op !== "update kubernetes:batch/v1:CronJob::rocketchat-backup-verify"),
            [0, 1, 2].map((i) => `update kubernetes:core/v1:PersistentVolumeClaimPatch::data-rocketchat-mongodb-${i}`), "only the claims' patches change");
        await waitFor("the resizer to finish", () => Object.values(claims()).every((c) => c === "150Gi/150Gi"), 30_000);
        assert.deepEqual(memberPods(), podsBefore, "the same member pods (UIDs): nothing restarted");
        assert.equal(getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]).metadata.uid, statefulSetUid, "the same StatefulSet");
        assert.equal(await recordedSize(), "150Gi");
        assert.deepEqual(opsOf(await plannedSteps(project, "prod")), [], "a third run plans nothing");
    });

    it("5. the state (checkpoints, history, backups) holds no generated password or keyfile in plain text", async function () {
        const plain = JSON.parse((await project.ok(["stack", "export", "--stack", "prod", "--show-secrets"])).stdout);
        const generated: string[] = plain.deployment.resources
            .filter((r: any) => r.type.startsWith("random:"))
            .flatMap((r: any) => ["result", "bcryptHash", "base64", "hex"].map((k) => plaintextOf(r.outputs[k])).filter((v) => typeof v === "string"));
        assert.ok(generated.length >= 7, `the passwords and the keyfile were generated (${generated.length} values)`);
        const raw = project.backendText();
        for (const value of generated) {
            assert.ok(!raw.includes(value), "a generated value appears in plain text in the state");
            assert.ok(!raw.includes(Buffer.from(value).toString("base64")), "a generated value appears base64-encoded in the state");
        }
    });

    it("6. the policy pack runs on the real analyzer with each stack's levels, and fails a broken stack with our message", async function () {
        const passing = await previewWithPolicies(project, "prod", "prod");
        assert.equal(passing.code, 0, `prod passes its mandatory policies:\n${passing.stdout.slice(-4000)}\n${passing.stderr.slice(-2000)}`);
        assert.match(passing.stdout, /Policies:[\s\S]*rocketchat-ha@v\d/, "the pack loaded on the analyzer");

        const advisory = await previewWithPolicies(project, "dev", "dev");
        assert.equal(advisory.code, 0, `dev's findings are advisory:\n${advisory.stdout.slice(-4000)}`);
        assert.match(advisory.stdout, /advisory/);
        assert.match(advisory.stdout, /ha-pod-anti-affinity/);

        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:podAntiAffinity", "preferred"]);
        try {
            const broken = await previewWithPolicies(project, "prod", "prod");
            assert.notEqual(broken.code, 0, "preferred anti-affinity fails prod's preview");
            assert.match(broken.stdout, /mandatory/);
            assert.match(broken.stdout, /ha-pod-anti-affinity/);
            assert.match(broken.stdout, /requiredDuringSchedulingIgnoredDuringExecution with topologyKey kubernetes\.io\/hostname/);
        } finally {
            await project.ok(["config", "rm", "--stack", "prod", "rocketchat-ha:podAntiAffinity"]);
        }
    });

    it("8. `pulumi stack output --json` gives README's outputs, naming what the ops command's layout and the cluster have", async function () {
        const outputs = JSON.parse((await project.ok(["stack", "output", "--stack", "prod", "--json"])).stdout);
        assert.deepEqual(Object.keys(outputs).sort(), ["adminSecret", "backupArchivePrefix", "backupClaim", "backupCronJob", "backupRunAsUser", "backupSchedule",
            "backupVerifyCronJob", "backupVerifySchedule", "channelsJob", "deployment", "keycloakClientId", "mongodbConnectionSecret", "mongodbDatabase",
            "mongodbImage", "mongodbMemberHosts", "mongodbReplicaSet", "mongodbStatefulSet", "mongodbUsersSecret", "namespace", "rocketchatEnforcedSettings", "url"]);
        // The upgrade guard's record of what this run deployed (README, "Upgrades").
        assert.match(String(outputs.deployment?.mongodbVersion), /^\d+\.\d+\.\d+/);
        assert.equal(outputs.namespace, namespace);
        assert.equal(outputs.url, `https://${prod["rocketchat-ha:hostname"]}`);
        assert.equal(outputs.keycloakClientId, null, "no SSO in this stack");
        for (const [kind, name] of [["secret", outputs.adminSecret], ["secret", outputs.mongodbConnectionSecret], ["cronjob", outputs.backupCronJob],
            ["pvc", outputs.backupClaim], ["job", outputs.channelsJob]]) {
            assert.equal(kubectlRaw(["-n", namespace, "get", kind, name]).code, 0, `${kind} ${name} exists`);
        }
        // The ops command reads these outputs (docs/ops.md); what they name exists in the cluster.
        const layout = layoutFromOutputs("prod", outputs);
        assert.equal(layout.namespace, outputs.namespace);
        assert.equal(layout.backup?.claimName, outputs.backupClaim);
        assert.equal(kubectlRaw(["-n", namespace, "get", "secret", layout.users.secret]).code, 0, "the users Secret ops reads exists");
        assert.equal(kubectlRaw(["-n", namespace, "get", "statefulset", layout.mongodb.statefulSet]).code, 0, "the StatefulSet ops inspects exists");
        assert.equal(kubectlRaw(["-n", namespace, "get", "cronjob", layout.backup!.verifyCronJob]).code, 0, "the restore-test CronJob ops reads exists");
    });

    // Issue 19: kept data stays usable, because the credentials that open it are kept too.
    it("7a. plain `pulumi destroy` keeps data and credentials and ends with Pulumi's protect error; `--exclude-protected` then exits 0", async function () {
        keptBefore = { secrets: secretData(), generated: await generatedValues(project) };
        assert.equal(Object.keys(keptBefore.generated).length, 7, "five MongoDB passwords, the admin password, the keyfile");
        const claimsBefore = claimNames();

        const plain = await project.run(["destroy", "--stack", "prod", "--yes", "--skip-preview"]);
        assert.notEqual(plain.code, 0, "plain destroy exits non-zero");
        // PULUMI/resource/deploy/step.go deleteProtectedError, reported for each protected resource.
        assert.match(plain.stdout + plain.stderr, /cannot be deleted\s+because it is protected/);

        const excluding = await project.ok(["destroy", "--stack", "prod", "--yes", "--skip-preview", "--exclude-protected"]);
        assert.match(excluding.stdout, /There (are still|were no unprotected resources to destroy\. There are still) \d+ protected resources/);

        // The state keeps the generated values and only what they hang on: their parents and their provider.
        const state = JSON.parse((await project.ok(["stack", "export", "--stack", "prod"])).stdout).deployment.resources;
        const left = state.map((r: any) => r.type).sort();
        assert.deepEqual(left.filter((t: string) => !t.startsWith("random:index/")), ["pulumi:providers:random", "pulumi:pulumi:Stack", "rocketchat-ha:credentials:Credentials", "rocketchat-ha:index:Platform"],
            `only the generated values' parents and provider stay: ${left.join(", ")}`);
        assert.equal(left.filter((t: string) => t.startsWith("random:index/")).length, 7);
        assert.ok(state.filter((r: any) => r.type.startsWith("random:")).every((r: any) => r.protect === true), "still protected");
        // The Stack stays (a parent), and with it its outputs: the next up's upgrade guard still reads what was deployed.
        const outputs = JSON.parse((await project.ok(["stack", "output", "--stack", "prod", "--json"])).stdout);
        assert.match(String(outputs.deployment?.mongodbVersion), /^\d+\.\d+\.\d+/, `the deployment record stays: ${JSON.stringify(outputs).slice(0, 300)}`);

        // The cluster keeps the data: namespace, every claim, the stack-identity marker; nothing else of ours.
        assert.equal(kubectlRaw(["get", "namespace", namespace]).code, 0, "the namespace is retained");
        assert.deepEqual(claimNames(), claimsBefore, "every claim is retained (MongoDB members, uploads, backup)");
        assert.equal(claimsBefore.filter((n) => /mongodb/.test(n) && !/backup/.test(n)).length, 3, `three MongoDB member volumes (${claimsBefore.join(", ")})`);
        assert.ok(claimsBefore.some((n) => /uploads/.test(n)) && claimsBefore.some((n) => /backup/.test(n)), claimsBefore.join(", "));
        const marker = getJson(["configmap", "-n", namespace, "rocketchat-stack-identity"]);
        assert.equal(marker.data.stack, "organization/rocketchat-ha/prod", "the marker names the stack (DIY backend organization)");
        assert.deepEqual(objectsLeft(), { configmaps: ["rocketchat-stack-identity"] }, "nothing else of ours is left");
    });

    it("7b. `pulumi up` after that re-creates the Secrets byte-identical, creates no generated value, and the bootstrap completes", async function () {
        const steps = programResources(await plannedSteps(project, "prod"));
        assert.deepEqual(steps.filter((s) => s.urn.includes("::random:")).map((s) => `${s.op} ${typeAndName(s.urn)}`).filter((op) => !op.startsWith("same ")), [],
            "the generated values stay as they are");
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        assert.deepEqual(await generatedValues(project), keptBefore.generated, "the same generated values");
        assert.deepEqual(secretData(), keptBefore.secrets, "the Secrets hold byte-identical data");
        const jobs = getJson(["jobs", "-n", namespace]).items;
        for (const name of ["rocketchat-mongodb-bootstrap-", "rocketchat-stack-identity-"]) {
            const job = jobs.find((j: any) => j.metadata.name.startsWith(name));
            assert.ok(job && (job.status.succeeded ?? 0) >= 1, `Job ${name}... completed`);
        }
    });

    it("7c. with deleteDataOnDestroy (and backupDeleteClaimOnDestroy) `pulumi up` unprotects the values and `pulumi destroy` deletes the data; the namespace stays", async function () {
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:deleteDataOnDestroy", "true"]);
        await project.ok(["config", "set", "--stack", "prod", "rocketchat-ha:backupDeleteClaimOnDestroy", "true"]);
        const ops = opsOf(await plannedSteps(project, "prod"));
        assert.ok(!ops.some((op) => /^(replace|create|delete) random:/.test(op)), `the generated values are not replaced: ${ops.join(", ")}`);
        await project.ok(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        const state = JSON.parse((await project.ok(["stack", "export", "--stack", "prod"])).stdout).deployment.resources;
        assert.deepEqual(state.filter((r: any) => r.protect).map((r: any) => r.urn), [], "nothing is protected any more");
        assert.equal(getJson(["statefulset", "-n", namespace, "rocketchat-mongodb"]).spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Delete");

        await project.ok(["destroy", "--stack", "prod", "--yes", "--skip-preview"]);
        assert.deepEqual(JSON.parse((await project.ok(["stack", "export", "--stack", "prod"])).stdout).deployment.resources ?? [], [], "the state is empty");
        assert.equal(kubectlRaw(["get", "namespace", namespace]).code, 0, "the namespace stays (it may hold another stack's data)");
        // The members' claims go through the StatefulSet controller and the garbage collector, after the pods.
        await waitFor("every claim deleted", () => claimNames().length === 0 || undefined, 120_000);
        assert.deepEqual(objectsLeft(), {}, "nothing of ours is left, the marker included");
    });
});
