// What every remediation message may name: stack settings that exist
// (rocketchat-ha:<setting>, a key of Pulumi.yaml's config) and object fields,
// never a source file of this repository (files move; settings and
// Kubernetes fields are what a platform engineer edits).
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import { load } from "js-yaml";
import * as path from "path";
import * as ts from "typescript";
import { allPolicies } from "./allPolicies";
import { evaluateWithConfig, PolicyViolation, resolvePolicyConfig } from "./offline";
import { autoscaler, backupCronJob, backupScripts, mongoStatefulSet, resources, rocketChatDeployment, uploadsClaim } from "./testing/fixtures";

const sourcePath = /components\/|\b[\w./-]+\.(ts|js)\b/;
const settingMention = /rocketchat-ha:([A-Za-z0-9]+)/g;

/** The program's settings: the keys of Pulumi.yaml's config block. */
function programSettings(): Set<string> {
    const project = load(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
    return new Set(Object.keys(project.config));
}

/** A stack broken in every way the pack checks, so that every policy reports. */
function brokenObjects(): Record<string, any>[] {
    const chat = rocketChatDeployment(5);
    const chatContainer = chat.spec.template.spec.containers[0];
    chatContainer.image = "registry.rocket.chat/rocketchat/rocket.chat";
    chatContainer.env.push({ name: "ADMIN_PASS", value: "hunter2hunter2" });
    for (const field of ["resources", "securityContext", "startupProbe", "livenessProbe", "readinessProbe"]) {
        delete chatContainer[field];
    }
    chat.spec.template.spec.hostNetwork = true;
    const mongo = mongoStatefulSet(4);
    const mongoSpec = mongo.spec.template.spec;
    const term = mongoSpec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    mongoSpec.affinity.podAntiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] };
    delete mongoSpec.topologySpreadConstraints;
    mongo.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" };
    const backup = backupCronJob();
    backup.spec.suspend = true;
    delete backup.spec.jobTemplate.spec.template.spec.containers[0].resources;
    const scripts = backupScripts();
    scripts.data["bootstrap.js"] = "rs.addArb('arbiter-0:27017')";
    return [chat, uploadsClaim(["ReadWriteOnce"]), autoscaler(10), mongo, backup, scripts];
}

async function brokenStackViolations(): Promise<PolicyViolation[]> {
    const config = resolvePolicyConfig({
        all: "mandatory",
        "replicas-within-schedulable-nodes": { schedulableNodes: 3 },
        "mongodb-zone-spread": { zones: 3 },
    });
    return evaluateWithConfig(resources(brokenObjects()), config);
}

/** Every string and template fragment of the pack's own sources (not tests or fixtures), with where it is. */
function sourceStrings(): { where: string; text: string }[] {
    const files = ["lib", "policies"].flatMap((dir) => readdirSync(path.join(__dirname, dir))
        .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
        .map((name) => path.join(__dirname, dir, name)));
    return files.flatMap((file) => {
        const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        const found: { where: string; text: string }[] = [];
        const visit = (node: ts.Node): void => {
            const isModuleName = node.parent !== undefined && (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent));
            if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)
                || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) && !isModuleName) {
                const { line } = source.getLineAndCharacterOfPosition(node.getStart());
                found.push({ where: `${path.relative(__dirname, file)}:${line + 1}`, text: node.text });
            }
            ts.forEachChild(node, visit);
        };
        visit(source);
        return found;
    });
}

describe("policy pack: remediation messages", () => {
    it("every policy reports on the broken stack, and no message names a source file", async () => {
        const violations = await brokenStackViolations();
        assert.deepEqual([...new Set(violations.map((v) => v.policy))].sort(), allPolicies.map((policy) => policy.name).sort());
        const naming = violations.filter((violation) => sourcePath.test(violation.message));
        assert.deepEqual(naming.map((v) => `${v.policy}: ${v.message}`), []);
    });

    it("every setting a message names is a setting of the program", async () => {
        const settings = programSettings();
        const messages = (await brokenStackViolations()).map((violation) => violation.message);
        const named = messages.flatMap((message) => [...message.matchAll(settingMention)].map((match) => match[1]));
        assert.ok(named.length >= 10, `expected the broken stack's fixes to name settings, got ${named.length}`);
        assert.deepEqual([...new Set(named)].filter((name) => !settings.has(name)), []);
    });

    it("no string in the policies' sources names a source file or a setting the program lacks", () => {
        const settings = programSettings();
        const strings = sourceStrings();
        assert.ok(strings.some((s) => s.text.includes("rocketchat-ha:podAntiAffinity")), "the scan finds the policies' message strings");
        assert.deepEqual(strings.filter((s) => sourcePath.test(s.text)).map((s) => `${s.where}: ${s.text}`), []);
        const unknown = strings.flatMap((s) => [...s.text.matchAll(settingMention)]
            .filter((match) => !settings.has(match[1])).map((match) => `${s.where}: rocketchat-ha:${match[1]}`));
        assert.deepEqual(unknown, []);
    });
});
