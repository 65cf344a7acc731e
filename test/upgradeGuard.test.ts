import { strict as assert } from "assert";
import { recordFor } from "../components/platform";
import { dataPlacementOf } from "../components/upgrades/dataPlacement";
import { signInRecordOf } from "../components/upgrades/platformSwitches";
import type { Settings } from "../components/settings";
import { initialCredentials } from "../components/credentialPlan";
import { DeploymentRecord, parseDeploymentRecord } from "../components/upgrades/deploymentRecord";
import { enforceGuard, guardDecisions, guardJobNeeded, UpgradeRefused } from "../components/upgrades/upgradeGuard";
import { upgradeGuardArgsFromSettings, upgradeGuardObjects, UpgradeGuardPeers } from "../components/upgrades/upgradeGuardObjects";
import { deployableSeriesFor, parseVersion, rocketchatMongodbSupport } from "../components/upgrades/versionTable";
import { projectDefaults } from "../tools/stackConfig";
import { settingsFor } from "./support/settings";

const hosts = (n: number, domain = "cluster.local") => Array.from({ length: n }, (_, i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.chat.svc.${domain}:27017`);
const record = (rocketchatVersion: string, mongodbVersion: string, extra: Partial<DeploymentRecord> = {}): DeploymentRecord =>
    ({ rocketchatVersion, mongodbVersion, replicaSetName: "rs0", memberHosts: hosts(3), ...initialCredentials, ...extra });
const allow = { allowMemberRemoval: false };
const reasons = (previous: DeploymentRecord | undefined, next: DeploymentRecord, options = allow) => guardDecisions(previous, next, options).map((r) => `${r.setting}: ${r.reason}`);

describe("upgrade guard decisions", () => {
    it("first install (no previous version recorded): allowed, whatever the versions", () => {
        assert.deepEqual(reasons(undefined, record("8.5.1", "8.0.29")), []);
    });

    it("same version, a patch or minor forward, the next major: allowed", () => {
        assert.deepEqual(reasons(record("8.5.1", "8.0.29"), record("8.5.1", "8.0.29")), []);
        assert.deepEqual(reasons(record("8.5.1", "8.0.29"), record("8.5.2", "8.0.30")), []);
        assert.deepEqual(reasons(record("7.13.9", "8.0.29"), record("8.5.1", "8.0.29")), [], "7.13 -> 8.5 on MongoDB 8.0");
    });

    it("Rocket.Chat downgrade: refused with the versions and the way back", () => {
        assert.deepEqual(reasons(record("8.5.1", "8.0.29"), record("8.4.3", "8.0.29")), [
            "rocketchatImage: Rocket.Chat 8.5.1 -> 8.4.3 is a downgrade: 8.5.1 has migrated the database and an older server must not run on it. " +
            "Keep 8.5.1 or newer; to go back, restore the pre-upgrade backup taken before 8.5.1 was deployed (docs/backup.md)",
        ]);
    });

    it("Rocket.Chat major skip: refused with the supported path", () => {
        assert.deepEqual(reasons(record("7.13.9", "8.0.29"), record("9.0.0", "8.0.29")), [
            "rocketchatImage: Rocket.Chat 7.13.9 -> 9.0.0 skips a major version; the supported path is 7.x -> 8.x -> 9.x, one pulumi up each " +
            "(forward only, from one major to the next at most (7.x -> any 8.x), never back: Rocket.Chat migrates its data forward only (PR #36168))",
        ]);
    });

    it("MongoDB major skip (6.0 -> 8.0): refused with the path", () => {
        assert.deepEqual(reasons(record("7.10.0", "6.0.20"), record("7.10.0", "8.0.29")).filter((r) => r.startsWith("mongodbImage")), [
            "mongodbImage: MongoDB 6.0 -> 8.0 skips a major release; the supported path is 6.0 -> 7.0 -> 8.0, one pulumi up each, so the featureCompatibilityVersion is raised in between",
        ]);
    });

    it("MongoDB binary below the recorded featureCompatibilityVersion: refused, the FCV is never lowered", () => {
        assert.deepEqual(reasons(record("7.13.9", "8.0.29"), record("7.13.9", "7.0.26")), [
            "mongodbImage: MongoDB 8.0 -> 7.0 is below the featureCompatibilityVersion 8.0 the finalize Job raised after every member ran 8.0: " +
            "a 7.0 binary cannot open this data and this program never lowers the FCV. Keep mongodbImage at 8.0.x " +
            "(a downgrade means lowering the FCV by hand first, following MongoDB's downgrade procedure)",
        ]);
    });

    it("reproduction (issue 24 finding 5): the next series while the recorded FCV lags is refused with the run that finishes it", () => {
        const oldProgram = record("7.13.9", "7.0.26"); // written before the finalize Job existed: no FCV recorded
        assert.deepEqual(reasons(oldProgram, record("7.13.9", "8.0.29")), [
            "mongodbImage: MongoDB 7.0 -> 8.0 needs the replica set's featureCompatibilityVersion at 7.0, and it was never recorded " +
            "(this stack was deployed before the finalize Job existed, which skipped raising it): 8.0 members would not start on this data. " +
            "Run pulumi up once with mongodbImage unchanged (7.0.26): its finalize Job raises the FCV after every member runs 7.0 and records it; then change mongodbImage",
        ]);
        assert.match(reasons(record("7.13.9", "7.0.26", { featureCompatibilityVersion: "6.0" }), record("7.13.9", "8.0.29"))[0], /and it is recorded as 6\.0: 8\.0 members would not start/);
        assert.deepEqual(reasons(oldProgram, record("7.13.9", "7.0.28")), [], "a patch of the running series stays allowed");
        assert.deepEqual(reasons(record("7.13.9", "7.0.26", { featureCompatibilityVersion: "7.0" }), record("7.13.9", "8.0.29")), [], "finalized: the next series is allowed");
    });

    it("a record carries the FCV its run's finalize Job raised, and reads back with it; a malformed one is rejected", () => {
        const written = recordFor("rocketchat", settingsFor("prod"));
        assert.equal(written.featureCompatibilityVersion, "8.0");
        assert.deepEqual(parseDeploymentRecord(JSON.parse(JSON.stringify(written))), written);
        assert.equal(parseDeploymentRecord({ ...written, featureCompatibilityVersion: "eight" }), undefined);
        const { featureCompatibilityVersion: _, ...older } = written;
        assert.deepEqual(parseDeploymentRecord(older), older, "a record from before the finalize Job reads back without one");
    });

    it("the issue's downgrade (8.5.1 + mongo 8.0 -> 7.10.0 + mongo 7.0) is refused on both counts", () => {
        const refused = reasons(record("8.5.1", "8.0.29"), record("7.10.0", "7.0.26"));
        assert.equal(refused.length, 2);
        assert.match(refused[0], /^rocketchatImage: Rocket\.Chat 8\.5\.1 -> 7\.10\.0 is a downgrade/);
        assert.match(refused[1], /^mongodbImage: MongoDB 8\.0 -> 7\.0 is below the featureCompatibilityVersion 8\.0/);
    });

    it("Rocket.Chat and MongoDB changing series in one run: refused with the order that keeps every pair supported", () => {
        const finalized = { featureCompatibilityVersion: "7.0" };
        assert.deepEqual(reasons(record("7.10.0", "7.0.26", finalized), record("8.5.1", "8.0.29")), [
            "rocketchatImage: Rocket.Chat 7.10.0 -> 8.5.1 and MongoDB 7.0.26 -> 8.0.29 in one run would roll pods and members together through pairs " +
            "Rocket.Chat does not support (Rocket.Chat 7.10: MongoDB 5.0, 6.0, 7.0). Change one at a time: first Rocket.Chat 7.13 (supports MongoDB 7.0 and 8.0), " +
            "then MongoDB 8.0, then Rocket.Chat 8.5.1",
        ]);
        assert.match(reasons(record("7.13.9", "7.0.26", finalized), record("8.5.1", "8.0.29"))[0], /first MongoDB 8\.0 with Rocket\.Chat 7\.13\.9, then Rocket\.Chat 8\.5\.1$/);
    });

    it("replica set renamed, member host names changed, members lowered without the opt-in: refused with what to do", () => {
        const [rename] = reasons(record("8.5.1", "8.0.29"), record("8.5.1", "8.0.29", { replicaSetName: "rs1" }));
        assert.match(rename, /^mongodbReplicaSetName: the replica set is named 'rs0' and cannot be renamed in place .* Set mongodbReplicaSetName back to 'rs0'; to use another name, back up, deploy a new stack with it and restore$/);
        const [domain] = reasons(record("8.5.1", "8.0.29"), record("8.5.1", "8.0.29", { memberHosts: hosts(3, "corp.example") }));
        assert.match(domain, /^clusterDomain: the members are known to the replica set as <pod>\.rocketchat-mongodb-headless\.chat\.svc\.cluster\.local:27017; the settings now give <pod>\.rocketchat-mongodb-headless\.chat\.svc\.corp\.example:27017/);
        assert.match(domain, /Set clusterDomain \(and namespace\) back/);
        const [shrink] = reasons(record("8.5.1", "8.0.29", { memberHosts: hosts(5) }), record("8.5.1", "8.0.29"));
        assert.match(shrink, /^mongodbMembers: the replica set has 5 voting members; dropping to 3 pods would leave 2 voters without pods.*Set mongodbMembers back to 5, or set mongodbAllowMemberRemoval to true/);
        assert.deepEqual(reasons(record("8.5.1", "8.0.29", { memberHosts: hosts(5) }), record("8.5.1", "8.0.29"), { allowMemberRemoval: true }), [], "with the opt-in");
        assert.deepEqual(reasons(record("8.5.1", "8.0.29"), record("8.5.1", "8.0.29", { memberHosts: hosts(5) })), [], "growing is always allowed");
    });
});

describe("Rocket.Chat/MongoDB support table (release notes)", () => {
    it("every line names its source; 7.x before 7.13 runs on MongoDB 7.0 only here, 7.13 on 7.0 or 8.0, 8.0/8.1 need 8.2, 8.2+ runs on 8.0", () => {
        assert.ok(rocketchatMongodbSupport.every((line) => /release notes|PR #\d+|#\d+/.test(line.source)));
        const series = (v: string) => deployableSeriesFor(parseVersion(v)!);
        assert.deepEqual(series("7.10.0"), ["7.0"]);
        assert.deepEqual(series("7.13.9"), ["7.0", "8.0"]);
        assert.deepEqual(series("8.1.6"), []);
        assert.deepEqual(series("8.5.1"), ["8.0"]);
    });

    it("the settings check reads the table: 7.13 with MongoDB 8.0 is accepted, 8.1 is refused naming the MongoDB it needs", () => {
        settingsFor("prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.13.9" });
        assert.throws(() => settingsFor("prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8.1.6" }),
            /rocketchatImage = "registry\.rocket\.chat\/rocketchat\/rocket\.chat:8\.1\.6": must be a version whose MongoDB this program deploys: Rocket\.Chat 8\.1 supports only MongoDB 8\.2/);
        assert.throws(() => settingsFor("prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.10.0" }), /mongodbImage = "mongo:8\.0\.29": must be MongoDB 7\.0 for Rocket\.Chat 7\.10/);
    });
});

describe("upgrade guard before anything is declared", () => {
    const prodHosts = hosts(3).map((h) => h.replace(".chat.svc.", ".rocketchat-prod.svc."));

    it("enforceGuard throws every refusal with the deployed versions and the setting each one names", () => {
        const previous = record("8.5.1", "8.0.29", { memberHosts: prodHosts });
        const next = recordFor("rocketchat", settingsFor("prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.10.0", mongodbImage: "mongo:7.0.26" }));
        const error = (() => {
            try {
                enforceGuard(previous, next, allow);
            } catch (e) {
                return e as UpgradeRefused;
            }
            return undefined;
        })();
        assert.ok(error instanceof UpgradeRefused, "refused");
        assert.match(error.message, /^Upgrade refused before anything changed \(deployed: Rocket\.Chat 8\.5\.1, MongoDB 8\.0\.29, replica set 'rs0' with 3 members\):\n  - rocketchat-ha:rocketchatImage = "7\.10\.0": Rocket\.Chat 8\.5\.1 -> 7\.10\.0 is a downgrade/);
        assert.deepEqual(error.refusals.map((r) => r.setting), ["rocketchatImage", "mongodbImage"]);
        assert.doesNotThrow(() => enforceGuard(undefined, next, allow), "a first install is never refused");
    });
});

describe("upgrade guard Job", () => {
    const prodHosts = hosts(3).map((h) => h.replace(".chat.svc.", ".rocketchat-prod.svc."));
    /** Stand for values the program knows only as Outputs. */
    const usersSecret = "<mongodb-users-secret-name>";
    const backupClaim = "<backup-claim-name>";
    const peers = (s: Settings, backupClaimName: string | undefined = backupClaim): UpgradeGuardPeers<never> => ({
        hosts: prodHosts,
        mongodbClientLabels: { "rocketchat-ha.io/mongodb-client": "rocketchat" },
        mongoImageUid: 999,
        rootCredentials: { secretName: usersSecret, usernameKey: "root-username", passwordKey: "root-password" },
        backupCredentials: { secretName: usersSecret, usernameKey: "backup-username", passwordKey: "backup-password" },
        backupClaimName,
        backupResources: { cpuRequest: s.backupCpuRequest, cpuLimit: s.backupCpuLimit, memoryRequest: s.backupMemoryRequest, memoryLimit: s.backupMemoryLimit },
    });
    const guardObjects = (overrides: Record<string, unknown>, previous: DeploymentRecord, backupClaimName?: string) => {
        const s = settingsFor("prod", overrides);
        return upgradeGuardObjects(upgradeGuardArgsFromSettings("rocketchat", s, previous, recordFor("rocketchat", s), peers(s, backupClaimName)));
    };

    it("an allowed upgrade runs the guard first, then backs up apart from the nightly archives", () => {
        const previous = record("8.5.1", "8.0.29", { memberHosts: prodHosts });
        const { job, configMap } = guardObjects({ rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8.5.2" }, previous, backupClaim);
        assert.match(job.metadata!.name!, /^rocketchat-upgrade-guard-[0-9a-f]{8}$/);
        const pod = job.spec!.template.spec!;
        const guard = pod.initContainers![0];
        const env = Object.fromEntries(guard.env!.filter((e) => "value" in e).map((e) => [e.name, e.value]));
        assert.equal(env.MODE, "prepare");
        assert.equal(env.TARGET_MONGODB_VERSION, "8.0.29");
        assert.equal(env.MEMBER_REMOVAL_ALLOWED, "false");
        assert.deepEqual(guard.env!.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom!.secretKeyRef]), [
            ["ROOT_USERNAME", { name: usersSecret, key: "root-username" }], ["ROOT_PASSWORD", { name: usersSecret, key: "root-password" }]]);
        const backup = pod.containers[0];
        const backupEnv = Object.fromEntries(backup.env!.filter((e) => "value" in e).map((e) => [e.name, e.value]));
        assert.deepEqual(backup.command, ["bash", "/scripts/backup.sh"]);
        assert.equal(backupEnv.BACKUP_DIR, "/backup/pre-upgrade", "its own directory: nightly retention never sees it");
        assert.equal(backupEnv.LOCK_ROOT, "/backup", "but the claim's one lock: never at once with a nightly backup, a verification or a restore (issue 25 finding 4)");
        assert.equal(backupEnv.ARCHIVE_PREFIX, "pre-upgrade-rocketchat");
        assert.ok(!backup.env!.some((e) => e.name === "MONGODB_PASSWORD" && "value" in e), "the password only from the Secret");
        assert.deepEqual(pod.volumes!.find((v) => v.name === "backup"), { name: "backup", persistentVolumeClaim: { claimName: backupClaim } });
        assert.ok(configMap.data!["backup.sh"] && configMap.data!["bootstrap.js"], "the scripts it runs are in its ConfigMap");
        const s852 = settingsFor("prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8.5.2" });
        assert.deepEqual(recordFor("rocketchat", s852),
            { rocketchatVersion: "8.5.2", mongodbVersion: "8.0.29", replicaSetName: "rs0", memberHosts: prodHosts, ...initialCredentials, data: dataPlacementOf(s852), signIn: signInRecordOf(s852),
                featureCompatibilityVersion: "8.0" });
    });

    it("without backups only guards, and the Job's name follows the change it guards", () => {
        const previous = record("8.5.1", "8.0.29", { memberHosts: prodHosts });
        const upgrade = { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8.5.2" };
        const noBackups = guardObjects({ ...upgrade, backupEnabled: false }, previous, undefined);
        assert.deepEqual(noBackups.job.spec!.template.spec!.containers.map((c) => c.name), ["guard-done"]);
        assert.deepEqual(Object.keys(noBackups.configMap.data!), ["bootstrap.js", "userGenerations.js"], "bootstrap.js and the module it requires");
        const again = guardObjects(upgrade, previous).job.metadata!.name;
        assert.equal(guardObjects(upgrade, previous).job.metadata!.name, again, "the same change, the same Job");
        assert.notEqual(guardObjects({ rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8.5.3" }, previous).job.metadata!.name, again);
    });

    it("left out, the member-removal opt-in is off as in Pulumi.yaml", () => {
        const previous = record("8.5.1", "8.0.29", { memberHosts: prodHosts });
        const s = settingsFor("prod");
        const args = upgradeGuardArgsFromSettings("rocketchat", s, previous, recordFor("rocketchat", s), peers(s));
        const { allowMemberRemoval: _given, ...withoutOptIn } = args;
        assert.deepEqual(upgradeGuardObjects(withoutOptIn), upgradeGuardObjects({ ...args, allowMemberRemoval: JSON.parse(projectDefaults()["rocketchat-ha:mongodbAllowMemberRemoval"]) }));
    });

    it("is declared only for a change: not on a first install, not when versions and members are as recorded", () => {
        const next = recordFor("rocketchat", settingsFor("prod"));
        assert.equal(guardJobNeeded(undefined, next), false, "first install");
        // The record comes back from the backend as JSON.
        const readBack = parseDeploymentRecord(JSON.parse(JSON.stringify(next)));
        assert.equal(guardJobNeeded(readBack, next), false, "no needless backup on every run");
        assert.equal(guardJobNeeded(readBack, { ...next, rocketchatVersion: "8.5.2" }), true);
        assert.equal(guardJobNeeded(readBack, { ...next, memberHosts: next.memberHosts.slice(0, 1) }), true);
    });

    it("prod's first install records its versions, replica set and member hosts (the program exports this record: test/program.test.ts)", () => {
        const prodHosts = [0, 1, 2].map((i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.rocketchat-prod.svc.cluster.local:27017`);
        assert.deepEqual(recordFor("rocketchat", settingsFor("prod")), {
            rocketchatVersion: "8.5.1", mongodbVersion: "8.0.29", replicaSetName: "rs0", memberHosts: prodHosts, ...initialCredentials,
            // Raised by the finalize Job before the record is written (components/mongodb/featureCompatibilityJob.ts).
            featureCompatibilityVersion: "8.0",
            // Where the data lives (components/upgrades/dataPlacement.ts): what the next run may not change in place.
            data: {
                mongodbDatabase: "rocketchat",
                mongodbStorage: { storageClass: "fast-ssd", size: "100Gi" },
                uploadsStorage: "FileSystem",
                uploadsClaim: { storageClass: "nfs-rwx", size: "200Gi", accessMode: "ReadWriteMany" },
                backupClaim: { storageClass: "", size: "50Gi", deleteOnDestroy: false },
            },
            // The platform and the sign-in (components/upgrades/platformSwitches.ts).
            signIn: { platform: "kubernetes", ssoEnabled: true, keycloakRealm: "staff" },
        });
    });
});
