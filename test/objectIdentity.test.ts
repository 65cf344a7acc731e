// Object identity over the whole stack (components/stack/objectIdentity.ts),
// on the built objects: each object the stack declares has an identity of its
// own, and a setting that names a Secret, ConfigMap or claim names one it may.
// Pure: milliseconds per case. test/objectIdentityProgram.test.ts proves the
// program refuses the same cases before declaring anything.
import { strict as assert } from "assert";
import { checkObjectIdentity, objectIdentityFindings } from "../components/stack/objectIdentity";
import { keyReferences } from "../components/stack/keyReferences";
import { ownershipOf } from "../components/stack/ownedObjects";
import { instance, PlatformEntry, platformObjects } from "../components/stack/platformObjects";
import { recordFor } from "../components/platform";
import { DeploymentRecord } from "../components/upgrades/deploymentRecord";
import { stackIdentityOf } from "./support/platformBuild";
import { settingsFor } from "./support/settings";
import { stacks } from "./support/stacks";

function findingsFor(stack: string, overrides: Record<string, unknown> = {}, previous?: DeploymentRecord) {
    const s = settingsFor(stack, overrides);
    return objectIdentityFindings(platformObjects(s, stackIdentityOf(stack), undefined, previous), s);
}

/** The one refusal of `setting`; fails unless there is exactly one and nothing else. */
function refusalOf(stack: string, overrides: Record<string, unknown>, previous?: DeploymentRecord) {
    const findings = findingsFor(stack, overrides, previous);
    assert.deepEqual(findings.defects, []);
    assert.equal(findings.refusals.length, 1, JSON.stringify(findings.refusals, null, 2));
    return findings.refusals[0];
}

const accepted = (stack: string, overrides: Record<string, unknown>) => assert.deepEqual(findingsFor(stack, overrides), { refusals: [], defects: [] });

/** The names of the objects of `kind` prod declares. */
const prodNames = (kind: string) => platformObjects(settingsFor("prod"), stackIdentityOf("prod"))
    .filter((entry) => entry.object.kind === kind).map((entry) => entry.object.metadata.name as string);

describe("object identity: the stacks as configured", () => {
    for (const stack of stacks) {
        it(`${stack}: every object has an identity of its own, and every named Secret and claim is one the stack may name`, () => {
            assert.deepEqual(findingsFor(stack), { refusals: [], defects: [] });
        });
    }
});

describe("object identity: GridFS uploads", () => {
    it("a stack with backups and GridFS uploads (no uploads CronJob) is checked, not crashed on", () => {
        for (const stack of ["dev", "prod"]) {
            assert.ok(platformObjects(settingsFor(stack, { uploadsStorage: "GridFS" }), stackIdentityOf(stack)).every((entry) => entry.object !== undefined), stack);
            checkObjectIdentity(settingsFor(stack, { uploadsStorage: "GridFS" }), stackIdentityOf(stack));
        }
    });
});

describe("object identity: a declared name that another object of the stack has", () => {
    it("refuses monitoringDashboardName: rocketchat-stack-identity (two ConfigMaps under one name), naming both components", () => {
        const refusal = refusalOf("prod", { monitoringDashboardName: `${instance}-stack-identity` });
        assert.equal(refusal.setting, "monitoringDashboardName");
        assert.equal(refusal.value, "rocketchat-stack-identity");
        assert.match(refusal.allowed, /ConfigMap rocketchat-prod\/rocketchat-stack-identity 2 times \(components Platform and Monitoring\).*Choose another name/);
    });

    it("refuses a dashboard named like the upgrade guard's ConfigMap on an upgrade run, whose objects include the guard's", () => {
        const previous = recordFor(instance, settingsFor("prod"));
        const overrides = { monitoringDashboardName: `${instance}-upgrade-guard`, mongodbMembers: 5 };
        assert.match(refusalOf("prod", overrides, previous).allowed, /components Platform and Monitoring/);
        // A first install declares no guard.
        accepted("prod", overrides);
    });

    it("accepts the same name in another namespace (monitoringDashboardNamespace)", () => {
        accepted("prod", { monitoringDashboardName: `${instance}-stack-identity`, monitoringDashboardNamespace: "grafana" });
    });
});

