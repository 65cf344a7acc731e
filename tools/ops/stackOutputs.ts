/**
 * A stack's outputs (index.ts) as `pulumi stack output --json` prints them:
 * from a file the user wrote with that command (--outputs), or by running the
 * Pulumi CLI in the project directory (--stack). No secret is needed, so
 * --show-secrets is never passed: a secret output would read "[secret]" and
 * be refused by the layout's validation (stackLayout.ts).
 */
import { execFile } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { OpsError } from "./errors";

export interface OutputsSource {
    /** Stack name (or org/project/stack) for `pulumi stack output --stack`. */
    readonly stack?: string;
    /** A file holding what `pulumi stack output --json` printed. */
    readonly outputs?: string;
}

export interface StackOutputs {
    /** How messages name the stack: its name, or the file it came from. */
    readonly label: string;
    readonly values: unknown;
}

const projectRoot = path.resolve(__dirname, "..", "..");

/** The command a user runs to write an --outputs file. */
export const outputsCommand = (stack = "<name>") => `pulumi stack output --json --stack ${stack}`;

function parseOutputs(text: string, where: string): unknown {
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new OpsError(`${where} is not JSON (expected what \`${outputsCommand()}\` prints): ${(error as Error).message}`);
    }
}

/** Runs the Pulumi CLI; `pulumi` is looked up on PATH. */
function pulumiStackOutput(stack: string, timeoutSeconds: number): Promise<string> {
    const args = ["stack", "output", "--json", "--stack", stack, "--non-interactive"];
    return new Promise((resolve, reject) => {
        execFile("pulumi", args, { cwd: projectRoot, timeout: timeoutSeconds * 1000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
            if (!error) {
                resolve(stdout);
            } else if ((error as NodeJS.ErrnoException).code === "ENOENT") {
                reject(new OpsError(`--stack ${stack} reads the stack's outputs with the Pulumi CLI, which is not on PATH: install it, or pass --outputs <file> written by \`${outputsCommand(stack)}\``));
            } else if (error.killed) {
                reject(new OpsError(`\`pulumi ${args.join(" ")}\` gave no answer within ${timeoutSeconds} s (--timeout): is the Pulumi backend reachable?`));
            } else {
                reject(new OpsError(`\`pulumi ${args.join(" ")}\` failed: ${stderr.trim() || error.message}`));
            }
        });
    });
}

/** Exactly one of --stack and --outputs names where the outputs come from. */
export function outputsSourceProblem(source: OutputsSource): string | undefined {
    if (source.stack !== undefined && source.outputs !== undefined) {
        return "give --stack <name> (runs pulumi stack output) or --outputs <file>, not both";
    }
    return source.stack === undefined && source.outputs === undefined ? "needs --stack <name> or --outputs <file>" : undefined;
}

export async function readStackOutputs(source: OutputsSource, timeoutSeconds: number): Promise<StackOutputs> {
    if (source.outputs !== undefined) {
        let text: string;
        try {
            text = readFileSync(source.outputs, "utf8");
        } catch (error) {
            throw new OpsError(`cannot read --outputs ${source.outputs}: ${(error as Error).message}`);
        }
        return { label: source.outputs, values: parseOutputs(text, `--outputs ${source.outputs}`) };
    }
    const stack = source.stack!;
    return { label: stack, values: parseOutputs(await pulumiStackOutput(stack, timeoutSeconds), `the output of \`${outputsCommand(stack)}\``) };
}
