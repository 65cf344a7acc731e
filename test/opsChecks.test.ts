/**
 * `ops settings` and `ops backups` decisions, the stack layout read from the
 * stack's outputs (fixtures of `pulumi stack output --json`, which
 * render.test.ts checks against what the program exports), and the
 * command-line parsing and error messages.
 */
import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { explainKubectlFailure, Kubectl } from "../tools/ops/kubectl";
import { explainMongoError, redactUri } from "../tools/ops/errors";
import { assessBackups, formatBackupReport, newestJob, ownedBy, parseListing } from "../tools/ops/backupReport";
import { listingPodOverrides } from "../tools/ops/backupListing";
import { CommandHandlers, runCli } from "../tools/ops/cli";
import { compareSettings, declaredSettings } from "../tools/ops/settingsDrift";
import { layoutFromOutputs } from "../tools/ops/stackLayout";
import { readStackOutputs } from "../tools/ops/stackOutputs";
import { opsOutputsFixture, opsOutputsFixturePath } from "./support/opsOutputs";

describe("ops settings: declared against stored", () => {
    it("takes the declared values from the stack's export of its Rocket.Chat environment, Secret-backed ones apart", () => {
        const layout = layoutFromOutputs("prod", opsOutputsFixture("prod"));
        const { compared, fromSecrets } = declaredSettings(layout.enforcedSettings);
        const byId = Object.fromEntries(compared.map((s) => [s.id, s.value]));
        assert.equal(byId.Accounts_ShowFormLogin, "false");
        assert.equal(byId["Accounts_OAuth_Custom-Keycloak-login_style"], "redirect");
        assert.equal(byId.FileUpload_MediaTypeWhiteList, "image/*,video/*,audio/*,application/pdf,text/plain");
        assert.ok(fromSecrets.includes("Accounts_OAuth_Custom-Keycloak-secret") && fromSecrets.includes("SMTP_Password"));
        assert.ok(!compared.some((s) => s.id.endsWith("-secret")), "secrets are never compared or printed");
    });

    it("compares typed stored values with their environment spelling", () => {
        const rows = compareSettings(
            [{ id: "Accounts_ShowFormLogin", value: "false" }, { id: "FileUpload_MaxFileSize", value: "104857600" }, { id: "Accounts_OAuth_Custom-Keycloak-login_style", value: "redirect" }, { id: "FileUpload_Storage_Type", value: "FileSystem" }],
            [{ _id: "Accounts_ShowFormLogin", value: false }, { _id: "FileUpload_MaxFileSize", value: 104857600 }, { _id: "Accounts_OAuth_Custom-Keycloak-login_style", value: "Redirect" }],
        );
        assert.deepEqual(rows.map((r) => [r.area, r.status]), [["login form", "ok"], ["uploads", "ok"], ["OAuth", "differs"], ["uploads", "missing"]]);
    });
});

