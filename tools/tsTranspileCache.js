"use strict";
/**
 * Lets Node require TypeScript files fast. Each .ts file is transpiled once
 * with TypeScript's transpileModule (what ts-node --transpile-only does) and
 * the JavaScript kept in a content-addressed cache, so later runs never load
 * the compiler (about 0.4 s). Files keep their real paths, so __dirname and
 * relative reads behave exactly as under ts-node. Types are checked by
 * `tsc --noEmit`, not here.
 *
 * Plain JavaScript because it must run before any TypeScript can load.
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const projectRoot = path.resolve(__dirname, "..");
const cacheDir = path.join(process.env.RENDER_CACHE_DIR || path.join(projectRoot, ".cache"), "ts-transpiled");
// Emit settings of tsconfig.json that change the JavaScript produced.
const compilerOptions = { module: "commonjs", target: "es2022", esModuleInterop: true, resolveJsonModule: true };

let typescript;
function transpile(source, fileName) {
    typescript = typescript || require("typescript");
    return typescript.transpileModule(source, { compilerOptions, fileName }).outputText;
}

function typescriptVersion() {
    try {
        return require(path.join(projectRoot, "node_modules", "typescript", "package.json")).version;
    } catch {
        return "unknown";
    }
}

// A change of compiler or settings starts a fresh cache.
const cacheSalt = `${typescriptVersion()}:${JSON.stringify(compilerOptions)}:v1`;

function cachedJavaScript(source, fileName) {
    const key = crypto.createHash("sha256").update(cacheSalt).update("\0").update(fileName).update("\0").update(source).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        const output = transpile(source, fileName);
        fs.mkdirSync(cacheDir, { recursive: true });
        // Write then rename: parallel runs never read a half-written file.
        const partial = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(partial, output);
        fs.renameSync(partial, cached);
        return output;
    }
}

Module._extensions[".ts"] = function loadTypeScript(module, fileName) {
    module._compile(cachedJavaScript(fs.readFileSync(fileName, "utf8"), fileName), fileName);
};
