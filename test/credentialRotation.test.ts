/**
 * A rotation as the cluster sees it: the objects a whole stack builds
 * (test/support/platformBuild.ts) in a rotation run, the run after it, and
 * a stack that never rotated. Values are placeholders; the program test
 * proves index.ts registers the same (test/program.test.ts).
 */
import { strict as assert } from "assert";
import * as yaml from "js-yaml";
import { credentialGenerationsAnnotation } from "../components/credentialPlan";
import { recordFor } from "../components/platform";
import { DeploymentRecord } from "../components/upgrades/deploymentRecord";
import { instance, placeholderValues, platformBuild } from "./support/platformBuild";
import { settingsFor } from "./support/settings";

const rotate = { mongodbRootPasswordGeneration: 1, mongodbAppPasswordGeneration: 1, mongodbMonitoringPasswordGeneration: 1, mongodbKeyfileGeneration: 1, adminPasswordGeneration: 1 };
const generation0 = recordFor(instance, settingsFor("prod"));

function objectsOf(overrides: Record<string, unknown>, previous?: DeploymentRecord) {
    const { objects } = platformBuild("prod", overrides, undefined, previous);
    const find = (kind: string, name: string | RegExp) => {
        const found = objects.find((o) => o.kind === kind && (typeof name === "string" ? o.metadata.name === name : name.test(o.metadata.name)));
        assert.ok(found, `no ${kind} ${name}`);
        return found;
    };
    const bootstrapJob = find("Job", /-mongodb-bootstrap-/);
    return {
        users: find("Secret", `${instance}-mongodb-users`).stringData,
        admin: find("Secret", `${instance}-admin`).stringData,
        keyfile: find("Secret", `${instance}-mongodb-keyfile`).stringData.keyfile,
        connection: find("Secret", `${instance}-mongodb-connection`).stringData["mongo-url"],
        bootstrapJob,
        bootstrapEnv: bootstrapJob.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: any }[],
        memberAnnotations: find("StatefulSet", `${instance}-mongodb`).spec.template.metadata.annotations ?? {},
        exporterAnnotations: find("Deployment", `${instance}-mongodb-exporter`).spec.template.metadata.annotations ?? {},
        channelsJob: find("Job", new RegExp(`^${instance}-channels-`)),
    };
}

describe("credential rotation, as the objects a stack builds", () => {
    const before = objectsOf({});
    const during = objectsOf(rotate, generation0);
    const rotatedRecord = recordFor(instance, settingsFor("prod", rotate), generation0);
    const after = objectsOf(rotate, rotatedRecord);

    it("an admin rotation runs the channels Job again (a new name), which reads the previous password from the admin Secret (optional outside a rotation)", () => {
        assert.notEqual(during.channelsJob.metadata.name, before.channelsJob.metadata.name, "the rotation run has its own channels Job");
        const previous = during.channelsJob.spec.template.spec.containers[0].env.find((e: any) => e.name === "ADMIN_PASSWORD_PREVIOUS");
        assert.deepEqual(previous?.valueFrom?.secretKeyRef, { name: `${instance}-admin`, key: "previous-password", optional: true });
    });

    it("a stack that never rotated carries no previous values, no rollout annotation, today's user names", () => {
        assert.ok(!("root-password-previous" in before.users) && !("previous-password" in before.admin));
        assert.equal(before.users["app-username"], "rocketchat");
        assert.equal(before.keyfile, placeholderValues.keyfile);
        assert.ok(!(credentialGenerationsAnnotation in before.memberAnnotations) && !(credentialGenerationsAnnotation in before.exporterAnnotations));
        assert.ok(!before.bootstrapEnv.some((e) => e.name === "ROOT_PASSWORD_PREVIOUS" || e.name === "PREVIOUS_USERNAMES"));
    });

    it("the rotation run: new user names, the previous root and admin passwords beside the new ones, both keys old first", () => {
        assert.equal(during.users["app-username"], "rocketchat-g1");
        assert.equal(during.users["monitoring-username"], "monitoring-g1");
        assert.equal(during.users["backup-username"], "backup", "backup did not rotate");
        assert.equal(during.users["root-username"], "root", "root keeps its name");
        assert.equal(during.users["root-password-previous"], placeholderValues.previous!.rootPassword);
        assert.equal(during.admin["previous-password"], placeholderValues.previous!.adminPassword);
        assert.deepEqual(yaml.load(during.keyfile), [placeholderValues.previous!.keyfile, placeholderValues.keyfile]);
        assert.match(during.connection, /^mongodb:\/\/rocketchat-g1:/, "Rocket.Chat connects as the new user");
    });

    it("the rotation run's bootstrap: a new Job, the previous root password from the Secret, the replaced users kept", () => {
        assert.notEqual(during.bootstrapJob.metadata.name, before.bootstrapJob.metadata.name);
        const previousRoot = during.bootstrapEnv.find((e) => e.name === "ROOT_PASSWORD_PREVIOUS")!;
        assert.deepEqual(previousRoot.valueFrom, { secretKeyRef: { name: `${instance}-mongodb-users`, key: "root-password-previous" } });
        assert.deepEqual(JSON.parse(during.bootstrapEnv.find((e) => e.name === "PREVIOUS_USERNAMES")!.value!), ["rocketchat", "monitoring"]);
        assert.ok(!JSON.stringify(during.bootstrapJob).includes(placeholderValues.previous!.rootPassword!), "no value in the Job");
    });

    it("the rotation run rolls the members (keyfile) and the exporter (monitoring user), naming generations only", () => {
        assert.equal(during.memberAnnotations[credentialGenerationsAnnotation], "keyfile=0+1");
        assert.equal(during.exporterAnnotations[credentialGenerationsAnnotation], "monitoring=1");
    });

    it("the run after: the new values alone, one key, the bootstrap again (it drops the replaced users), the members roll once more", () => {
        assert.ok(!("root-password-previous" in after.users) && !("previous-password" in after.admin));
        assert.equal(after.keyfile, placeholderValues.keyfile);
        assert.equal(after.users["app-username"], "rocketchat-g1");
        assert.ok(!after.bootstrapEnv.some((e) => e.name === "ROOT_PASSWORD_PREVIOUS" || e.name === "PREVIOUS_USERNAMES"));
        assert.notEqual(after.bootstrapJob.metadata.name, during.bootstrapJob.metadata.name);
        assert.equal(after.memberAnnotations[credentialGenerationsAnnotation], "keyfile=1");
        assert.equal(after.exporterAnnotations[credentialGenerationsAnnotation], "monitoring=1", "the exporter does not restart again");
    });
});
