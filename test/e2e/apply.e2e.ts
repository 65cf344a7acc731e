/**
 * Every rendered object of every stack goes through a real kube-apiserver:
 * its own validation, defaulting, admission and CRD schemas (the OpenShift
 * Route CRD from openshift/api, with its CEL rules).
 */
import * as assert from "assert";
import { applyObjects, deleteNamespace, getJson, kubectl, kubectlRaw } from "./lib/kube";
import { ofKind, stackObjects } from "./lib/stacks";

/** Lower-case plural resource for `kubectl get`, qualified by group. */
function resourceOf(obj: any): string {
    const [group] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [""];
    return group ? `${obj.kind.toLowerCase()}.${group}` : obj.kind.toLowerCase();
}

describe("server-side apply of every rendered object", function () {
    const namespaces: string[] = [];

    after(async function () {
        await Promise.all(namespaces.map((ns) => deleteNamespace(ns)));
    });

    for (const stack of ["dev", "test", "prod"]) {
        it(`${stack}: the apiserver accepts every object (validation, defaulting, admission)`, async function () {
            const objects = await stackObjects(stack);
            const nsNames = new Set(objects.filter((o) => o.metadata.namespace).map((o) => o.metadata.namespace));
            assert.strictEqual(nsNames.size, 1, `${stack}: objects span namespaces ${[...nsNames]}`);
            const ns = [...nsNames][0] as string;
            namespaces.push(ns);
            if (ofKind(objects, "Namespace").length === 0) {
                // createNamespace=false: the namespace (an OpenShift project) exists beforehand.
                kubectl(["create", "namespace", ns]);
            }
            applyObjects(objects);
            for (const obj of objects) {
                const args = ["get", resourceOf(obj), obj.metadata.name, "-o", "json", "--show-managed-fields"];
                if (obj.metadata.namespace) {
                    args.push("-n", obj.metadata.namespace);
                }
                const res = kubectlRaw(args);
                assert.strictEqual(res.code, 0, `${stack}: ${obj.kind}/${obj.metadata.name} is not in the cluster: ${res.stderr}`);
                const live = JSON.parse(res.stdout);
                const managers = (live.metadata.managedFields ?? []).map((m: any) => m.manager);
                assert.ok(managers.includes("rocketchat-ha-e2e"), `${stack}: ${obj.kind}/${obj.metadata.name} not owned by the apply`);
            }
        });

        it(`${stack}: a second server-side apply is a no-op (no field fights, nothing the apiserver rewrites)`, async function () {
            const objects = await stackObjects(stack);
            const before = getJson(["all,pdb,networkpolicy,secret,configmap,pvc,ingress", "-n", objects.find((o) => o.metadata.namespace).metadata.namespace]);
            const versions = new Map(before.items.map((i: any) => [`${i.kind}/${i.metadata.name}`, i.metadata.resourceVersion]));
            const out = applyObjects(objects);
            assert.ok(!/conflict/i.test(out), out);
            const after = getJson(["all,pdb,networkpolicy,secret,configmap,pvc,ingress", "-n", objects.find((o) => o.metadata.namespace).metadata.namespace]);
            const changed = after.items
                .filter((i: any) => objects.some((o) => o.kind === i.kind && o.metadata.name === i.metadata.name))
                .filter((i: any) => versions.get(`${i.kind}/${i.metadata.name}`) !== i.metadata.resourceVersion)
                // Controllers write status and the HPA scales; only spec changes matter here.
                .filter((i: any) => !["Deployment", "StatefulSet", "Job", "HorizontalPodAutoscaler", "PodDisruptionBudget", "PersistentVolumeClaim", "CronJob"].includes(i.kind));
            assert.deepStrictEqual(changed.map((i: any) => `${i.kind}/${i.metadata.name}`), []);
        });
    }

    it("the HPA, PDBs, NetworkPolicies, CronJobs and Job templates of every stack are stored as declared", async function () {
        const kinds = ["HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "CronJob", "Job"];
        const seen: Record<string, number> = {};
        for (const stack of ["dev", "test", "prod"]) {
            const objects = await stackObjects(stack);
            for (const obj of objects.filter((o) => kinds.includes(o.kind))) {
                const live = getJson([resourceOf(obj), obj.metadata.name, "-n", obj.metadata.namespace]);
                seen[obj.kind] = (seen[obj.kind] ?? 0) + 1;
                switch (obj.kind) {
                    case "HorizontalPodAutoscaler":
                        assert.deepStrictEqual(live.spec.scaleTargetRef, obj.spec.scaleTargetRef);
                        assert.strictEqual(live.spec.minReplicas, obj.spec.minReplicas);
                        assert.strictEqual(live.spec.maxReplicas, obj.spec.maxReplicas);
                        break;
                    case "PodDisruptionBudget":
                        assert.deepStrictEqual(live.spec.selector, obj.spec.selector);
                        assert.deepStrictEqual([live.spec.maxUnavailable, live.spec.minAvailable], [obj.spec.maxUnavailable, obj.spec.minAvailable]);
                        break;
                    case "NetworkPolicy":
                        assert.deepStrictEqual(live.spec.podSelector, obj.spec.podSelector);
                        assert.deepStrictEqual(live.spec.policyTypes ?? [], obj.spec.policyTypes ?? live.spec.policyTypes ?? []);
                        break;
                    case "CronJob":
                        assert.strictEqual(live.spec.schedule, obj.spec.schedule);
                        assert.ok(live.spec.jobTemplate.spec.template.spec.containers.length > 0);
                        break;
                    case "Job":
                        assert.ok(live.spec.template.spec.containers.length > 0);
                        break;
                }
            }
        }
        console.log(`      accepted: ${Object.entries(seen).map(([k, n]) => `${n} ${k}`).join(", ")}`);
        for (const kind of ["HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"]) {
            assert.ok(seen[kind], `no ${kind} rendered in any stack`);
        }
    });
});
