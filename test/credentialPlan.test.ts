/**
 * Rotation on purpose (components/credentialPlan.ts): which generation of
 * each credential a run declares given the previous run's record, what it
 * refuses before anything is declared, and the keyfile text members get.
 */
import { strict as assert } from "assert";
import * as yaml from "js-yaml";
import { randomBytes } from "crypto";
import {
    credentialIds, CredentialId, generationName, generationSettings, Generations, initialCredentials, planCredentials, planDigestInput,
    RecordedCredentials, rolloutAnnotations, rotationRefusals, rotationWarnings, wantedGenerations,
} from "../components/credentialPlan";
import { keyfileBytes, keyfileText, mongoUserRef } from "../components/credentialObjects";
import { parseDeploymentRecord } from "../components/upgrades/deploymentRecord";
import { settingsFor } from "./support/settings";

const all = (generation: number): Generations => Object.fromEntries(credentialIds.map((id) => [id, generation])) as Record<CredentialId, number>;
const recorded = (generations: Partial<Generations> = {}, keyfilePhase: "single" | "both" = "single"): RecordedCredentials =>
    ({ credentialGenerations: { ...all(0), ...generations }, keyfilePhase });
const noGuard = { upgradeGuardRuns: false };

describe("credential rotation plans", () => {
    it("a fresh install at generation 0 declares one generation of each, nothing previous, one key", () => {
        const plan = planCredentials(undefined, all(0));
        for (const id of credentialIds) {
            assert.deepEqual(plan.credentials[id], { current: 0 }, id);
        }
        assert.deepEqual(plan.keyfileKeys, [0]);
        assert.equal(plan.keyfileChanges, false);
        assert.deepEqual(plan.record, initialCredentials);
    });

    it("a fresh install at generation 3 starts there: no previous generation to keep, nothing refused", () => {
        const plan = planCredentials(undefined, all(3));
        for (const id of credentialIds) {
            assert.deepEqual(plan.credentials[id], { current: 3 }, id);
        }
        assert.deepEqual(plan.keyfileKeys, [3]);
        assert.deepEqual(rotationRefusals(undefined, all(3), noGuard), []);
        assert.deepEqual(plan.record, { credentialGenerations: all(3), keyfilePhase: "single" });
    });

    it("steady: the recorded generations again declare them alone", () => {
        const plan = planCredentials(recorded(all(2)), all(2));
        assert.ok(credentialIds.every((id) => plan.credentials[id].previous === undefined));
        assert.deepEqual(plan.keyfileKeys, [2]);
        assert.equal(plan.keyfileChanges, false);
        assert.deepEqual(rotationWarnings(plan), []);
    });

    for (const id of credentialIds) {
        it(`rotating ${id} alone (${generationSettings[id]} 4 -> 5) declares generations 4 and 5 of ${id} only`, () => {
            const before = recorded(all(4));
            const wanted = { ...all(4), [id]: 5 };
            assert.deepEqual(rotationRefusals(before, wanted, noGuard), []);
            const plan = planCredentials(before, wanted);
            assert.deepEqual(plan.credentials[id], { current: 5, previous: 4 });
            for (const other of credentialIds.filter((o) => o !== id)) {
                assert.deepEqual(plan.credentials[other], { current: 4 }, other);
            }
            assert.deepEqual(plan.record.credentialGenerations, wanted);
            assert.equal(plan.record.keyfilePhase, id === "keyfile" ? "both" : "single");
        });
    }

    it("keyfile: rotate (both keys, old first) -> finish (new key alone) -> steady, a rolling restart in the first two runs only", () => {
        const rotate = planCredentials(recorded(), { ...all(0), keyfile: 1 });
        assert.deepEqual(rotate.keyfileKeys, [0, 1]);
        assert.equal(rotate.keyfileChanges, true);
        assert.equal(rotate.record.keyfilePhase, "both");
        assert.match(rotationWarnings(rotate).join(), /half done.*Run pulumi up again \(with mongodbKeyfileGeneration unchanged\)/);

        const finish = planCredentials(rotate.record, { ...all(0), keyfile: 1 });
        assert.deepEqual(finish.keyfileKeys, [1]);
        assert.deepEqual(finish.credentials.keyfile, { current: 1 }, "generation 0 is no longer declared: the engine deletes it");
        assert.equal(finish.keyfileChanges, true);
        assert.equal(finish.record.keyfilePhase, "single");
        assert.deepEqual(rotationWarnings(finish), []);

        const steady = planCredentials(finish.record, { ...all(0), keyfile: 1 });
        assert.deepEqual(steady.keyfileKeys, [1]);
        assert.equal(steady.keyfileChanges, false);
        // The members' annotation differs in each of the two runs, and not after.
        const annotation = (p: typeof rotate) => JSON.stringify(rolloutAnnotations(p, ["keyfile"]));
        assert.notEqual(annotation(rotate), annotation(finish));
        assert.equal(annotation(finish), annotation(steady));
        assert.deepEqual(rolloutAnnotations(planCredentials(undefined, all(0)), ["keyfile"]), {}, "a stack that never rotated does not roll");
    });

    it("a failed rotation run (record unchanged) plans the same rotation again", () => {
        const before = recorded({ app: 2 });
        const wanted = { ...all(0), app: 3 };
        assert.deepEqual(planCredentials(before, wanted), planCredentials(before, wanted));
        assert.deepEqual(planCredentials(before, wanted).credentials.app, { current: 3, previous: 2 });
    });

    it("the bootstrap digest input is absent until something rotates, and names generations only", () => {
        assert.equal(planDigestInput(planCredentials(undefined, all(0))), undefined);
        assert.equal(planDigestInput(planCredentials(recorded(), all(0))), undefined);
        const rotate = planCredentials(recorded(), { ...all(0), app: 1 });
        const steady = planCredentials(rotate.record, { ...all(0), app: 1 });
        assert.notDeepEqual(planDigestInput(rotate), planDigestInput(steady), "the run after a rotation runs the bootstrap again (it drops the previous user)");
    });

    describe("refusals, before anything is declared", () => {
        it("lowering a generation names the setting, the value, the recorded generation and what is allowed", () => {
            const [refusal, ...more] = rotationRefusals(recorded({ app: 3 }), { ...all(0), app: 2 }, noGuard);
            assert.deepEqual(more, []);
            assert.equal(refusal.setting, "mongodbAppPasswordGeneration");
            assert.equal(refusal.value, 2);
            assert.match(refusal.reason, /last run deployed generation 3.*set mongodbAppPasswordGeneration to 3 \(keep\) or 4 \(rotate\)/);
        });

        it("raising by more than one is refused", () => {
            const refusals = rotationRefusals(recorded({ monitoring: 1 }), { ...all(0), monitoring: 3 }, noGuard);
            assert.deepEqual(refusals.map((r) => [r.setting, r.value]), [["mongodbMonitoringPasswordGeneration", 3]]);
            assert.match(refusals[0].reason, /skipping generations.*set mongodbMonitoringPasswordGeneration to 1 \(keep\) or 2 \(rotate\)/);
        });

        it("a new keyfile rotation while the previous one is half done is refused (MongoDB reads at most two keys)", () => {
            const refusals = rotationRefusals(recorded({ keyfile: 1 }, "both"), { ...all(0), keyfile: 2 }, noGuard);
            assert.deepEqual(refusals.map((r) => [r.setting, r.value]), [["mongodbKeyfileGeneration", 2]]);
            assert.match(refusals[0].reason, /half done.*Run pulumi up once more with mongodbKeyfileGeneration = 1 to finish it, then raise it to 2/);
            assert.deepEqual(rotationRefusals(recorded({ keyfile: 1 }, "both"), { ...all(0), keyfile: 1 }, noGuard), [], "finishing is allowed");
        });

        it("root and backup may not rotate in a run the upgrade guard runs in; the others may", () => {
            const wanted = { ...all(0), root: 1, backup: 1, app: 1, keyfile: 1 };
            const refusals = rotationRefusals(recorded(), wanted, { upgradeGuardRuns: true });
            assert.deepEqual(refusals.map((r) => r.setting), ["mongodbRootPasswordGeneration", "mongodbBackupPasswordGeneration"]);
            assert.match(refusals[0].reason, /upgrade guard Job runs first and logs in with the root credentials.*keep mongodbRootPasswordGeneration at 0 for this change, then raise it to 1/);
            assert.deepEqual(rotationRefusals(recorded(), wanted, noGuard), []);
        });

        it("the admin password may not rotate while a restore runs (no channels Job changes it in Rocket.Chat); the MongoDB credentials may", () => {
            const wanted = { ...all(0), admin: 1, app: 1 };
            const refusals = rotationRefusals(recorded(), wanted, { upgradeGuardRuns: false, restoreRuns: true });
            assert.deepEqual(refusals.map((r) => [r.setting, r.value]), [["adminPasswordGeneration", 1]]);
            assert.match(refusals[0].reason, /restore is in progress.*Keep adminPasswordGeneration at 0 until the restore is finished/);
            assert.deepEqual(rotationRefusals(recorded(), wanted, noGuard), []);
        });

        it("an old record without credential fields reads as every generation 0, one key; a malformed one is no record", () => {
            const old = { rocketchatVersion: "8.5.1", mongodbVersion: "8.0.29", replicaSetName: "rs0", memberHosts: ["a:27017"] };
            const parsed = parseDeploymentRecord(old)!;
            assert.deepEqual({ credentialGenerations: parsed.credentialGenerations, keyfilePhase: parsed.keyfilePhase }, initialCredentials);
            assert.deepEqual(rotationRefusals(parsed, { ...all(0), app: 1 }, noGuard), []);
            assert.equal(rotationRefusals(parsed, { ...all(0), app: 2 }, noGuard).length, 1);
            assert.equal(parseDeploymentRecord({ ...old, credentialGenerations: { app: -1 } }), undefined);
            assert.equal(parseDeploymentRecord({ ...old, keyfilePhase: "three" }), undefined);
        });
    });

    it("reads the wanted generations off the settings (defaults 0)", () => {
        assert.deepEqual(wantedGenerations(settingsFor("prod")), all(0));
        assert.deepEqual(wantedGenerations(settingsFor("prod", { mongodbKeyfileGeneration: "2", adminPasswordGeneration: 1 })), { ...all(0), keyfile: 2, admin: 1 });
    });

    it("names: generation 0 keeps today's resource and user names; later ones end in -g<N>; root stays root", () => {
        assert.equal(generationName("rocketchat-mongodb-app", 0), "rocketchat-mongodb-app");
        assert.equal(generationName("rocketchat-mongodb-app", 2), "rocketchat-mongodb-app-g2");
        assert.equal(mongoUserRef("app", 0).username, "rocketchat");
        assert.equal(mongoUserRef("app", 1).username, "rocketchat-g1");
        assert.equal(mongoUserRef("backup", 3).username, "backup-g3");
        assert.equal(mongoUserRef("root", 3).username, "root");
        assert.equal(mongoUserRef("app", 7).usernameKey, "app-username", "consumers read the name from the same Secret key");
    });
});

describe("the keyfile's text (MongoDB internal authentication keyfile format)", () => {
    const key = () => randomBytes(keyfileBytes).toString("base64");

    it("one key: the key itself, as stacks always had it", () => {
        const k = key();
        assert.equal(keyfileText([k]), k);
        assert.ok(k.length >= 6 && k.length <= 1024, `${k.length} characters`);
    });

    it("two keys: a YAML sequence, the previous key first (mongod sends key 0 first, then retries with key 1)", () => {
        const [previous, current] = [key(), key()];
        const text = keyfileText([previous, current]);
        assert.deepEqual(yaml.load(text), [previous, current]);
        assert.ok(text.indexOf(previous) < text.indexOf(current));
    });

    it("refuses what mongod refuses: more than two keys, a key outside 6..1024 base64 characters", () => {
        assert.throws(() => keyfileText([key(), key(), key()]), /one or two keys, not 3/);
        assert.throws(() => keyfileText([]), /one or two keys, not 0/);
        assert.throws(() => keyfileText(["abc"]), /6 to 1024 base64 characters \(got 3/);
        assert.throws(() => keyfileText(["x".repeat(1025)]), /6 to 1024 base64 characters/);
        assert.throws(() => keyfileText(["not base64!"]), /base64/);
    });
});