describe("ops backups: archives against the schedules", () => {
    const now = new Date("2026-11-28T10:00:00Z");
    const epoch = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
    const listing = (lines: string[]) => parseListing(["pod default/ops-backup-listing-abc deleted", ...lines].join("\n"));
    const archive = (stamp: string, iso: string, sidecars = true) => [
        `file ${epoch(iso)} 73400320 mongodb/rocketchat-${stamp}.archive.gz`,
        ...(sidecars ? [`file ${epoch(iso)} 98 mongodb/rocketchat-${stamp}.archive.gz.sha256`, `file ${epoch(iso)} 2048 mongodb/rocketchat-${stamp}.archive.gz.manifest.json`] : []),
    ];
    const verifiedAt = (iso: string) => `status last-verify-success ${epoch(iso)} rocketchat-20261122T021500Z.archive.gz`;
    const assess = (lines: string[], job?: any) => assessBackups({ listing: listing(lines), prefix: "rocketchat", schedule: "15 2 * * *", verifySchedule: "45 3 * * 0", newestVerifyJob: job, now });

    it("healthy: last night's archive is complete and Sunday's restore test passed", () => {
        const report = assess([...archive("20261127T021500Z", "2026-11-27T02:21:00Z"), ...archive("20261128T021500Z", "2026-11-28T02:20:00Z"), verifiedAt("2026-11-22T03:58:00Z")]);
        assert.equal(report.healthy, true, report.findings.join("\n"));
        assert.deepEqual(report.archives.map((a) => [a.name, a.ageHours]), [["rocketchat-20261128T021500Z.archive.gz", 7.7], ["rocketchat-20261127T021500Z.archive.gz", 31.7]]);
    });

    it("overdue: last night's run left no archive", () => {
        const report = assess([...archive("20261127T021500Z", "2026-11-27T02:21:00Z"), verifiedAt("2026-11-22T03:58:00Z")]);
        assert.equal(report.healthy, false);
        assert.match(report.findings.join("\n"), /the run due at 2026-11-28T02:15:00.000Z \(schedule '15 2 \* \* \*'\) left no archive/);
    });

    it("an archive without checksum or manifest does not count and is named", () => {
        const report = assess([...archive("20261128T021500Z", "2026-11-28T02:20:00Z", false), ...archive("20261127T021500Z", "2026-11-27T02:21:00Z"), verifiedAt("2026-11-22T03:58:00Z")]);
        assert.equal(report.healthy, false);
        assert.match(report.findings.join("\n"), /never restore these\): rocketchat-20261128T021500Z.archive.gz/);
    });

    it("suspect archives and a failed last restore test are problems; each archive's state is shown", () => {
        const suspect = assess([
            ...archive("20261127T021500Z", "2026-11-27T02:21:00Z"), `file ${epoch("2026-11-27T03:58:00Z")} 20 mongodb/rocketchat-20261127T021500Z.archive.gz.verified`,
            ...archive("20261128T021500Z", "2026-11-28T02:20:00Z"), `file ${epoch("2026-11-28T02:20:00Z")} 90 mongodb/rocketchat-20261128T021500Z.archive.gz.suspect`,
            verifiedAt("2026-11-22T03:58:00Z"),
        ]);
        assert.equal(suspect.healthy, false);
        assert.deepEqual(suspect.archives.map((a) => a.state), ["suspect", "verified"]);
        assert.match(suspect.findings.join("\n"), /suspect .*: rocketchat-20261128T021500Z.archive.gz/);
        assert.match(formatBackupReport(suspect).join("\n"), /rocketchat-20261127T021500Z.archive.gz .* verified/);
        const failed = assess([...archive("20261128T021500Z", "2026-11-28T02:20:00Z"), verifiedAt("2026-11-22T03:58:00Z"),
            `status last-verify-result ${epoch("2026-11-28T03:58:00Z")} failed rocketchat-20261128T021500Z.archive.gz`]);
        assert.equal(failed.healthy, false);
        assert.match(failed.findings.join("\n"), /most recent restore test failed .*retention prunes nothing/);
    });

    it("a missed or failed restore test is a problem", () => {
        const stale = assess([...archive("20261128T021500Z", "2026-11-28T02:20:00Z"), verifiedAt("2026-11-15T03:58:00Z")]);
        assert.equal(stale.healthy, false);
        assert.match(stale.findings.join("\n"), /before the run due at 2026-11-22T03:45:00.000Z/);
        const job = newestJob({ items: [
            { metadata: { name: "rocketchat-backup-verify-29400000", creationTimestamp: "2026-11-15T03:45:00Z" }, status: { conditions: [{ type: "Complete", status: "True" }] } },
            { metadata: { name: "rocketchat-backup-verify-29410080", creationTimestamp: "2026-11-22T03:45:00Z" }, status: { conditions: [{ type: "Failed", status: "True", lastTransitionTime: "2026-11-22T04:10:00Z" }] } },
        ] });
        assert.deepEqual(job, { name: "rocketchat-backup-verify-29410080", outcome: "failed", finishedAt: "2026-11-22T04:10:00Z" });
        const failed = assess([...archive("20261128T021500Z", "2026-11-28T02:20:00Z"), verifiedAt("2026-11-22T03:58:00Z")], job);
        assert.equal(failed.healthy, false);
    });

    it("reads names and schedules of the stack from its outputs", () => {
        const layout = layoutFromOutputs("prod", opsOutputsFixture("prod"));
        assert.deepEqual(layout.backup, {
            claimName: "rocketchat-backup",
            verifyCronJob: "rocketchat-backup-verify",
            archivePrefix: "rocketchat",
            schedule: "15 2 * * *",
            verifySchedule: "45 3 * * *",
            runAsUser: 999,
        });
        assert.equal(layoutFromOutputs("test", opsOutputsFixture("test")).backup?.runAsUser, undefined, "OpenShift assigns the UID");
        assert.deepEqual([layout.namespace, layout.mongodb.statefulSet, layout.mongodb.pods, layout.users.secret, layout.users.root.passwordKey],
            ["rocketchat-prod", "rocketchat-mongodb", ["rocketchat-mongodb-0", "rocketchat-mongodb-1", "rocketchat-mongodb-2"], "rocketchat-mongodb-users", "root-password"]);
    });

    it("takes the newest restore test from the Jobs the verify CronJob owns, not from other Jobs", () => {
        const job = (name: string, created: string, owner?: string) => ({ metadata: { name, creationTimestamp: created, ...(owner ? { ownerReferences: [{ kind: "CronJob", name: owner }] } : {}) }, status: {} });
        const jobs = { items: [job("rocketchat-backup-verify-1", "2026-11-22T03:45:00Z", "rocketchat-backup-verify"), job("rocketchat-backup-2", "2026-11-28T02:15:00Z", "rocketchat-backup"), job("manual-verify", "2026-11-28T05:00:00Z")] };
        assert.equal(newestJob(ownedBy("CronJob", "rocketchat-backup-verify", jobs))?.name, "rocketchat-backup-verify-1");
    });

    it("lists the volume from a restricted, read-only pod", () => {
        const spec = (listingPodOverrides("ops-backup-listing-1", "mongo:8.0.29", "rocketchat-backup") as any).spec;
        assert.equal(spec.containers[0].name, "ops-backup-listing-1", "kubectl attaches to the container named after the pod");
        assert.equal(spec.containers[0].securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(spec.volumes[0].persistentVolumeClaim, { claimName: "rocketchat-backup", readOnly: true });
        // The mongo image has no USER: without a UID the kubelet refuses runAsNonRoot.
        assert.equal(spec.securityContext.runAsUser, undefined);
        assert.equal((listingPodOverrides("p", "mongo:8.0.29", "c", 999) as any).spec.securityContext.runAsUser, 999);
    });
});

