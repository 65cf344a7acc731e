/**
 * `npm run ops -- <command> [--stack <name> | --outputs <file>] [--uri <mongodb-uri>] [--timeout <s>]`:
 * day-2 checks on a deployed stack, through kubectl port-forward to the
 * MongoDB members (credentials read from the stack's Secrets) or a URI you
 * give (without a password: it comes from OPS_MONGODB_PASSWORD or
 * --password-file). What the commands know about the stack (names, members,
 * schedules, enforced settings) comes from its outputs: `pulumi stack output
 * --json` run for --stack, or a file it wrote given as --outputs (docs/ops.md).
 * Every step waiting on a server ends within --timeout seconds; Ctrl-C says
 * what it interrupted.
 *
 * Exit codes: 0 all good, 1 the check found a problem (writes would stop,
 * backups overdue, settings differ), 2 the check could not run (usage,
 * unreachable cluster or database, wrong credentials, unknown stack).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { interrupt } from "./activity";
import { backupsCommand, BackupsOptions } from "./backupsCommand";
import { passwordInUriProblem, readPassword } from "./credentials";
import { defaultTimeoutSeconds } from "./deadline";
import { exitCodes, OpsError, redactUri } from "./errors";
import { settingsCommand, SettingsOptions } from "./settingsCommand";
import { statusCommand, StatusOptions } from "./statusCommand";
import { OutputsSource, outputsSourceProblem } from "./stackOutputs";

/** What each command does once its arguments are valid; injected by tests. */
export interface CommandHandlers {
    status(options: StatusOptions, out: (line: string) => void): Promise<number>;
    backups(options: BackupsOptions, out: (line: string) => void): Promise<number>;
    settings(options: SettingsOptions, out: (line: string) => void): Promise<number>;
}

export interface CliIo {
    readonly out: (line: string) => void;
    readonly err: (line: string) => void;
}

const defaultHandlers: CommandHandlers = { status: statusCommand, backups: backupsCommand, settings: settingsCommand };
const stdio: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

function mongoUri(value: string): string {
    if (!/^mongodb(\+srv)?:\/\//.test(value)) {
        throw new InvalidArgumentError("a connection string starting with mongodb:// or mongodb+srv://");
    }
    return value;
}

function seconds(value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) {
        throw new InvalidArgumentError("a positive number of seconds");
    }
    return n;
}

const stackOption = () => new Option("-s, --stack <name>", "stack whose outputs describe the deployment, read with `pulumi stack output --json --stack <name>`");
const outputsOption = () => new Option("-o, --outputs <file>", "the stack's outputs from a file written by `pulumi stack output --json` (instead of --stack)");

/** Where the stack's outputs come from; refuses none or both. */
function outputsSource(command: string, options: OutputsSource): OutputsSource {
    const problem = outputsSourceProblem(options);
    if (problem) {
        throw new OpsError(`${command} ${problem}`);
    }
    return options.outputs !== undefined ? { outputs: options.outputs } : { stack: options.stack };
}
const contextOption = () => new Option("--context <name>", "kubeconfig context (defaults to the current one)");
const uriOption = (what: string) => new Option("-u, --uri <mongodb-uri>", `${what}; no password in it`).argParser(mongoUri);
const passwordFileOption = () => new Option("--password-file <file>", "file whose first line is the password of the --uri user (or set OPS_MONGODB_PASSWORD)");
const timeoutOption = () => new Option("--timeout <seconds>", "how long each step (connect, each command, each kubectl call) may wait on a server").default(defaultTimeoutSeconds).argParser(seconds);

/** The --uri user's password, read only when --uri is given. */
function uriPassword(uri: string | undefined, passwordFile: string | undefined): { password?: string } {
    if (uri === undefined) {
        if (passwordFile !== undefined) {
            throw new OpsError("--password-file applies to --uri; with --stack the password comes from the stack's Secret");
        }
        return {};
    }
    // Checked here, not in the option's parser, whose message would echo the password.
    const problem = passwordInUriProblem(uri);
    if (problem) {
        throw new OpsError(`--uri ${redactUri(uri)} must be ${problem}`);
    }
    const password = readPassword(passwordFile);
    return password === undefined ? {} : { password };
}

