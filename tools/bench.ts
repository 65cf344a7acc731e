/**
 * `npm run bench`: how long the prod render takes as a whole process, against
 * the floor of loading the Pulumi SDK (`node -e "require('@pulumi/pulumi')"`)
 * measured in the same run, interleaved so both see the same machine load.
 * Every run is a fresh (cold) Node process; the on-disk caches the render
 * keeps (.cache/: transpiled TypeScript, compiled code, Route schema) are
 * filled by one untimed warm-up render, as on any machine after its first render.
 *
 * Usage: npm run bench [-- --runs N --stack S]
 */
import { mkdtempSync, rmSync } from "fs";
import { cpus, loadavg, tmpdir } from "os";
import * as path from "path";
import { parseArgs } from "util";
import { describeSamples as describe, measure as measureIn, median, Sample, Subject } from "./benchTiming";
import { projectRoot } from "./stackConfig";

const targetRatio = 1.6;
const measure = (subject: Subject, scratch: string) => measureIn(subject, projectRoot, scratch);

function main(): void {
    const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, stack: { type: "string", default: "prod" } } });
    const runs = Number(values.runs);
    const scratch = mkdtempSync(path.join(tmpdir(), "render-bench-"));
    const floor: Subject = { label: "floor", command: [process.execPath, "-e", "require('@pulumi/pulumi')"], completed: [0] };
    const render: Subject = { label: "render", command: [process.execPath, path.join("tools", "renderCli.js"), values.stack!, "--out", path.join(scratch, "out")], completed: [0, 1] };
    try {
        const warmUp = measure(render, scratch);
        console.log(`warm-up render (fills .cache/, not counted): ${warmUp.seconds.toFixed(3)} s`);
        const floorSamples: Sample[] = [];
        const renderSamples: Sample[] = [];
        for (let run = 0; run < runs; run++) {
            floorSamples.push(measure(floor, scratch));
            renderSamples.push(measure(render, scratch));
        }
        const ratio = median(renderSamples.map((s) => s.seconds)) / median(floorSamples.map((s) => s.seconds));
        console.log(`${runs} cold runs each, interleaved, Node ${process.version}`);
        console.log(describe("floor", floorSamples) + "   node -e \"require('@pulumi/pulumi')\"");
        console.log(describe("render", renderSamples) + `   npm run render -- ${values.stack}`);
        console.log(`ratio    ${ratio.toFixed(2)}x the floor in wall time (target <= ${targetRatio}x): ${ratio <= targetRatio ? "within target" : "OVER TARGET"}`);
        const cpuOf = (samples: Sample[]) => samples.map((s) => s.cpuSeconds).filter((c): c is number => c !== undefined);
        if (cpuOf(renderSamples).length) {
            console.log(`         ${(median(cpuOf(renderSamples)) / median(cpuOf(floorSamples))).toFixed(2)}x the floor in CPU time; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
        }
    } finally {
        rmSync(scratch, { recursive: true, force: true });
    }
}

main();