describe("ops command line", () => {
    const calls: string[] = [];
    const handlers: CommandHandlers = {
        status: async (o) => (calls.push(`status ${JSON.stringify(o)}`), 0),
        backups: async (o) => (calls.push(`backups ${JSON.stringify(o)}`), 1),
        settings: async (o) => (calls.push(`settings ${JSON.stringify(o)}`), 0),
    };
    const run = async (...argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        calls.length = 0;
        const code = await runCli(argv, handlers, { out: (l) => out.push(l), err: (l) => err.push(l) });
        return { code, out: out.join("\n"), err: err.join("\n") };
    };

    it("passes parsed options to the command and returns its exit code", async () => {
        assert.equal((await run("status", "--stack", "prod", "--max-lag", "30")).code, 0);
        assert.deepEqual(calls, ['status {"maxLag":30,"timeout":30,"stack":"prod"}']);
        assert.equal((await run("backups", "-s", "test", "--context", "ocp-test", "--timeout", "5")).code, 1);
        assert.deepEqual(calls, ['backups {"stack":"test","context":"ocp-test","timeout":5}']);
        assert.equal((await run("backups", "--outputs", "prod.json")).code, 1);
        assert.deepEqual(calls, ['backups {"outputs":"prod.json","timeout":30}']);
        await run("status", "-o", "prod.json");
        assert.deepEqual(calls, ['status {"maxLag":10,"timeout":30,"outputs":"prod.json"}']);
        const passwordFile = path.join(mkdtempSync(path.join(tmpdir(), "ops-pw-")), "password");
        writeFileSync(passwordFile, "s3cret\n", { mode: 0o600 });
        await run("settings", "--stack", "prod", "--uri", "mongodb://app@127.0.0.1:27017/rocketchat", "--password-file", passwordFile);
        assert.deepEqual(calls, ['settings {"timeout":30,"uri":"mongodb://app@127.0.0.1:27017/rocketchat","stack":"prod","password":"s3cret"}']);
    });

    const usage: [string[], RegExp][] = [
        [["status"], /status needs --stack <name> or --outputs <file> \(through the cluster\), or --uri <mongodb-uri>, exactly one of them/],
        [["status", "--outputs", "o.json", "--uri", "mongodb://h"], /exactly one of them/],
        [["status", "--stack", "prod", "--outputs", "o.json"], /^ops: status give --stack <name> \(runs pulumi stack output\) or --outputs <file>, not both$/],
        [["status", "--stack", "prod", "--uri", "mongodb://h"], /exactly one of them/],
        [["status", "--uri", "http://h:27017"], /option '-u, --uri <mongodb-uri>' argument 'http:\/\/h:27017' is invalid. a connection string starting with mongodb:\/\//],
        [["status", "--stack", "prod", "--max-lag", "-5"], /a positive number of seconds/],
        [["backups"], /^ops: backups needs --stack <name> or --outputs <file>$/],
        [["backups", "--stack", "prod", "--uri", "mongodb://h"], /backups reads the backup volume inside the cluster: --uri does not apply/],
        [["settings", "--uri", "mongodb://h"], /^ops: settings needs --stack <name> or --outputs <file>$/],
        [["stauts"], /unknown command 'stauts'/],
        // Issue 17: no password on the command line, and a stated deadline.
        [["status", "--uri", "mongodb://root:hunter2@h:27017/"], /^ops: --uri mongodb:\/\/root:\*\*\*@h:27017\/ must be a URI without a password \(a password on the command line is visible to every user of this machine and stays in shell history\): put the user in the URI and the password in OPS_MONGODB_PASSWORD or a file named by --password-file$/],
        [["status", "--stack", "prod", "--password-file", "/dev/null"], /--password-file applies to --uri/],
        [["status", "--uri", "mongodb://h", "--timeout", "0"], /a positive number of seconds/],
    ];
    for (const [argv, message] of usage) {
        it(`refuses ${argv.join(" ")} with exit 2`, async () => {
            const result = await run(...argv);
            assert.equal(result.code, 2);
            assert.match(result.err, message);
            assert.deepEqual(calls, [], "no command ran");
        });
    }

    it("help exits 0 and lists the three commands", async () => {
        const result = await run("--help");
        assert.equal(result.code, 0);
        for (const command of ["status", "backups", "settings"]) {
            assert.match(result.out, new RegExp(`^  ${command} \\[options\\]`, "m"));
        }
    });

    it("ends a kubectl call that hangs within twice the request timeout, naming the step", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "ops-kubectl-"));
        const hanging = path.join(dir, "kubectl");
        writeFileSync(hanging, "#!/bin/sh\nexec sleep 60\n", { mode: 0o755 });
        const started = Date.now();
        await assert.rejects(new Kubectl({ binary: hanging, requestTimeoutSeconds: 0.5 }).json(["get", "pods"]),
            /^OpsError: no answer within 1 s while running kubectl get pods \(--timeout 0.5 s\): is the cluster reachable\?$/);
        assert.ok(Date.now() - started < 5000);
    });

    it("explains kubectl failures: unreachable cluster, missing namespace, anything else", () => {
        const refused = 'E1128 02:32:47.441305    8484 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list"\nThe connection to the server localhost:8080 was refused - did you specify the right host or port?\n';
        assert.match(explainKubectlFailure(["get", "secret"], refused).message, /^cannot reach the Kubernetes cluster \(kubectl: The connection to the server localhost:8080 was refused - did you specify the right host or port\?\); check your kubeconfig context or pass --uri$/);
        assert.match(explainKubectlFailure(["get", "pods"], 'Error from server (NotFound): namespaces "rocketchat-prod" not found').message, /is the stack deployed to this cluster\?/);
        assert.match(explainKubectlFailure(["get", "secret", "x"], 'Error from server (Forbidden): secrets "x" is forbidden').message, /^kubectl get secret x failed: Error from server \(Forbidden\)/);
    });

    it("explains driver failures and never shows a password", () => {
        assert.match(explainMongoError({ name: "MongoServerError", code: 18, codeName: "AuthenticationFailed", message: "Authentication failed." }, "rocketchat-prod/rocketchat-mongodb-0", "root").message,
            /MongoDB at rocketchat-prod\/rocketchat-mongodb-0 refused the credentials of user 'root' \(AuthenticationFailed\)/);
        assert.match(explainMongoError({ name: "MongoServerSelectionError", message: "connect ECONNREFUSED 127.0.0.1:27017" }, "the --uri server").message, /^cannot reach MongoDB at the --uri server/);
        assert.equal(redactUri("mongodb://root:s3cret@127.0.0.1:27017/admin"), "mongodb://root:***@127.0.0.1:27017/admin");
    });
});

