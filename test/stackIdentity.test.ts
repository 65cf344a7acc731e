// The stack-identity check (components/stackIdentity/): the script run for
// real, exactly as the Job runs it (its command and env; the mongo image's `sh`
// is dash: docker-library/mongo 8.0/Dockerfile is FROM ubuntu:noble), against a
// temp directory standing in for the optional ConfigMap volume: absent marker,
// this stack's marker, another stack's marker.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { stackIdentityArgsFromSettings, stackIdentityMarkerName, stackIdentityObjects } from "../components/stackIdentity/stackIdentityObjects";
import { instance, stackIdentityOf } from "./support/platformBuild";
import { settingsFor } from "./support/settings";

const prod = stackIdentityOf("prod");
const objectsFor = (stack: string) => stackIdentityObjects(instance, stackIdentityArgsFromSettings(settingsFor("prod"), stack));

interface CheckRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly terminationMessage: string;
}

/** Runs the Job's container command with its env; `marker` is what the ConfigMap volume holds (undefined: no ConfigMap). */
function runCheck(stack: string, marker: string | undefined, shell: readonly string[] = ["dash"]): CheckRun {
    const dir = mkdtempSync(path.join(tmpdir(), "stack-identity-"));
    try {
        const volume = path.join(dir, "identity");
        spawnSync("mkdir", [volume]);
        if (marker !== undefined) {
            writeFileSync(path.join(volume, "stack"), marker);
        }
        const container = objectsFor(stack).check.spec.template.spec.containers[0] as { command: string[]; env: { name: string; value: string }[] };
        const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
        const terminationLog = path.join(dir, "termination-log");
        writeFileSync(terminationLog, "");
        const [, flag, script] = container.command;
        const result = spawnSync(shell[0], [...shell.slice(1), flag, script], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, ...env, MARKER_DIR: volume, TERMINATION_LOG: terminationLog },
        });
        return { status: result.status, stdout: result.stdout, stderr: result.stderr, terminationMessage: readFileSync(terminationLog, "utf8") };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("stack identity: the namespace's data belongs to one stack", () => {
    it("the Job runs the script with sh -c, as the mongo image's shell runs it", () => {
        const container = objectsFor(prod).check.spec.template.spec.containers[0] as { command: string[] };
        assert.deepEqual(container.command.slice(0, 2), ["sh", "-c"]);
    });

    // dash is the mongo image's sh (Ubuntu); bash --norc as a second POSIX shell (no login files).
    for (const shell of [["dash"], ["bash", "--norc"]]) {
        describe(`under ${shell[0]}`, () => {
            it("passes a namespace without a marker: new, or data from before the marker existed (adopted)", () => {
                const run = runCheck(prod, undefined, shell);
                assert.equal(run.status, 0, run.stderr);
                assert.match(run.stdout, /namespace rocketchat-prod holds no stack identity marker: stack organization\/rocketchat-ha\/prod takes it/);
                assert.equal(run.terminationMessage, "");
            });

            it("passes the namespace of this stack's own data (destroy -> up)", () => {
                const run = runCheck(prod, prod, shell);
                assert.equal(run.status, 0, run.stderr);
                assert.match(run.stdout, /holds the data of this stack \(organization\/rocketchat-ha\/prod\)/);
            });

            it("refuses another stack's data, naming both stacks, the namespace, the marker and what to do", () => {
                const other = stackIdentityOf("other");
                const run = runCheck(other, prod, shell);
                assert.equal(run.status, 1);
                const expected = "Refused: namespace rocketchat-prod holds the data of stack organization/rocketchat-ha/prod (ConfigMap rocketchat-stack-identity); "
                    + "this stack is organization/rocketchat-ha/other, and its generated credentials cannot open that data. "
                    + "Deploy this stack into another namespace (setting namespace), or move the data: back up organization/rocketchat-ha/prod, "
                    + "deploy organization/rocketchat-ha/other in another namespace and restore the archive there (docs/moving-data.md).\n";
                assert.equal(run.stderr, expected);
                assert.equal(run.terminationMessage, expected, "the pod's termination message carries it");
            });

            it("refuses a marker that differs only in a suffix (an exact comparison, not a prefix)", () => {
                assert.equal(runCheck(prod, `${prod}-old`, shell).status, 1);
                assert.equal(runCheck(prod, "organization/rocketchat-ha/pro", shell).status, 1);
            });
        });
    }

    it("the Job reads the marker without API access: an optional ConfigMap volume, no service-account token, no retries", () => {
        const { check, marker } = objectsFor(prod);
        const pod = check.spec.template.spec as any;
        assert.deepEqual(pod.volumes, [{ name: "identity", configMap: { name: stackIdentityMarkerName(instance), optional: true } }]);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.serviceAccountName, undefined);
        assert.equal(check.spec.backoffLimit, 0, "the answer does not change on a retry");
        assert.deepEqual(marker.data, { stack: prod });
        assert.equal(marker.metadata.name, "rocketchat-stack-identity");
        // It needs no access to the data volumes: not the mongo image's user 999, a high unprivileged UID
        // (kube-score container-security-context-user-group-id and checkov CKV_K8S_40 ask for >= 10000).
        assert.ok(pod.securityContext.runAsUser >= 10000 && pod.securityContext.runAsGroup >= 10000, JSON.stringify(pod.securityContext));
    });

    it("one Job per stack: another stack's check never takes over this stack's Job; the same stack keeps its name", () => {
        assert.match(objectsFor(prod).check.metadata.name, /^rocketchat-stack-identity-[0-9a-f]{8}$/);
        assert.equal(objectsFor(prod).check.metadata.name, objectsFor(prod).check.metadata.name);
        assert.notEqual(objectsFor(stackIdentityOf("other")).check.metadata.name, objectsFor(prod).check.metadata.name);
    });
});