/** The commander program; every action stores its exit code in `result`. */
export function buildProgram(handlers: CommandHandlers, io: CliIo, result: { code: number }): Command {
    const program = new Command("ops")
        .description("Day-2 checks of a rocketchat-ha stack: replica-set health, backups, enforced Rocket.Chat settings.")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
        .showHelpAfterError("(run with --help for usage)");

    program.command("status")
        .description("members, states, primary, replication lag, failures tolerated before writes stop, members sharing a node")
        .addOption(stackOption())
        .addOption(outputsOption())
        .addOption(uriOption("connect to this URI instead of port-forwarding to the stack's members (add directConnection=true for a single member)"))
        .addOption(passwordFileOption())
        .addOption(contextOption())
        .addOption(new Option("--max-lag <seconds>", "lag above which a member counts as lagging").default(10).argParser(seconds))
        .addOption(timeoutOption())
        .action(async ({ passwordFile, ...options }: { stack?: string; outputs?: string; uri?: string; passwordFile?: string; context?: string; maxLag: number; timeout: number }) => {
            const throughCluster = options.stack !== undefined || options.outputs !== undefined;
            if (throughCluster === (options.uri !== undefined)) {
                throw new OpsError("status needs --stack <name> or --outputs <file> (through the cluster), or --uri <mongodb-uri>, exactly one of them");
            }
            const source = throughCluster ? outputsSource("status", options) : {};
            const { stack: _stack, outputs: _outputs, ...rest } = options;
            result.code = await handlers.status({ ...rest, ...source, ...uriPassword(options.uri, passwordFile) }, io.out);
        });

    program.command("backups")
        .description("archives on the backup volume, their age against the schedule, the newest restore-test result")
        .addOption(stackOption())
        .addOption(outputsOption())
        .addOption(contextOption())
        .addOption(new Option("-u, --uri <mongodb-uri>").hideHelp())
        .addOption(timeoutOption())
        .action(async (options: OutputsSource & { uri?: string; context?: string; timeout: number }) => {
            if (options.uri) {
                throw new OpsError("backups reads the backup volume inside the cluster: --uri does not apply, use --stack or --outputs");
            }
            result.code = await handlers.backups({ ...outputsSource("backups", options), context: options.context, timeout: options.timeout }, io.out);
        });

    program.command("settings")
        .description("whether the Rocket.Chat settings the program enforces (OAuth, login form, uploads, retention) hold the declared values")
        .addOption(stackOption())
        .addOption(outputsOption())
        .addOption(uriOption("read rocketchat_settings through this URI (the application user's) instead of port-forwarding"))
        .addOption(passwordFileOption())
        .addOption(contextOption())
        .addOption(timeoutOption())
        .action(async ({ passwordFile, ...options }: Omit<SettingsOptions, "password"> & { passwordFile?: string }) => {
            const { stack: _stack, outputs: _outputs, ...rest } = options;
            result.code = await handlers.settings({ ...rest, ...outputsSource("settings", options), ...uriPassword(options.uri, passwordFile) }, io.out);
        });

    return program;
}

/** Parses `argv` (without node and script), runs the command, returns the exit code. */
export async function runCli(argv: readonly string[], handlers: CommandHandlers = defaultHandlers, io: CliIo = stdio): Promise<number> {
    const result = { code: exitCodes.ok as number };
    const program = buildProgram(handlers, io, result);
    try {
        await program.parseAsync([...argv], { from: "user" });
        return result.code;
    } catch (error) {
        if (error instanceof CommanderError) {
            // Help and version are successes; every other parse error is a usage error.
            return error.exitCode === 0 ? exitCodes.ok : exitCodes.couldNotCheck;
        }
        if (error instanceof OpsError) {
            io.err(`ops: ${error.message}`);
            return error.exitCode;
        }
        io.err(`ops: unexpected failure: ${(error as Error).stack ?? error}`);
        return exitCodes.couldNotCheck;
    }
}

/** Exit status after Ctrl-C, as shells report it (128 + SIGINT). */
export const interruptedExitCode = 130;

if (require.main === module) {
    process.once("SIGINT", () => {
        console.error(interrupt("Ctrl-C"));
        process.exit(interruptedExitCode);
    });
    runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
