/**
 * The README and docs/ name files and folders of this repository; each named
 * one must exist, so a move or rename that forgets the docs fails here. Checked:
 * every path that starts at a top-level folder of the repository (in backticks
 * or in prose), every top-level file named in backticks, and the README's
 * Layout tree (each entry under the folder it is indented under).
 */
import { strict as assert } from "assert";
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const documents = ["README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f))];
const topLevel = readdirSync(root).filter((entry) => !["node_modules", ".git"].includes(entry));
const topFolders = topLevel.filter((entry) => existsSync(path.join(root, entry, ".")) && !entry.includes("."));

/** Paths a document names: `a/b.ts`, components/x/y.ts in prose, `index.ts`; placeholders and globs are not paths. */
export function namedPaths(text: string): string[] {
    const found = new Set<string>();
    // Greedy over placeholder and glob characters, so `test/policy*.test.ts` is seen whole (and then skipped).
    const folderPath = new RegExp(`(?<![\\w./-])((?:${topFolders.map((f) => f.replace(/[.]/g, "\\.")).join("|")})/[\\w./*<>{}$-]*[\\w/*>}])`, "g");
    for (const match of text.matchAll(folderPath)) {
        // A file (with an extension) or a folder (trailing slash): "policy/v1" in a table is an apiVersion.
        if (/\.\w+$|\/$/.test(match[1])) {
            found.add(match[1]);
        }
    }
    for (const match of text.matchAll(/`([^`\s]+)`/g)) {
        if (topLevel.some((entry) => entry === match[1] && !topFolders.includes(entry)) || /^[\w-]+\.(ts|js|json|yaml|md)$/.test(match[1]) && topLevel.includes(match[1])) {
            found.add(match[1]);
        }
    }
    return [...found].filter((p) => !/[<>*{}$…]/.test(p));
}

/** The README's Layout tree as paths: "  settings.ts" under "components/" is components/settings.ts. */
export function layoutPaths(readme: string): string[] {
    const block = /## Layout\s*\n+```\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, "README has a Layout section with a tree");
    const paths: string[] = [];
    let folder = "";
    for (const line of block[1].split("\n").filter((l) => l.trim() !== "")) {
        const entry = line.trim().split(/\s+/)[0];
        if (/^\S/.test(line)) {
            folder = entry.endsWith("/") ? entry : "";
            paths.push(entry);
        } else {
            paths.push(folder + entry);
        }
    }
    return paths;
}

describe("docs name only files that exist", () => {
    for (const document of documents) {
        it(`${document}: every repository path it names exists`, () => {
            const text = readFileSync(path.join(root, document), "utf8");
            const missing = namedPaths(text).filter((p) => !existsSync(path.join(root, p)));
            assert.deepEqual(missing, []);
        });
    }

    it("README's Layout tree: every entry exists where it is drawn", () => {
        const entries = layoutPaths(readFileSync(path.join(root, "README.md"), "utf8"));
        assert.ok(entries.length > 10);
        assert.deepEqual(entries.filter((p) => !existsSync(path.join(root, p))), []);
    });

    it("finds paths in backticks and prose, and the tree's nesting (a check that can fail)", () => {
        assert.deepEqual(namedPaths("see `components/nowhere.ts`, tools/render.ts, `tools/ops/` and `index.ts`; not `Pulumi.<stack>.yaml`, test/**/*.ts, test/policy*.test.ts or policy/v1").sort(),
            ["components/nowhere.ts", "index.ts", "tools/ops/", "tools/render.ts"]);
        assert.deepEqual(layoutPaths("## Layout\n\n```\ntools/   x\n  ops/   y\nindex.ts  z\n```\n"), ["tools/", "tools/ops/", "index.ts"]);
    });
});