describe("object identity: a Secret written by others (tlsSecretName, imagePullSecrets) must not be the stack's", () => {
    it("refuses tlsSecretName: rocketchat-mongodb-keyfile (cert-manager would overwrite the keyfile)", () => {
        const refusal = refusalOf("prod", { tlsSecretName: `${instance}-mongodb-keyfile` });
        assert.equal(refusal.setting, "tlsSecretName");
        assert.match(refusal.allowed, /^the name of a Secret the stack does not own: Secret rocketchat-prod\/rocketchat-mongodb-keyfile is declared by the stack \(component Credentials\), and .*cert-manager/);
    });

    it("refuses every Secret the stack declares as tlsSecretName and as an image pull Secret", () => {
        const secrets = prodNames("Secret");
        assert.ok(secrets.length >= 5, `prod declares the users, keyfile, admin, connection and oauth Secrets: ${secrets}`);
        for (const name of secrets) {
            assert.equal(refusalOf("prod", { tlsSecretName: name }).setting, "tlsSecretName", name);
            assert.equal(refusalOf("prod", { imagePullSecrets: JSON.stringify([name]) }).setting, "imagePullSecrets", name);
        }
    });
});

describe("object identity: a Secret the pods read keys from (licenseSecretName, smtpSecretName, rocketchatExtraEnv)", () => {
    it("refuses licenseSecretName naming a Secret of the stack: it has no key 'license' (CreateContainerConfigError)", () => {
        const refusal = refusalOf("prod", { licenseSecretName: `${instance}-mongodb-keyfile` });
        assert.equal(refusal.setting, "licenseSecretName");
        assert.match(refusal.allowed, /\('license' missing\): Secret rocketchat-prod\/rocketchat-mongodb-keyfile is declared by the stack \(component Credentials\) and has only 'keyfile', so the pods would not start/);
    });

    it("refuses smtpSecretName naming a Secret of the stack, listing the keys it lacks", () => {
        const refusal = refusalOf("prod", { smtpSecretName: `${instance}-admin` });
        assert.equal(refusal.setting, "smtpSecretName");
        assert.match(refusal.allowed, /\('host', 'port', 'from' missing\)/);
    });

    it("refuses both for every Secret the stack declares", () => {
        for (const name of prodNames("Secret")) {
            assert.equal(refusalOf("prod", { licenseSecretName: name }).setting, "licenseSecretName", name);
            assert.equal(refusalOf("prod", { smtpSecretName: name }).setting, "smtpSecretName", name);
        }
    });

    it("accepts an extra variable read from a key the stack's Secret has, and refuses one it lacks", () => {
        const entry = (key: string) => ({ name: "MONGO_URL_COPY", secretKeyRef: { name: `${instance}-mongodb-connection`, key } });
        accepted("prod", { rocketchatExtraEnv: JSON.stringify([entry("mongo-url")]) });
        const refusal = refusalOf("prod", { rocketchatExtraEnv: JSON.stringify([entry("url")]) });
        assert.equal(refusal.setting, "rocketchatExtraEnv");
        assert.deepEqual(refusal.value, entry("url"));
    });

    it("accepts Secrets the stack does not declare", () => {
        accepted("prod", { licenseSecretName: "rocketchat-license", smtpSecretName: "smtp", tlsSecretName: "chat-tls", imagePullSecrets: JSON.stringify(["mirror"]) });
    });
});

describe("object identity: backupExistingClaim must not be a claim of the stack (a live volume in backup pods)", () => {
    it("refuses each MongoDB member's data claim, every ordinal up to mongodbMembers and beyond (a scale-down keeps them)", () => {
        for (const members of [3, 5]) {
            for (let ordinal = 0; ordinal < 7; ordinal++) {
                const refusal = refusalOf("prod", { mongodbMembers: members, backupExistingClaim: `data-${instance}-mongodb-${ordinal}` });
                assert.equal(refusal.setting, "backupExistingClaim");
                assert.match(refusal.allowed, new RegExp(`is the claim of pod rocketchat-mongodb-${ordinal} \\(StatefulSet rocketchat-mongodb, volumeClaimTemplate 'data'\\)`));
            }
        }
    });

    it("refuses the uploads claim", () => {
        assert.match(refusalOf("prod", { backupExistingClaim: `${instance}-uploads` }).allowed, /rocketchat-uploads is declared by the stack \(component RocketChat\)/);
    });

    it("accepts a claim of its own, and the backup claim the stack would otherwise create (kept by an earlier run)", () => {
        accepted("prod", { backupExistingClaim: "nfs-backups" });
        accepted("prod", { backupExistingClaim: `${instance}-backup` });
        // Not a member's claim: the controller writes ordinals without leading zeros.
        accepted("prod", { backupExistingClaim: `data-${instance}-mongodb-01` });
    });
});

