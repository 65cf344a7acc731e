/**
 * Where the OpenShift Route schema comes from: the CRD manifest generated in
 * the openshift/api Go module, fetched once from the Go module proxy into the
 * git-ignored .cache/ and kept there as plain JSON (later runs need neither
 * the go tool nor the network).
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { projectRoot } from "./stackConfig";

/** Pinned: a pseudo-version the public proxy and checksum database both serve. */
export const openshiftApiModule = "github.com/openshift/api";
export const openshiftApiVersion = "v0.0.0-20251020135558-286504b695bc";
/** In this version the Route CRD has no feature-set variants (older ones ship routes-Default.crd.yaml). */
export const routeCrdPath = "route/v1/zz_generated.crd-manifests/routes.crd.yaml";

/** Git-ignored; RENDER_CACHE_DIR moves it (e.g. to a CI cache). */
export const defaultCacheDir = process.env.RENDER_CACHE_DIR || path.join(projectRoot, ".cache");

function schemaCacheFile(cacheDir: string): string {
    return path.join(cacheDir, `openshift-route-v1-${openshiftApiVersion}.schema.json`);
}

/** The schema could not be obtained; the message says why and how to fix it. */
export class RouteSchemaUnavailable extends Error {}

interface GoModDownload {
    Dir?: string;
    Error?: string;
}

function downloadModule(cacheDir: string): string {
    const env = { ...process.env, GOMODCACHE: path.join(cacheDir, "go-mod"), GOFLAGS: "-modcacherw" };
    const download = spawnSync("go", ["mod", "download", "-json", `${openshiftApiModule}@${openshiftApiVersion}`], {
        cwd: cacheDir,
        env,
        encoding: "utf8",
        timeout: 180_000,
    });
    if (download.error) {
        throw new RouteSchemaUnavailable(`cannot run 'go mod download' (${download.error.message}); install Go or place the schema at ${schemaCacheFile(cacheDir)}`);
    }
    let result: GoModDownload = {};
    try {
        result = JSON.parse(download.stdout);
    } catch {
        // go printed no JSON: the reason is on stderr.
    }
    if (result.Error || !result.Dir) {
        const reason = result.Error ?? download.stderr.trim() ?? `exit status ${download.status}`;
        throw new RouteSchemaUnavailable(`the Go module proxy did not deliver ${openshiftApiModule}@${openshiftApiVersion}: ${reason}`);
    }
    return result.Dir;
}

function extractSchema(crdFile: string): object {
    const { load } = require("js-yaml") as typeof import("js-yaml");
    const crd = load(readFileSync(crdFile, "utf8")) as any;
    const v1 = (crd?.spec?.versions ?? []).find((version: any) => version.name === "v1");
    const schema = v1?.schema?.openAPIV3Schema;
    if (!schema) {
        throw new RouteSchemaUnavailable(`${crdFile} has no openAPIV3Schema for route.openshift.io/v1`);
    }
    return schema;
}

/** The Route's openAPIV3Schema; throws RouteSchemaUnavailable with the reason. */
export function loadRouteSchema(cacheDir = defaultCacheDir): object {
    const cached = schemaCacheFile(cacheDir);
    if (existsSync(cached)) {
        return JSON.parse(readFileSync(cached, "utf8"));
    }
    mkdirSync(cacheDir, { recursive: true });
    const moduleDir = downloadModule(cacheDir);
    const crdFile = path.join(moduleDir, routeCrdPath);
    if (!existsSync(crdFile)) {
        throw new RouteSchemaUnavailable(`${routeCrdPath} is missing from ${openshiftApiModule}@${openshiftApiVersion}`);
    }
    const schema = extractSchema(crdFile);
    writeFileSync(cached, JSON.stringify(schema));
    return schema;
}
