/**
 * A real Keycloak for the single sign-on test: the Quarkus distribution from
 * Maven Central (fetched by test/sso/run.sh), one installation per HTTP
 * relative path, started by the test and always stopped by it.
 *
 * Two caches keep the warm run short:
 * - the first start of an installation persists Quarkus' build ("Updating the
 *   configuration ... Please wait", about 60 s here) into lib/quarkus; later
 *   starts with the same build options skip it;
 * - the database of a freshly bootstrapped server is kept as `pristine-data`
 *   and copied over `data` before every start, so each run sees a Keycloak
 *   with nothing but the master realm and its admin (a start on an empty
 *   dev-file database migrates the schema: about 55 s instead of 30 s).
 *
 * `--http-relative-path` is a build-time option (`kc.sh build --help`), so
 * the `/auth` variant that stands for a pre-17 Keycloak is its own
 * installation with its own cached build.
 */
import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export const keycloakVersion = "26.7.3";
const cacheRoot = path.resolve(__dirname, "..", "..", ".cache", "keycloak");
const adminUser = "admin";

export interface RunningKeycloak {
    /** Where the test reaches it: http://127.0.0.1:<port><relativePath>. */
    readonly localUrl: string;
    /** The public URL Keycloak puts into its pages, tokens and redirects (its --hostname). */
    readonly publicUrl: string;
    readonly adminUser: string;
    readonly adminPassword: string;
    /** Keycloak's own console output, for failure messages. */
    readonly logFile: string;
    stop(): Promise<void>;
}

/** The unpacked distribution run.sh leaves in the cache. */
function distribution(): string {
    const dir = path.join(cacheRoot, `keycloak-${keycloakVersion}`);
    if (!fs.existsSync(path.join(dir, "bin", "kc.sh"))) {
        throw new Error(`Keycloak ${keycloakVersion} is not unpacked at ${dir}: run the test through 'npm run test:sso' (test/sso/run.sh fetches it)`);
    }
    return dir;
}

/** "/" -> "root", "/auth" -> "auth": one installation per build-time relative path. */
function installationFor(relativePath: string): string {
    const name = relativePath === "/" ? "root" : relativePath.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "");
    const dir = path.join(cacheRoot, `installation-${name}`);
    if (!fs.existsSync(path.join(dir, "bin", "kc.sh"))) {
        // Copied aside and renamed, so an interrupted copy is never taken for an installation.
        const partial = `${dir}.partial`;
        fs.rmSync(partial, { recursive: true, force: true });
        fs.cpSync(distribution(), partial, { recursive: true });
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(partial, dir);
    }
    return dir;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Java for Keycloak: KEYCLOAK_JAVA_HOME, else run.sh's pick (JAVA_HOME), else `java` on PATH. */
function javaEnvironment(): NodeJS.ProcessEnv {
    const javaHome = process.env.KEYCLOAK_JAVA_HOME || process.env.JAVA_HOME;
    return javaHome ? { JAVA_HOME: javaHome } : {};
}

interface Started {
    readonly child: ChildProcess;
    readonly localUrl: string;
    readonly logFile: string;
}

async function startProcess(home: string, relativePath: string, publicUrl: string, extraEnv: NodeJS.ProcessEnv): Promise<Started> {
    const port = await freePort();
    const logFile = path.join(home, "test-sso.log");
    const log = fs.openSync(logFile, "w");
    const args = [
        "start-dev",
        "--http-host", "127.0.0.1",
        "--http-port", String(port),
        "--http-relative-path", relativePath,
        // The URL Rocket.Chat and browsers use (the stack's keycloakUrl plus
        // keycloakBasePath): Keycloak writes it into the login form, the
        // redirect after login and the token issuer. The test maps its origin
        // to 127.0.0.1:<port>, as DNS and a TLS-terminating proxy would.
        "--hostname", publicUrl,
    ];
    // Own process group: stop() ends kc.sh and the JVM it starts, and nothing else.
    const child = spawn(path.join(home, "bin", "kc.sh"), args, {
        cwd: home,
        detached: true,
        stdio: ["ignore", log, log],
        env: { ...process.env, ...javaEnvironment(), ...extraEnv },
    });
    fs.closeSync(log);
    const pidFile = path.join(home, "test-sso.pid");
    fs.writeFileSync(pidFile, String(child.pid));
    const localUrl = `http://127.0.0.1:${port}${relativePath === "/" ? "" : relativePath}`;
    const deadline = Date.now() + Number(process.env.KEYCLOAK_START_TIMEOUT_MS ?? 600_000);
    while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`Keycloak exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${logFile}:\n${tail(logFile)}`);
        }
        try {
            const response = await fetch(`${localUrl}/realms/master`);
            if (response.ok) {
                return { child, localUrl, logFile };
            }
        } catch {
            // not listening yet
        }
        await sleep(1000);
    }
    await stopProcess(child, pidFile);
    throw new Error(`Keycloak was not ready within the timeout; see ${logFile}:\n${tail(logFile)}`);
}

