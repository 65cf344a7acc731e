/**
 * The restore drill (issue 25): the bad day, run as docs/backup.md's runbook
 * tells a user to, under the real engine with the policy pack as the
 * pull-request check runs it. A prod-shaped stack (SSO off) is deployed;
 * then, with the runbook's own commands:
 *
 *   pulumi config set rocketchat-ha:restoreArchive <archive>
 *   pulumi preview --policy-pack policy --policy-pack-config policy/config/prod.json
 *   pulumi up
 *   pulumi config rm rocketchat-ha:restoreArchive
 *   pulumi up
 *
 * and a last preview plans nothing. Then the same after the app and root
 * credentials were rotated (both runs of a rotation).
 *
 * kwok completes the restore Job's pod: what the restore script does to the
 * data is proven against MongoDB's rules in test/backupScripts.test.ts; this
 * drill proves what only the engine, the provider's awaits and the policy
 * pack decide: whether the documented restore gets through at all, in what
 * order, and what the cluster and the state look like at each step.
 */
import { strict as assert } from "assert";
import { getJson, waitFor } from "../e2e/lib/kube";
import { opsOf, plannedSteps } from "./lib/engineSteps";
import { previewWithPolicies } from "./lib/policyRun";
import { engineScenario } from "./lib/scenario";
import { prodWithoutSso } from "./lib/stacks";

const stack = "drill";
const namespace = "rocketchat-drill";
const config = prodWithoutSso({ namespace, hostname: "chat-drill.example.org" });
const archive = "rocketchat-20261128T021500Z.archive.gz";
const replicas = Number(config["rocketchat-ha:rocketchatReplicas"]);

const seconds = (since: number) => Math.round((Date.now() - since) / 1000);

describe("the restore drill under the real engine and the policy pack", function () {
    const project = engineScenario({ nodePrefix: "drill", nodes: 6, stacks: { [stack]: ["prod", config] } });
    const pulumi = (...args: string[]) => project.ok([...args, "--stack", stack]);
    const up = () => pulumi("up", "--yes", "--skip-preview");
    const cronJobs = (): [string, boolean][] => getJson(["cronjobs", "-n", namespace]).items.map((c: any) => [c.metadata.name, c.spec.suspend === true]);
    const restoreJobs = () => getJson(["jobs", "-n", namespace, "-l", "app.kubernetes.io/component=restore"]).items;
    const rocketchat = () => getJson(["deployment", "-n", namespace, "rocketchat"]);
    const autoscalers = () => getJson(["hpa", "-n", namespace]).items.map((h: any) => h.metadata.name);
    const stateTypes = async () => JSON.parse((await pulumi("stack", "export")).stdout).deployment.resources
        .filter((r: any) => /-restore-/.test(r.urn)).map((r: any) => r.type);

    before(async function () {
        await up();
    });

    /** The runbook, step by step; returns the seconds each step took. */
    async function drill(): Promise<Record<string, number>> {
        const took: Record<string, number> = {};
        let t = Date.now();
        await pulumi("config", "set", "rocketchat-ha:restoreArchive", archive);
        const checked = await previewWithPolicies(project, stack, "prod");
        took.previewWithPolicies = seconds(t);
        assert.equal(checked.code, 0, `the restore passes the stack's own policy pack:\n${checked.stdout.slice(-3000)}\n${checked.stderr.slice(-1500)}`);
        assert.match(checked.stdout, /Policies:[\s\S]*rocketchat-ha@v\d/, "the pack ran");

        t = Date.now();
        await up();
        took.restoreUp = seconds(t);
        const [job] = restoreJobs();
        assert.ok(job && (job.status.succeeded ?? 0) >= 1, "the restore Job ran to completion");
        assert.equal(rocketchat().spec.replicas, 0, "Rocket.Chat is stopped while the restore runs");
        assert.deepEqual(autoscalers(), [], "no autoscaler brings it back meanwhile");
        assert.ok(cronJobs().length > 0 && cronJobs().every(([, suspended]) => suspended), `backups paused: ${JSON.stringify(cronJobs())}`);
        assert.ok((await stateTypes()).includes("kubernetes:batch/v1:Job"), "the restore Job is in the state");

        t = Date.now();
        await pulumi("config", "rm", "rocketchat-ha:restoreArchive");
        await up();
        took.backUp = seconds(t);
        assert.deepEqual(restoreJobs(), [], "the restore Job is gone from the cluster");
        assert.deepEqual(await stateTypes(), [], "and from the state");
        assert.ok(cronJobs().every(([, suspended]) => !suspended), `backups resumed: ${JSON.stringify(cronJobs())}`);
        assert.deepEqual(autoscalers(), ["rocketchat"], "the autoscaler is back");
        // The autoscaler owns the count again: it raises a Deployment below its minimum (and never one at zero).
        await waitFor(`Rocket.Chat back at ${replicas} ready pods`, () => (rocketchat().status.readyReplicas ?? 0) >= replicas, 120_000);
        took.rocketchatReady = seconds(t);

        assert.deepEqual(opsOf(await plannedSteps(project, stack)), [], "a third run plans nothing");
        return took;
    }

    it("1. restore, then back to normal: the preview passes the pack, Rocket.Chat stops and backups pause for the restore, everything returns after", async function () {
        console.log(`      [drill] seconds per step: ${JSON.stringify(await drill())}`);
    });

    it("2. the same after the app and root credentials were rotated", async function () {
        await pulumi("config", "set", "rocketchat-ha:mongodbAppPasswordGeneration", "1");
        await pulumi("config", "set", "rocketchat-ha:mongodbRootPasswordGeneration", "1");
        await up();
        await up(); // the rotation's second run drops the replaced users
        console.log(`      [drill after rotation] seconds per step: ${JSON.stringify(await drill())}`);
    });
});
