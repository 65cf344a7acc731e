// The offline render in process: every stack renders cleanly, output is
// stable, broken objects are caught with readable messages, secrets stay out.
import { strict as assert } from "assert";
import { DeclaredResource, StackRun } from "../tools/mockRuntime";
import { serializeManifests, serializeOtherResources } from "../tools/renderOutput";
import { secretPathMarker, secretValueMarker } from "../tools/renderRedact";
import { renderFailed, renderRun, RenderedStack } from "../tools/renderStack";
import { isPatchType } from "../tools/resourceList";
import { describeFinding } from "../tools/schemaValidate";
import { knownStacks } from "../tools/stackConfig";
import { enforcedSettings } from "../components/rocketchat/enforcedSettings";
import { layoutFromOutputs, opsOutputNames } from "../tools/ops/stackLayout";
import { opsFixtureStacks, opsOutputsFixture } from "./support/opsOutputs";
import { findObject } from "../tools/mockRuntime";
import { stackRun } from "./support/stacks";

function everythingWritten(rendered: RenderedStack, format: "yaml" | "json" = "yaml"): string {
    return serializeManifests(rendered.manifests, format) + serializeOtherResources(rendered.otherResources, format);
}

/** A copy of the run with extra resources, leaving the shared run untouched. */
function withExtra(run: StackRun, ...extra: DeclaredResource[]): StackRun {
    return { ...run, resources: [...run.resources, ...extra] };
}

function deploymentOf(run: StackRun): DeclaredResource {
    const deployment = run.resources.find((resource) => resource.inputs?.kind === "Deployment");
    assert.ok(deployment, `${run.stack} declares no Deployment`);
    return deployment;
}

function brokenCopy(resource: DeclaredResource, name: string, breakIt: (manifest: any) => void): DeclaredResource {
    const manifest = structuredClone(resource.inputs);
    manifest.metadata.name = name;
    breakIt(manifest);
    return { ...resource, name, inputs: manifest };
}

describe("render: every stack", () => {
    for (const stack of knownStacks()) {
        it(`${stack}: writes every Kubernetes object, each valid against its schema`, async () => {
            const run = await stackRun(stack);
            const rendered = await renderRun(run);
            // Patches of objects made by others (the members' claim sizes) are not whole objects: listed with the other resources.
            const declared = run.resources.filter((resource) => resource.type.startsWith("kubernetes:") && !isPatchType(resource.type));
            assert.equal(rendered.manifests.length, declared.length);
            assert.deepEqual(rendered.schemaFindings.map(describeFinding), []);
            assert.ok(rendered.manifests.some((manifest) => manifest.kind === "StatefulSet"), "the replica set is rendered");
            for (const other of rendered.otherResources) {
                assert.ok((!other.type.startsWith("kubernetes:") || isPatchType(other.type)) && !other.type.startsWith("pulumi:"), `${other.type} listed as non-Kubernetes`);
            }
            assert.equal(rendered.otherResources.filter((other) => isPatchType(other.type)).length, run.resources.filter((r) => isPatchType(r.type)).length, "every patch listed");
        });
    }

    it("lists the Keycloak and random resources with their inputs (prod)", async () => {
        const rendered = await renderRun(await stackRun("prod"));
        const client = rendered.otherResources.find((resource) => resource.type === "keycloak:openid/client:Client");
        assert.ok(client, "Keycloak client listed");
        assert.equal(client.inputs.clientId, "rocketchat");
        assert.ok(rendered.otherResources.some((resource) => resource.type.startsWith("random:")));
    });

    it("orders objects by install order (Namespace first, workloads after Services)", async () => {
        const kinds = (await renderRun(await stackRun("prod"))).manifests.map((manifest) => manifest.kind);
        assert.equal(kinds[0], "Namespace");
        assert.ok(kinds.lastIndexOf("Service") < kinds.indexOf("StatefulSet"));
        assert.ok(kinds.lastIndexOf("Secret") < kinds.indexOf("Deployment"));
    });
});

describe("render: stable output", () => {
    it("is byte-identical across two runs of the program (yaml and json)", async () => {
        const { runStack } = await import("../tools/mockRuntime");
        // Two real runs, not one run serialized twice: the shared run and a fresh one.
        // One after the other: the mock runtime is process-wide.
        const first = await renderRun(await stackRun("prod"));
        const second = await renderRun(await runStack("prod"));
        for (const format of ["yaml", "json"] as const) {
            const written = everythingWritten(first, format);
            assert.ok(written.length > 1000);
            assert.equal(written, everythingWritten(second, format), format);
        }
    });
});

