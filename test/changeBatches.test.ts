// The engine matrix's batches (tools/transitions/changeBatches.ts): disjoint
// settings of one kind together, and a combination that misbehaves split.
import { strict as assert } from "assert";
import { ChangeBatch, proposeBatches, settleBatches } from "../tools/transitions/changeBatches";
import type { SettingChangeRun } from "../tools/transitions/settingSweep";

const planned = (setting: string, change: Record<string, unknown> = { [setting]: 1 }): SettingChangeRun =>
    ({ setting, change, outcome: { kind: "planned", steps: [], changes: [] } });
const refused = (setting: string, name: string): SettingChangeRun =>
    ({ setting, change: { [setting]: 1 }, outcome: { kind: "threw", error: { name } } });

describe("batches of setting changes for the engine matrix", () => {
    it("groups changes of one kind that touch disjoint settings, up to the size, in sweep order", () => {
        const runs = [planned("a"), planned("b", { b: 1, a: 2 }), refused("c", "ConfigError"), planned("d"), refused("e", "UpgradeRefused"), planned("f")];
        assert.deepEqual(proposeBatches(runs, 2).map((b) => [b.expected, b.settings]), [
            ["planned", ["a", "d"]], ["planned", ["b", "f"]], ["ConfigError", ["c"]], ["UpgradeRefused", ["e"]],
        ]);
        assert.deepEqual(proposeBatches(runs, 2)[1].change, { b: 1, a: 2, f: 1 }, "a companion setting counts as touched");
    });

    it("splits a batch the check rejects until each part holds (a single change always does)", async () => {
        const runs = ["a", "b", "c", "d"].map((s) => planned(s));
        const checked: string[] = [];
        const settled = await settleBatches(proposeBatches(runs, 4), runs, async (batch: ChangeBatch) => {
            checked.push(batch.settings.join(""));
            return !(batch.settings.includes("a") && batch.settings.includes("b"));
        });
        assert.deepEqual(settled.map((b) => b.settings.join("")), ["a", "b", "cd"]);
        assert.deepEqual(checked, ["abcd", "ab", "cd"]);
    });
});