describe("ops: the stack's outputs", () => {
    it("a missing or malformed output is an error naming it and what it must hold", () => {
        const { mongodbMemberHosts: _dropped, ...withoutHosts } = opsOutputsFixture("prod");
        assert.throws(() => layoutFromOutputs("prod", { ...withoutHosts, backupRunAsUser: "999" }), (error: Error) => {
            assert.match(error.message, /^stack prod: the outputs ops reads are missing or malformed \(deploy the stack with this version of the program\):/);
            assert.match(error.message, /\n  mongodbMemberHosts: missing/);
            assert.match(error.message, /\n  backupRunAsUser = "999": expected number/);
            return true;
        });
    });

    it("backups off: every backup output null, no backup layout; some null and some set is refused", () => {
        const off = { ...opsOutputsFixture("prod"), backupClaim: null, backupVerifyCronJob: null, backupSchedule: null, backupVerifySchedule: null, backupArchivePrefix: null, backupRunAsUser: null };
        assert.equal(layoutFromOutputs("prod", off).backup, undefined);
        assert.throws(() => layoutFromOutputs("prod", { ...opsOutputsFixture("prod"), backupSchedule: null }), /^OpsError: stack prod: outputs backupSchedule are null while the other backup outputs are set/);
    });

    it("--outputs reads a file; one that is missing or not JSON is a clear error", async () => {
        const read = await readStackOutputs({ outputs: opsOutputsFixturePath("prod") }, 5);
        assert.equal(read.label, opsOutputsFixturePath("prod"));
        assert.deepEqual(read.values, opsOutputsFixture("prod"));
        await assert.rejects(readStackOutputs({ outputs: "/nonexistent/outputs.json" }, 5), /^OpsError: cannot read --outputs \/nonexistent\/outputs.json: ENOENT/);
        const notJson = path.join(mkdtempSync(path.join(tmpdir(), "ops-outputs-")), "outputs.json");
        writeFileSync(notJson, "Current stack outputs (3):\n");
        await assert.rejects(readStackOutputs({ outputs: notJson }, 5), /is not JSON \(expected what `pulumi stack output --json --stack <name>` prints\)/);
    });

    describe("--stack runs the Pulumi CLI", () => {
        const savedPath = process.env.PATH;
        afterEach(() => (process.env.PATH = savedPath));

        /** A stand-in `pulumi` on PATH: records its arguments and prints `stdout` (or fails with `stderr`). */
        function fakePulumi(script: string): string {
            const dir = mkdtempSync(path.join(tmpdir(), "ops-pulumi-"));
            writeFileSync(path.join(dir, "pulumi"), `#!/bin/sh\necho "$@" > "${dir}/args"\n${script}\n`, { mode: 0o755 });
            process.env.PATH = `${dir}${path.delimiter}${savedPath}`;
            return dir;
        }

        it("reads `pulumi stack output --json --stack <name>` in the project directory, without --show-secrets", async () => {
            const dir = fakePulumi(`cat "${opsOutputsFixturePath("test")}"`);
            const read = await readStackOutputs({ stack: "acme/rocketchat-ha/test" }, 5);
            assert.equal(readFileSync(path.join(dir, "args"), "utf8").trim(), "stack output --json --stack acme/rocketchat-ha/test --non-interactive");
            assert.equal(layoutFromOutputs(read.label, read.values).namespace, "rocketchat-test");
        });

        it("a failing Pulumi CLI, or none on PATH, is a clear error saying what to do", async () => {
            fakePulumi(`echo "error: no stack named 'prod' found" >&2; exit 255`);
            await assert.rejects(readStackOutputs({ stack: "prod" }, 5), /^OpsError: `pulumi stack output --json --stack prod --non-interactive` failed: error: no stack named 'prod' found$/);
            process.env.PATH = mkdtempSync(path.join(tmpdir(), "ops-empty-path-"));
            await assert.rejects(readStackOutputs({ stack: "prod" }, 5), /--stack prod reads the stack's outputs with the Pulumi CLI, which is not on PATH: install it, or pass --outputs <file> written by `pulumi stack output --json --stack prod`/);
        });
    });
});