function tail(file: string, lines = 30): string {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/** TERM to the whole process group, KILL after 30 s; resolves when kc.sh has exited. */
async function stopProcess(child: ChildProcess, pidFile: string): Promise<void> {
    const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
        } else {
            child.once("exit", () => resolve());
        }
    });
    const signalGroup = (signal: NodeJS.Signals) => {
        try {
            process.kill(-child.pid!, signal);
        } catch {
            // already gone
        }
    };
    signalGroup("SIGTERM");
    const killer = setTimeout(() => signalGroup("SIGKILL"), 30_000);
    await exited;
    clearTimeout(killer);
    // The JVM may outlive kc.sh by a moment; make sure the group is gone.
    signalGroup("SIGKILL");
    fs.rmSync(pidFile, { force: true });
}

/** Every Keycloak this process started, stopped even when mocha is interrupted. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
    for (const child of running) {
        try {
            process.kill(-child.pid!, "SIGKILL");
        } catch {
            // already gone
        }
    }
});

/**
 * First use of an installation: bootstrap the admin on an empty database,
 * which also persists the build, then keep that database as pristine-data.
 */
async function prepare(home: string, relativePath: string, publicUrl: string): Promise<void> {
    const pristine = path.join(home, "pristine-data");
    const passwordFile = path.join(home, "admin-password");
    if (fs.existsSync(pristine) && fs.existsSync(passwordFile)) {
        return;
    }
    fs.rmSync(path.join(home, "data"), { recursive: true, force: true });
    const password = randomBytes(18).toString("base64url");
    // Documented bootstrap variables (Keycloak 26 "Bootstrapping an admin"):
    // they create a temporary admin only when the master realm has none.
    const started = await startProcess(home, relativePath, publicUrl, {
        KC_BOOTSTRAP_ADMIN_USERNAME: adminUser,
        KC_BOOTSTRAP_ADMIN_PASSWORD: password,
    });
    running.add(started.child);
    await stopProcess(started.child, path.join(home, "test-sso.pid"));
    running.delete(started.child);
    fs.renameSync(path.join(home, "data"), pristine);
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
}

/**
 * Starts Keycloak on a free loopback port with a fresh copy of the pristine
 * database. `publicUrl` is the URL Rocket.Chat is configured with; its path
 * must equal the relative path Keycloak serves under.
 */
export async function startKeycloak(publicUrl: string): Promise<RunningKeycloak> {
    const relativePath = new URL(publicUrl).pathname.replace(/\/$/, "") || "/";
    const home = installationFor(relativePath);
    await prepare(home, relativePath, publicUrl);
    fs.rmSync(path.join(home, "data"), { recursive: true, force: true });
    fs.cpSync(path.join(home, "pristine-data"), path.join(home, "data"), { recursive: true });
    const started = await startProcess(home, relativePath, publicUrl, {});
    running.add(started.child);
    return {
        localUrl: started.localUrl,
        publicUrl: publicUrl.replace(/\/$/, ""),
        adminUser,
        adminPassword: fs.readFileSync(path.join(home, "admin-password"), "utf8"),
        logFile: started.logFile,
        async stop() {
            await stopProcess(started.child, path.join(home, "test-sso.pid"));
            running.delete(started.child);
        },
    };
}
