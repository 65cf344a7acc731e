/**
 * The stub host (test/support/mongoStubs/host.js) runs the stub tools' calls
 * one after another on long-lived worker threads instead of a process per
 * call. The backup tests rely on each call still behaving as a process of
 * its own; these tests hold the host to that, through the same bash wrapper
 * and mongosh stub the backup scripts use.
 */
import { strict as assert } from "assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { BackupSandbox } from "./support/backupSandbox";

describe("stub host: each stub call behaves as a process of its own", function () {
    const box = new BackupSandbox();
    const dir = mkdtempSync(path.join(tmpdir(), "stub-host-"));
    after(() => [box.root, dir].forEach((d) => rmSync(d, { recursive: true, force: true })));

    /** Runs `mongosh --nodb --file` on each script in turn, through the sandbox's wrapper; each call's status, stdout and stderr apart. */
    async function mongoshCalls(...scripts: string[]): Promise<Array<{ status: number; stdout: string; stderr: string }>> {
        const names = scripts.map((script, i) => {
            const name = path.join(dir, `call-${Date.now()}-${i}`);
            writeFileSync(`${name}.js`, script);
            return name;
        });
        const runner = path.join(dir, "calls.sh");
        writeFileSync(runner, names.map((name) => `mongosh --nodb --quiet --norc --file '${name}.js' >'${name}.out' 2>'${name}.err'; echo $? >'${name}.status'\n`).join(""));
        const result = await box.run(runner);
        assert.equal(result.status, 0, result.output);
        return names.map((name) => ({
            status: Number(readFileSync(`${name}.status`, "utf8")),
            stdout: readFileSync(`${name}.out`, "utf8"),
            stderr: readFileSync(`${name}.err`, "utf8"),
        }));
    }

    it("quit() ends the call with its code, even inside a script's try/catch, and nothing after it runs", async () => {
        const marker = path.join(dir, "written-after-quit");
        const [call] = await mongoshCalls(`
            try { print("before"); quit(3); } catch (error) { print("caught"); }
            print("after");
            require("fs").writeFileSync(${JSON.stringify(marker)}, "x");
        `);
        assert.deepEqual(call, { status: 3, stdout: "before\n", stderr: "" });
        assert.ok(!existsSync(marker), "the script went on after quit()");
    });

    it("a call sees no global, module state or process listener an earlier call on the same worker left", async () => {
        const counter = path.join(dir, "counter.js");
        const exits = path.join(dir, "exit-listener-runs");
        writeFileSync(counter, "module.exports = { calls: 0 };\n");
        const [first, second] = await mongoshCalls(
            `globalThis.leaked = 1; require(${JSON.stringify(counter)}).calls++;
             process.on("exit", (code) => require("fs").appendFileSync(${JSON.stringify(exits)}, \`first call exits with \${code}\\n\`));
             print(require("worker_threads").threadId);`,
            `print(require("worker_threads").threadId); print(typeof leaked, require(${JSON.stringify(counter)}).calls); quit(0);`,
        );
        const [firstThread] = first.stdout.split("\n");
        const [secondThread, ...rest] = second.stdout.split("\n");
        assert.equal(secondThread, firstThread, "both calls ran on the same worker (otherwise this test proves nothing)");
        assert.deepEqual(rest, ["undefined 0", ""]);
        assert.equal(first.status, 0);
        assert.equal(second.status, 0);
        // As for a process: the first call's exit listener ran when that call ended, and never again.
        assert.equal(readFileSync(exits, "utf8"), "first call exits with 0\n");
    });

    it("a call ends when its async work is done, with process.exitCode as its status and stdout and stderr apart", async () => {
        const [call] = await mongoshCalls(`
            Promise.resolve().then(() => print("promise"));
            setTimeout(() => { print("timer"); console.error("to stderr"); process.exitCode = 4; }, 50);
        `);
        assert.deepEqual(call, { status: 4, stdout: "promise\ntimer\n", stderr: "to stderr\n" });
    });

    it("an uncaught exception, also in async work, ends the call with status 1 and its stack on stderr, as Node does", async () => {
        const [syncThrow, asyncThrow] = await mongoshCalls(`throw new Error("sync boom");`, `setTimeout(() => { throw new Error("async boom"); }, 10);`);
        assert.equal(syncThrow.status, 1);
        assert.match(syncThrow.stderr, /^Error: sync boom\n {4}at /);
        assert.equal(asyncThrow.status, 1);
        assert.match(asyncThrow.stderr, /^Error: async boom\n {4}at /);
    });
});