describe("render: schema errors", () => {
    it("names kind, object and path of an unknown field, a wrong type and a bad quantity", async () => {
        const run = await stackRun("prod");
        const deployment = deploymentOf(run);
        const broken = brokenCopy(deployment, "broken", (manifest) => {
            const container = manifest.spec.template.spec.containers[0];
            container.imagee = container.image;
            manifest.spec.replicas = "three";
            container.resources = { limits: { memory: "2 gigabytes" } };
        });
        const rendered = await renderRun(withExtra(run, broken));
        const messages = rendered.schemaFindings.map(describeFinding);
        const namespace = broken.inputs.metadata.namespace;
        assert.ok(renderFailed(rendered));
        assert.ok(messages.includes(`Deployment ${namespace}/broken: /spec/template/spec/containers/0/imagee is not a field of this schema (unknown field)`), messages.join("\n"));
        assert.ok(messages.includes(`Deployment ${namespace}/broken: /spec/replicas must be integer`), messages.join("\n"));
        assert.ok(messages.includes(`Deployment ${namespace}/broken: /spec/template/spec/containers/0/resources/limits/memory must match format "quantity"`), messages.join("\n"));
        // Only the broken copy is reported.
        assert.ok(rendered.schemaFindings.every((finding) => finding.object === `${namespace}/broken`));
    });

    it("rejects a kind no schema knows (a typo in apiVersion)", async () => {
        const run = await stackRun("dev");
        const typo = brokenCopy(deploymentOf(run), "typo", (manifest) => (manifest.apiVersion = "apps/v2"));
        const rendered = await renderRun(withExtra(run, typo));
        assert.match(rendered.schemaFindings.map(describeFinding).join("\n"), /Deployment .*\/typo: \/ no schema known for apiVersion apps\/v2 kind Deployment/);
    });
});

describe("render: secrets", () => {
    for (const stack of knownStacks()) {
        it(`${stack}: no generated or configured secret value appears in the output, plain or base64`, async () => {
            const run = await stackRun(stack);
            const written = everythingWritten(await renderRun(run)) + everythingWritten(await renderRun(run), "json");
            assert.ok(run.secretValues.size > 0, "the run generated secrets");
            for (const value of run.secretValues) {
                assert.ok(!written.includes(value), `${stack}: a secret value leaked`);
                assert.ok(!written.includes(Buffer.from(value).toString("base64")), `${stack}: a base64 secret value leaked`);
            }
            assert.ok(written.includes(secretPathMarker));
        });
    }

    it("redacts a secret value the program put into a field not marked secret", async () => {
        const run = await stackRun("prod");
        const secret = [...run.secretValues].find((value) => value.length >= 16);
        assert.ok(secret);
        const leaky = brokenCopy(deploymentOf(run), "leaky", (manifest) => {
            manifest.spec.template.spec.containers[0].env = [{ name: "DEBUG_URL", value: `mongodb://root:${secret}@db` }];
        });
        const rendered = await renderRun(withExtra(run, leaky));
        const written = everythingWritten(rendered);
        assert.ok(!written.includes(secret));
        const leakyManifest = rendered.manifests.find((manifest) => manifest.metadata.name === "leaky");
        assert.equal(leakyManifest.spec.template.spec.containers[0].env[0].value, secretValueMarker);
    });
});

describe("render: the outputs the ops CLI reads (index.ts)", () => {
    for (const stack of opsFixtureStacks) {
        it(`${stack}: exports every one, as the ops tests' fixture test/fixtures/ops/${stack}-outputs.json has them`, async () => {
            const run = await stackRun(stack);
            const missing = opsOutputNames.filter((name) => !(name in run.outputs));
            assert.deepEqual(missing, [], "outputs ops reads that index.ts does not export");
            const exported = JSON.parse(JSON.stringify(Object.fromEntries(opsOutputNames.map((name) => [name, run.outputs[name]]))));
            assert.deepEqual(exported, opsOutputsFixture(stack), "regenerate the fixture from the program's outputs if the change is intended");
            assert.equal(layoutFromOutputs(stack, run.outputs).namespace, run.outputs.namespace);
        });
    }

    it("prod: each names what the program declares (StatefulSet and members, users Secret keys, enforced settings, backup CronJobs)", async () => {
        const run = await stackRun("prod");
        const layout = layoutFromOutputs("prod", run.outputs);
        const statefulSet = findObject(run, "StatefulSet", layout.mongodb.statefulSet);
        assert.equal(layout.mongodb.pods.length, statefulSet.spec.replicas);
        assert.deepEqual(layout.mongodb.pods, Array.from({ length: statefulSet.spec.replicas }, (_, i) => `${layout.mongodb.statefulSet}-${i}`));
        assert.equal(layout.mongodb.image, statefulSet.spec.template.spec.containers[0].image);
        const users = findObject(run, "Secret", layout.users.secret);
        for (const key of [layout.users.root.usernameKey, layout.users.root.passwordKey, layout.users.app.usernameKey, layout.users.app.passwordKey]) {
            assert.ok(key in users.stringData, `users Secret has key ${key}`);
        }
        const deployment = findObject(run, "Deployment", "rocketchat");
        assert.deepEqual(layout.enforcedSettings, enforcedSettings(deployment.spec.template.spec.containers[0].env));
        const backup = findObject(run, "CronJob", String(run.outputs.backupCronJob));
        const verify = findObject(run, "CronJob", layout.backup!.verifyCronJob);
        assert.deepEqual([layout.backup!.schedule, layout.backup!.verifySchedule], [backup.spec.schedule, verify.spec.schedule]);
        const backupPod = backup.spec.jobTemplate.spec.template.spec;
        assert.equal(backupPod.volumes.find((volume: any) => volume.persistentVolumeClaim)?.persistentVolumeClaim.claimName, layout.backup!.claimName);
        assert.equal(layout.backup!.runAsUser, backupPod.securityContext.runAsUser);
    });
});
