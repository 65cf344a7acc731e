/**
 * The driver path of `ops settings` and `ops status` against a real
 * MongoDB-compatible server: FerretDB v1 with its SQLite backend (built from
 * the Go module proxy; it has no replica-set commands). Runs when a ferretdb
 * binary is on PATH or in $FERRETDB_BIN, and is skipped otherwise (see
 * docs/ops.md for building one).
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdtempSync, rmSync } from "fs";
import { MongoClient } from "mongodb";
import { createServer } from "net";
import { tmpdir } from "os";
import * as path from "path";
import { declaredSettings } from "../tools/ops/settingsDrift";
import { layoutFromOutputs } from "../tools/ops/stackLayout";
import { opsOutputsFixture, opsOutputsFixturePath } from "./support/opsOutputs";
import { runOps } from "./support/runOps";

function ferretdbBinary(): string | undefined {
    // .ci/run builds it with test/support/build-ferretdb.sh.
    const built = path.join(__dirname, "..", ".cache", "bin", "ferretdb");
    const candidates = [process.env.FERRETDB_BIN, built].filter((c): c is string => Boolean(c) && existsSync(c!));
    return candidates[0];
}

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}


describe("ops against a real server (FerretDB, SQLite backend)", function () {
    let server: ChildProcess | undefined;
    let dataDir = "";
    let uri = "";

    before(async function () {
        const binary = ferretdbBinary();
        // A missing server is a failed test, not a skipped one: the install step builds it.
        assert.ok(binary, "FerretDB is not built: run `bash test/support/build-ferretdb.sh` (README's install step; .ci/run does it)");
        dataDir = mkdtempSync(path.join(tmpdir(), "ferretdb-"));
        const port = await freePort();
        server = spawn(binary!, ["--handler=sqlite", `--sqlite-url=file:${dataDir}/`, `--listen-addr=127.0.0.1:${port}`, "--debug-addr=-", "--telemetry=disable", "--log-level=error", `--state-dir=${dataDir}`], { stdio: "ignore" });
        uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
        for (let attempt = 0; ; attempt++) {
            const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500 });
            try {
                await client.db("admin").command({ ping: 1 });
                break;
            } catch (error) {
                if (attempt > 40) {
                    throw error;
                }
                await new Promise((r) => setTimeout(r, 250));
            } finally {
                await client.close();
            }
        }
    });

    after(() => {
        server?.kill();
        if (dataDir) {
            rmSync(dataDir, { recursive: true, force: true });
        }
    });

    it("settings: reports a drifted and a missing setting (exit 1), then agreement (exit 0)", async () => {
        const { compared } = declaredSettings(layoutFromOutputs("prod", opsOutputsFixture("prod")).enforcedSettings);
        // Stored the way Rocket.Chat stores them: typed values.
        const typed = (value: string) => (value === "true" ? true : value === "false" ? false : /^-?\d+$/.test(value) ? Number(value) : value);
        const client = new MongoClient(uri);
        const settings = client.db("rocketchat").collection<{ _id: string; value: unknown; type: string }>("rocketchat_settings");
        try {
            await settings.deleteMany({});
            await settings.insertMany(compared
                .filter((s) => s.id !== "FileUpload_MediaTypeWhiteList")
                .map((s) => ({ _id: s.id, value: s.id === "Accounts_ShowFormLogin" ? true : typed(s.value), type: "seeded" })));
            const drifted = await runOps(["settings", "--outputs", opsOutputsFixturePath("prod"), "--uri", uri]);
            assert.equal(drifted.code, 1, drifted.stdout + drifted.stderr);
            assert.match(drifted.stdout, /differs Accounts_ShowFormLogin = "false" \(stored "true"\)/);
            assert.match(drifted.stdout, /missing FileUpload_MediaTypeWhiteList = "image\/\*,video\/\*,audio\/\*,application\/pdf,text\/plain" \(declared, not stored yet\)/);

            await settings.updateOne({ _id: "Accounts_ShowFormLogin" }, { $set: { value: false } });
            await settings.insertOne({ _id: "FileUpload_MediaTypeWhiteList", value: "image/*,video/*,audio/*,application/pdf,text/plain", type: "string" });
            const agreed = await runOps(["settings", "--outputs", opsOutputsFixturePath("prod"), "--uri", uri]);
            assert.equal(agreed.code, 0, agreed.stdout + agreed.stderr);
            assert.match(agreed.stdout, new RegExp(`^${compared.length} of ${compared.length} managed settings hold their declared values$`, "m"));
        } finally {
            await client.close();
        }
    });

    it("status: a server without replica-set commands is a clear error (exit 2)", async () => {
        const result = await runOps(["status", "--uri", uri]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /the server does not know replSetGetStatus: it is not a MongoDB replica-set member/);
    });
});
