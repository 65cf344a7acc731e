/**
 * Runs a preview with the policy pack on the CLI's real analyzer.
 *
 * The only Node.js language host the registries give us (sdk/v3 v3.68.0,
 * docs/engine-tests.md) predates RunPlugin, through which CLI 3.248 starts a
 * policy pack when it finds a Node.js language plugin (sdk
 * go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer); the host
 * answers "not supported". When no Node.js language plugin is found, the CLI
 * falls back to its back-compatible path: the `pulumi-analyzer-policy-nodejs`
 * plugin, the script the v3.68.0 SDK ships (nodejs/dist/pulumi-analyzer-policy),
 * which runs @pulumi/pulumi/cmd/run-policy-pack from the pack's own
 * node_modules. So for this step the test starts the same v3.68.0 host itself
 * and hands its address to the CLI (`--client`, the flag the Automation API
 * uses), and leaves the host off the CLI's PATH.
 */
import { spawn } from "child_process";
import * as path from "path";
import { CliResult, EngineProject, engineCache } from "./pulumiCli";

async function startLanguageHost(project: EngineProject): Promise<{ address: string; stop: () => void }> {
    const child = spawn(path.join(engineCache, "host", "pulumi-language-nodejs"), [], { cwd: project.dir, env: project.env() });
    const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
            out += d;
            const line = out.split("\n")[0];
            if (out.includes("\n")) {
                resolve(line.trim());
            }
        });
        child.on("exit", (code) => reject(new Error(`language host exited (${code}) before printing its port`)));
    });
    return { address: `127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

/** `pulumi preview --policy-pack policy --policy-pack-config policy/config/<configName>.json` for `stack`. */
export async function previewWithPolicies(project: EngineProject, stack: string, configName: string): Promise<CliResult> {
    const host = await startLanguageHost(project);
    try {
        return await project.run(
            ["preview", "--stack", stack, "--client", host.address,
                "--policy-pack", path.join(project.dir, "policy"),
                "--policy-pack-config", path.join(project.dir, "policy", "config", `${configName}.json`)],
            { PATH: `${path.join(engineCache, "bin")}${path.delimiter}${path.join(engineCache, "analyzer")}${path.delimiter}${process.env.PATH}` },
        );
    } finally {
        host.stop();
    }
}
