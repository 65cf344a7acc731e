/**
 * What `pulumi stack output --json` prints for a stack, restricted to the
 * outputs the ops CLI reads: fixtures for the offline ops tests.
 * render.test.ts checks them against what the program exports, so they
 * cannot drift from index.ts.
 */
import { readFileSync } from "fs";
import * as path from "path";

export const opsFixtureStacks = ["prod", "test"] as const;

export const opsOutputsFixturePath = (stack: (typeof opsFixtureStacks)[number]) => path.join(__dirname, "..", "fixtures", "ops", `${stack}-outputs.json`);

export function opsOutputsFixture(stack: (typeof opsFixtureStacks)[number]): Record<string, any> {
    return JSON.parse(readFileSync(opsOutputsFixturePath(stack), "utf8"));
}
