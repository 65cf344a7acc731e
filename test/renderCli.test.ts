// `npm run render` as a user runs it. Arguments, usage and configuration
// errors go through the CLI's main() in process (they stop before the program
// runs); what needs a process (exit status, files on disk, an environment read
// at start-up) is checked once each in a child process.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { main, parseRenderArgs } from "../tools/render";
import { writeRendered } from "../tools/renderOutput";
import type { RenderedStack } from "../tools/renderStack";

const projectRoot = path.resolve(__dirname, "..");
const cli = path.join(projectRoot, "tools", "renderCli.js");

interface ProcessResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** The CLI in a child process. Started early and awaited late, the two children run side by side. */
function render(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...args], { cwd: projectRoot, env: { ...process.env, ...env }, timeout: 300_000 });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

/** main() in this process, with stdout and stderr captured. */
async function renderInProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await main(args, { write: (text: string) => (stdout += text) }, { write: (text: string) => (stderr += text) });
    return { status, stdout, stderr };
}

describe("render CLI", () => {
    // The two child processes start together, before the in-process tests, each in its own directory.
    const childDirs = { dev: mkdtempSync(path.join(tmpdir(), "render-cli-dev-")), route: mkdtempSync(path.join(tmpdir(), "render-cli-route-")) };
    let devRender: Promise<ProcessResult>;
    let routeFailure: Promise<ProcessResult>;
    before(() => {
        devRender = render(["dev", "--out", childDirs.dev]);
        // A cache without the Route schema and no proxy: the schema cannot be fetched. The cache directory is
        // read at start-up. Only the transpiled TypeScript is carried over (it has nothing to do with schemas;
        // without it the child would load the compiler and transpile every file).
        const cache = path.join(childDirs.route, "cache");
        const transpiled = path.join(projectRoot, ".cache", "ts-transpiled");
        if (existsSync(transpiled)) {
            cpSync(transpiled, path.join(cache, "ts-transpiled"), { recursive: true });
        }
        routeFailure = render(["test", "--out", childDirs.route], { RENDER_CACHE_DIR: cache, GOPROXY: "off" });
    });
    after(async () => {
        await Promise.allSettled([devRender, routeFailure]);
        Object.values(childDirs).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    });
    let outDir: string;
    beforeEach(() => {
        outDir = mkdtempSync(path.join(tmpdir(), "render-cli-"));
    });
    afterEach(() => rmSync(outDir, { recursive: true, force: true }));

    it("(process) renders dev into --out, prints the summary and exits 0", async () => {
        const outDir = childDirs.dev;
        const result = await devRender;
        assert.equal(result.status, 0, result.stderr + result.stdout);
        assert.match(result.stdout, /Stack dev: \d+ Kubernetes objects/);
        assert.match(result.stdout, /KIND +API VERSION +COUNT +SCHEMA/);
        assert.match(result.stdout, /^OK: /m);
        const manifests = readFileSync(path.join(outDir, "manifests.yaml"), "utf8");
        assert.match(manifests, /^kind: StatefulSet$/m);
        assert.ok(existsSync(path.join(outDir, "other-resources.yaml")));
    });

    it("--format json writes a kubectl List and removes the YAML files of an earlier render", () => {
        assert.equal(parseRenderArgs(["dev", "--out", outDir, "--format", "json"])?.format, "json");
        writeFileSync(path.join(outDir, "manifests.yaml"), "kind: Namespace\n");
        writeFileSync(path.join(outDir, "other-resources.yaml"), "[]\n");
        const manifests = [1, 2, 3, 4, 5, 6].map((i) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${i}`, namespace: "n" }, data: { i: String(i) } }));
        const rendered = { stack: "dev", manifests, otherResources: [], schemaFindings: [], policy: { applied: false }, warnings: [] } as unknown as RenderedStack;
        writeRendered(rendered, outDir, "json");
        const list = JSON.parse(readFileSync(path.join(outDir, "manifests.json"), "utf8"));
        assert.equal(list.kind, "List");
        assert.deepEqual(list.items, manifests);
        assert.ok(!existsSync(path.join(outDir, "manifests.yaml")));
        assert.ok(!existsSync(path.join(outDir, "other-resources.yaml")));
    });

    it("exits 2 with the configuration error's full message", async () => {
        const result = await renderInProcess(["dev", "--out", outDir, "--set", "mongodbMembers=2", "--set", "backupSchedule=not a schedule"]);
        assert.equal(result.status, 2, result.stdout);
        assert.match(result.stderr, /Invalid stack configuration \(\d+ problems?\)/);
        assert.match(result.stderr, /mongodbMembers/);
        assert.match(result.stderr, /backupSchedule/);
        assert.ok(!existsSync(path.join(outDir, "manifests.yaml")), "nothing written for an invalid stack");
    });

    it("refuses a misspelled --set key with the setting it probably meant, and writes nothing", async () => {
        // Before issue 17 this rendered 3 members and exited 0.
        const result = await renderInProcess(["prod", "--out", outDir, "--set", "mongodbMember=5"]);
        assert.equal(result.status, 2, result.stdout);
        assert.match(result.stderr, /rocketchat-ha:mongodbMember = "5": is not a setting of this program; did you mean rocketchat-ha:mongodbMembers\?/);
        assert.ok(!existsSync(path.join(outDir, "manifests.yaml")), "nothing written for an invalid stack");
    });

    it("(process) fails only the Route, saying why, when the Go module proxy cannot deliver its CRD (openshift stack)", async () => {
        const result = await routeFailure;
        assert.equal(result.status, 1, result.stderr);
        assert.match(result.stdout, /schema error: Route rocketchat-test\/\S+: \/ not validated: the Go module proxy did not deliver github\.com\/openshift\/api@v0\.0\.0-\S+: .*GOPROXY=off/);
        const erroredKinds = result.stdout.split("\n").filter((line) => /^\S+ +\S+ +\d+ +\d+ errors?$/.test(line));
        assert.deepEqual(erroredKinds.map((line) => line.split(/ +/)[0]), ["Route"]);
    });

    it("exits 2 with usage for an unknown stack or a bad option", async () => {
        const unknown = await renderInProcess(["staging", "--out", outDir]);
        assert.equal(unknown.status, 2);
        assert.match(unknown.stderr, /unknown stack 'staging'/);
        const badFormat = await renderInProcess(["dev", "--format", "xml"]);
        assert.equal(badFormat.status, 2);
        assert.match(badFormat.stderr, /--format must be yaml or json/);
        assert.match(badFormat.stderr, /^usage: npm run render -- <stack>/m);
    });
});
