/**
 * `npm run render -- <stack> [--out DIR] [--format yaml|json] [--set key=value ...] [--no-cache]`
 *
 * Renders a stack offline (no Pulumi CLI, no cluster, no credentials): writes
 * every Kubernetes object and the other resources with secrets redacted,
 * validates the objects against their schemas, applies the policy pack and
 * prints a summary. Exit status: 0 clean, 1 schema errors or mandatory policy
 * violations, 2 bad usage or invalid stack configuration.
 */
import * as path from "path";
import { parseArgs } from "util";
import { splitKeyValue } from "../components/keyValuePairs";
import { RenderFormat, renderFormats, writeRendered } from "./renderOutput";
import { renderFailed, renderStack } from "./renderStack";
import { formatSummary } from "./renderSummary";
import { knownStacks, projectRoot } from "./stackConfig";

export const exitCodes = { ok: 0, failedChecks: 1, badInput: 2 } as const;

const usage = `usage: npm run render -- <stack> [--out DIR] [--format yaml|json] [--set key=value ...] [--no-cache]

  <stack>          one of: ${knownStacks().join(", ")}
  --out DIR        output directory (default rendered/<stack>)
  --format F       yaml (default) or json
  --set key=value  override one setting for this render (repeatable), e.g. --set mongodbMembers=5
  --no-cache       validate every object afresh instead of reusing answers for unchanged ones
  --help           this text

Exit status: 0 clean, 1 schema errors or mandatory policy violations, 2 bad usage or invalid configuration.`;

/** Wrong invocation: shown with the usage text. */
class UsageError extends Error {}

interface RenderOptions {
    readonly stack: string;
    readonly outDir: string;
    readonly format: RenderFormat;
    readonly overrides: Record<string, string>;
    readonly schemaCache: boolean;
}

function parseOverrides(pairs: readonly string[]): Record<string, string> {
    const overrides: Record<string, string> = {};
    for (const pair of pairs) {
        const parts = splitKeyValue(pair);
        if (!parts) {
            throw new UsageError(`--set expects key=value, got '${pair}'`);
        }
        overrides[parts[0]] = parts[1];
    }
    return overrides;
}

/** Parses argv; undefined means help was asked for. */
export function parseRenderArgs(argv: readonly string[]): RenderOptions | undefined {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            options: {
                out: { type: "string" },
                format: { type: "string", default: "yaml" },
                set: { type: "string", multiple: true, default: [] },
                "no-cache": { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
        return undefined;
    }
    if (positionals.length !== 1) {
        throw new UsageError(positionals.length === 0 ? "which stack? name one" : `one stack at a time, got ${positionals.join(", ")}`);
    }
    const format = values.format as RenderFormat;
    if (!renderFormats.includes(format)) {
        throw new UsageError(`--format must be ${renderFormats.join(" or ")}, got '${values.format}'`);
    }
    const stack = positionals[0];
    return {
        stack,
        format,
        outDir: path.resolve(values.out ?? path.join(projectRoot, "rendered", stack)),
        overrides: parseOverrides(values.set ?? []),
        schemaCache: !values["no-cache"],
    };
}

function isConfigurationError(error: unknown): error is Error {
    const name = (error as Error)?.name;
    return name === "ConfigError" || /^unknown stack /.test((error as Error)?.message ?? "");
}

/** Runs the CLI; returns the exit status instead of exiting, so tests can call it. */
/** Where main() writes: process.stdout and process.stderr, or a test's buffer. */
export interface TextSink {
    write(text: string): unknown;
}

export async function main(argv: readonly string[], out: TextSink = process.stdout, err: TextSink = process.stderr): Promise<number> {
    let options: RenderOptions | undefined;
    try {
        options = parseRenderArgs(argv);
    } catch (error) {
        err.write(`render: ${(error as Error).message}\n\n${usage}\n`);
        return exitCodes.badInput;
    }
    if (!options) {
        out.write(`${usage}\n`);
        return exitCodes.ok;
    }
    try {
        const rendered = await renderStack(options.stack, options.overrides, { schemaCache: options.schemaCache });
        const files = writeRendered(rendered, options.outDir, options.format).map((file) => path.relative(process.cwd(), file) || file);
        out.write(`${formatSummary(rendered, files)}\n`);
        return renderFailed(rendered) ? exitCodes.failedChecks : exitCodes.ok;
    } catch (error) {
        if (isConfigurationError(error)) {
            // The full message: it lists every problem at once.
            err.write(`render ${options.stack}: ${error.message}\n`);
            return exitCodes.badInput;
        }
        throw error;
    }
}

/** Runs the CLI and exits with its status. */
export function runCli(argv: readonly string[]): void {
    main(argv).then(
        (status) => process.exit(status),
        (error) => {
            process.stderr.write(`render: unexpected failure: ${error?.stack ?? error}\n`);
            process.exit(exitCodes.failedChecks);
        },
    );
}

if (require.main === module) {
    runCli(process.argv.slice(2));
}
