/**
 * Reading what the engine plans and did: `pulumi preview --json` steps and
 * the event log's order, shared by the engine scenarios.
 */
import { EngineProject } from "./pulumiCli";

/** `pulumi preview --json`: the planned steps. */
export async function plannedSteps(project: EngineProject, stack: string): Promise<any[]> {
    const res = await project.ok(["preview", "--stack", stack, "--json"]);
    return JSON.parse(res.stdout).steps ?? [];
}

/** `type::name` of a URN (urn:pulumi:stack::project::A$B$type::name). */
export const typeAndName = (urn: string) => {
    const parts = urn.split("::");
    return `${parts[2].split("$").pop()}::${parts[3]}`;
};

/**
 * Where in an event log (EngineProject.readEvents) a resource's event of one
 * kind comes (resourcePreEvent: the engine starts the step; resOutputsEvent:
 * the provider finished it, awaits included); -1 when absent.
 */
export function eventIndex(log: any[], kind: "resourcePreEvent" | "resOutputsEvent", matches: (urn: string) => boolean): number {
    return log.findIndex((e) => e[kind] && matches(e[kind].metadata?.urn ?? "") && e[kind].metadata?.op !== "same");
}

/** Default providers are the engine's own; the mock runtime does not see them. */
export const programResources = (steps: any[]) => steps.filter((s) => !s.urn.includes("::pulumi:providers:"));
/** The upgrade guard reads the stack's own previous record (a StackReference) on every run: a read, not a change. */
export const isRecordRead = (s: any) => s.op === "read" && s.urn.includes("::pulumi:pulumi:StackReference::");
/** `op type::name` of every planned step that changes something, sorted. */
export const opsOf = (steps: any[]) => steps.filter((s) => s.op !== "same" && !isRecordRead(s)).map((s) => `${s.op} ${typeAndName(s.urn)}`).sort();
