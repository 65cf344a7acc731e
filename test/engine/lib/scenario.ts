/**
 * The setup every engine scenario shares, as mocha hooks: kwok nodes, the
 * StorageClasses its stacks name, the stand-in cluster services, and a
 * scratch project with its stacks written and initialised; undone after
 * (ENGINE_KEEP_PROJECT=1 keeps the project and its state).
 */
import { createNodes, deleteAllNodes } from "../../e2e/lib/kube";
import { createStorageClasses, startClusterServices } from "./clusterServices";
import { EngineProject } from "./pulumiCli";
import { stackYaml, storageClassesOf } from "./stacks";

export interface ScenarioArgs {
    /** Node names are `<nodePrefix>-1..nodes`. */
    readonly nodePrefix: string;
    readonly nodes: number;
    /** Stack name -> [the committed stack it is made from, its config]. */
    readonly stacks: Record<string, readonly [string, Record<string, unknown>]>;
}

export function engineScenario(args: ScenarioArgs): EngineProject {
    const project = new EngineProject();
    let stopServices: (() => Promise<void>) | undefined;
    before(async function () {
        await createNodes(args.nodePrefix, args.nodes);
        for (const [base, config] of Object.values(args.stacks)) {
            createStorageClasses(await storageClassesOf(base, config));
        }
        stopServices = startClusterServices();
        for (const [stack, [, config]] of Object.entries(args.stacks)) {
            project.writeStackFile(stack, stackYaml(config));
            await project.ok(["stack", "init", stack, "--secrets-provider", "passphrase"]);
        }
    });
    after(async function () {
        await stopServices?.();
        deleteAllNodes();
        if (!process.env.ENGINE_KEEP_PROJECT) {
            project.remove();
        }
    });
    return project;
}