describe("object identity: the generic parts", () => {
    const entry = (object: any, component: PlatformEntry["component"] = "Platform"): PlatformEntry => ({ component, object, retainOnDelete: false });
    const configMap = (name: string, namespace = "ns") => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: { a: "1" } });
    const settings = settingsFor("dev");

    it("reports a collision no setting explains as a defect of the program", () => {
        const findings = objectIdentityFindings([entry(configMap("x")), entry(configMap("x"), "Monitoring"), entry(configMap("x", "other"))], settings);
        assert.deepEqual(findings, { refusals: [], defects: ["ConfigMap ns/x is declared 2 times (components Platform and Monitoring)"] });
    });

    it("tells objects apart by API group, not version", () => {
        const hpa = (apiVersion: string) => ({ apiVersion, kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "ns" } });
        assert.equal(objectIdentityFindings([entry(hpa("autoscaling/v2")), entry(hpa("autoscaling/v1"))], settings).defects.length, 1);
    });

    it("reports a required key the stack's own Secret lacks as a defect; an optional one is not read", () => {
        const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "ns" }, stringData: { a: "1" } };
        const pod = (optional?: true) => ({
            apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "ns" },
            spec: { template: { spec: { containers: [{ name: "c", env: [{ name: "B", valueFrom: { secretKeyRef: { name: "s", key: "b", ...(optional ? { optional } : {}) } } }] }] } } },
        });
        assert.deepEqual(objectIdentityFindings([entry(secret), entry(pod())], settings).defects, ["Secret ns/s (declared by the stack (component Platform)) lacks 'b', which the stack's pods read"]);
        assert.deepEqual(objectIdentityFindings([entry(secret), entry(pod(true))], settings).defects, []);
    });

    it("reads keys from env references and from volumes' items", () => {
        const job = {
            apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "ns" },
            spec: { template: { spec: {
                containers: [{ name: "c", env: [{ name: "E", valueFrom: { configMapKeyRef: { name: "cm", key: "k1" } } }] }],
                volumes: [{ name: "v", secret: { secretName: "s", items: [{ key: "k2", path: "p" }] } }, { name: "w", configMap: { name: "cm2" } }],
            } } },
        };
        assert.deepEqual(keyReferences([job]).map((r) => `${r.target.kind}/${r.target.name}/${r.key}`), ["ConfigMap/cm/k1", "Secret/s/k2"]);
    });

    it("owns a StatefulSet's template claims by name, in its namespace only", () => {
        const statefulSet = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "ns" }, spec: { volumeClaimTemplates: [{ metadata: { name: "data" } }] } };
        const ownership = ownershipOf([entry(statefulSet)]);
        const claim = (name: string, namespace = "ns") => ownership.find({ group: "", kind: "PersistentVolumeClaim", namespace, name });
        assert.ok(claim("data-db-0") && claim("data-db-12"));
        assert.equal(claim("data-db-0", "other"), undefined);
        assert.equal(claim("data-db-"), undefined);
        assert.equal(claim("logs-db-0"), undefined);
    });

    it("checkObjectIdentity throws the refusals as a ConfigError in loadSettings' words", () => {
        const s = settingsFor("prod", { licenseSecretName: `${instance}-admin` });
        assert.throws(() => checkObjectIdentity(s, stackIdentityOf("prod")), (error: Error) =>
            error.name === "ConfigError" && error.message.includes(`rocketchat-ha:licenseSecretName = "rocketchat-admin": must be a Secret with every key`));
    });
});
