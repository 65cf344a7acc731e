// Workloads are found by their @pulumi/kubernetes class (the resource's type,
// as the analyzer's isType decides), never by what their props claim, and
// each kind's pod template is read where that kind keeps it.
import { strict as assert } from "assert";
import { evaluateWithConfig, PolicyResource, resolvePolicyConfig, resourceUrn } from "../offline";
import { replicasWithinNodes } from "../policies/replicasWithinNodes";
import { autoscaler, compliantObjects, mongoStatefulSet, resources, stack } from "../testing/fixtures";
import { ResourceValidationArgs, StackValidationPolicy } from "./policyTypes";
import { validateWorkloads, workloadsOf } from "./workloads";

const podTemplate = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "main", image: "busybox:1.37.0" }] } };

/** A resource of Pulumi type `type` holding `props`, as the engine hands it over. */
function typed(type: string, name: string, props: Record<string, any>): PolicyResource {
    return { type, name, urn: resourceUrn(stack, type, name), props: { ...props, metadata: { name, namespace: "chat" } } };
}

/** Runs a stack policy that reports each workload it finds as "kind replicas podSpecPath labels". */
async function workloadsFound(found: PolicyResource[]): Promise<string[]> {
    const probe: StackValidationPolicy = {
        name: "probe-workloads",
        description: "Test policy that reports every workload lib/workloads.ts finds in the stack.",
        validateStack: (args, report) => {
            for (const workload of workloadsOf(args.resources)) {
                report(`${workload.title} replicas=${workload.replicas} at ${workload.podSpecPath} labels=${JSON.stringify(workload.template.labels)}`);
            }
        },
    };
    const violations = await evaluateWithConfig(found, resolvePolicyConfig({}, [probe]), [probe]);
    return violations.map((violation) => violation.message);
}

describe("policy lib: workloads by resource class", () => {
    it("finds every kind that runs pods, with its pod template where that kind keeps it", async () => {
        const found = await workloadsFound([
            typed("kubernetes:apps/v1:Deployment", "d", { spec: { replicas: 2, template: podTemplate } }),
            typed("kubernetes:apps/v1:StatefulSet", "s", { spec: { template: podTemplate } }),
            typed("kubernetes:apps/v1:DaemonSet", "ds", { spec: { template: podTemplate } }),
            typed("kubernetes:apps/v1:ReplicaSet", "rs", { spec: { replicas: 4, template: podTemplate } }),
            typed("kubernetes:batch/v1:Job", "j", { spec: { template: podTemplate } }),
            typed("kubernetes:batch/v1:CronJob", "cj", { spec: { schedule: "@daily", jobTemplate: { spec: { template: podTemplate } } } }),
            typed("kubernetes:core/v1:Pod", "p", podTemplate),
        ]);
        assert.deepEqual(found, [
            'Deployment chat/d replicas=2 at spec.template.spec labels={"app":"x"}',
            'StatefulSet chat/s replicas=1 at spec.template.spec labels={"app":"x"}',
            'DaemonSet chat/ds replicas=1 at spec.template.spec labels={"app":"x"}',
            'ReplicaSet chat/rs replicas=4 at spec.template.spec labels={"app":"x"}',
            'Job chat/j replicas=1 at spec.template.spec labels={"app":"x"}',
            'CronJob chat/cj replicas=1 at spec.jobTemplate.spec.template.spec labels={"app":"x"}',
            'Pod chat/p replicas=1 at spec labels={}',
        ]);
    });

    it("goes by the resource's class, not by what its props say: a patch or another type holding a Deployment's fields is no workload", async () => {
        const deploymentProps = { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: 3, template: podTemplate } };
        assert.deepEqual(await workloadsFound([
            typed("kubernetes:apps/v1:DeploymentPatch", "patch", deploymentProps),
            typed("kubernetes:core/v1:ConfigMap", "config", deploymentProps),
            typed("rocketchat-ha:mongodb:MongoReplicaSet", "component", deploymentProps),
        ]), []);
    });

    it("reads autoscalers at autoscaling/v1 as at autoscaling/v2", async () => {
        const v1 = { ...autoscaler(10), apiVersion: "autoscaling/v1" };
        const objects = compliantObjects().filter((object) => object.kind !== "HorizontalPodAutoscaler");
        const found = [...resources(objects), typed("kubernetes:autoscaling/v1:HorizontalPodAutoscaler", "rocketchat", v1)];
        const config = resolvePolicyConfig({ [replicasWithinNodes.name]: { schedulableNodes: 3 } }, [replicasWithinNodes]);
        const messages = (await evaluateWithConfig(found, config, [replicasWithinNodes])).map((violation) => violation.message);
        assert.equal(messages.length, 1, JSON.stringify(messages));
        assert.match(messages[0], /HorizontalPodAutoscaler chat\/rocketchat may scale Deployment chat\/rocketchat to 10 pods/);
        // The StatefulSet's replicas are read through the same class table.
        assert.deepEqual(await workloadsFound(resources([mongoStatefulSet(5)])), [
            `StatefulSet chat/rocketchat-mongodb replicas=5 at spec.template.spec labels=${JSON.stringify(mongoStatefulSet().spec.template.metadata.labels)}`,
        ]);
    });

    it("a workload validation is not applicable to a resource that runs no pods, as validateResourceOfType reports other classes", () => {
        const checked: string[] = [];
        const validate = validateWorkloads((workload) => checked.push(workload.title));
        const argsFor = (type: string, props: Record<string, any>) => ({
            type, props,
            // As the analyzer's isType: the class's __pulumiType against the resource's type.
            isType: (resourceClass: { __pulumiType?: string }) => resourceClass.__pulumiType === type,
            notApplicable: (reason?: string) => { throw new Error(`not applicable: ${reason}`); },
        }) as unknown as ResourceValidationArgs;
        assert.throws(() => validate(argsFor("kubernetes:core/v1:ConfigMap", { metadata: { name: "c" } }), () => undefined),
            /not applicable: Policy only applies to resources that run pods \(Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod\)/);
        validate(argsFor("kubernetes:batch/v1:Job", { metadata: { name: "j", namespace: "chat" }, spec: { template: podTemplate } }), () => undefined);
        assert.deepEqual(checked, ["Job chat/j"]);
    });
});
