// The fast two-run model's pieces (tools/transitions/): the changed paths
// and the provider rules each cite, in milliseconds.
import { strict as assert } from "assert";
import { changedPaths, isAtOrBelow } from "../tools/transitions/changedPaths";
import { providerDiff } from "../tools/transitions/providerRules";
import { resourceOfUrn } from "../tools/transitions/plannedSteps";

const mutable = { enableSecretMutable: true, enableConfigMapMutable: true };
const immutable = { enableSecretMutable: false, enableConfigMapMutable: false };
const secret = (data: Record<string, string>) => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "n" }, stringData: data });
const statefulSet = (size: string, replicas = 3) => ({
    apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "n" },
    spec: { replicas, serviceName: "db", volumeClaimTemplates: [{ spec: { resources: { requests: { storage: size } } } }] },
});

describe("the two-run model (tools/transitions)", () => {
    it("changedPaths gives dotted paths, arrays whole", () => {
        assert.deepEqual(changedPaths({ a: { b: 1, c: [1] } }, { a: { b: 2, c: [1, 2] }, d: 1 }), ["a.b", "a.c", "d"]);
        assert.deepEqual(changedPaths({ a: 1 }, { a: 1 }), []);
        assert.ok(isAtOrBelow("spec.template.spec", "spec.template") && !isAtOrBelow("spec.templates", "spec.template"));
    });

    it("a Secret's data replaces it (fixed name: delete first) unless enableSecretMutable", () => {
        const off = providerDiff("kubernetes:core/v1:Secret", secret({ p: "1" }), secret({ p: "2" }), immutable);
        assert.deepEqual(off, { decision: "replace", replaceReasons: ["stringData.p"], deleteBeforeReplace: true });
        assert.equal(providerDiff("kubernetes:core/v1:Secret", secret({ p: "1" }), secret({ p: "2" }), mutable).decision, "update");
    });

    it("a StatefulSet's claim templates force a replacement; its replicas do not", () => {
        assert.equal(providerDiff("kubernetes:apps/v1:StatefulSet", statefulSet("1Gi"), statefulSet("2Gi"), mutable).decision, "replace");
        assert.equal(providerDiff("kubernetes:apps/v1:StatefulSet", statefulSet("1Gi"), statefulSet("1Gi", 5), mutable).decision, "update");
        assert.equal(providerDiff("kubernetes:apps/v1:StatefulSet", statefulSet("1Gi"), statefulSet("2Gi"), mutable, ["spec.volumeClaimTemplates"]).decision, "same",
            "ignoreChanges paths are left out");
    });

    it("a random value is replaced on any input change, never deleted first", () => {
        assert.deepEqual(providerDiff("random:index/randomPassword:RandomPassword", { length: 24 }, { length: 32 }, mutable),
            { decision: "replace", replaceReasons: ["length"], deleteBeforeReplace: false });
    });

    it("a URN names its resource by its own type and name", () => {
        assert.equal(resourceOfUrn("urn:pulumi:prod::rocketchat-ha::rocketchat-ha:index:Platform$kubernetes:core/v1:Secret::rocketchat-admin"), "kubernetes:core/v1:Secret::rocketchat-admin");
    });
});
