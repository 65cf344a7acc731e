/*
 * The catalogue of database archives on the backup volume and the decisions
 * made from it, run by mongosh:
 *   CATALOGUE_MODE=<mode> BACKUP_DIR=... ARCHIVE_PREFIX=... mongosh --nodb --file catalogue.js
 *
 * modes (the answer goes to CATALOGUE_OUT):
 *   next-sequence  the sequence number of the next archive
 *   newest         the newest complete archive (to verify)
 *   suspect        why the archive whose manifest is NEW_MANIFEST looks wrong, or nothing
 *   prune          the archives retention removes, one name a line
 *
 * An archive <prefix>-<stamp>.archive.gz is complete when its checksum
 * (.sha256) and manifest (.manifest.json) exist; the backup writes both
 * before it renames the archive into place. Sidecars written later:
 * .verified (the verification restored it and the counts matched),
 * .verify-failed, .suspect (its content looked wrong when it was written).
 * Archives are ordered by the sequence number in their manifest, which the
 * backup assigns under the volume lock, never by a node's clock; archives
 * from before sequence numbers sort first, by name.
 *
 * Retention never lowers protection:
 *   - nothing is pruned before some archive is verified-good (verified and
 *     not suspect), nor while the most recent verification failed
 *     (status/last-verify-result);
 *   - the newest verified-good archive and everything newer are kept, suspect
 *     ones included;
 *   - suspect and failed archives do not count toward the number kept; the
 *     ones older than the newest verified-good archive are removed (a newer
 *     archive is proven good);
 *   - of the rest, the newest `keep` are kept.
 * Plain ES2020 so it runs unchanged in mongosh and Node.
 */
"use strict";

/** True when `name` is <prefix>-<YYYYMMDDTHHMMSSZ>.archive.gz. */
function isArchiveName(name, prefix) {
    const rest = name.startsWith(`${prefix}-`) ? name.slice(prefix.length + 1) : "";
    return /^\d{8}T\d{6}Z\.archive\.gz$/.test(rest);
}

/** Oldest first: by manifest sequence (0 when absent), then by name. */
function byAge(a, b) {
    return (a.sequence || 0) - (b.sequence || 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * `archives` = [{ name, sequence, verified, failed, suspect }] (complete ones
 * only). `lastVerification` = "ok" | "failed" | undefined. Returns
 * { remove: [names], reason } with the rule that decided.
 */
function planRetention(archives, keep, lastVerification) {
    if (!(Number.isInteger(keep) && keep >= 1)) {
        throw new Error(`keep must be a whole number of at least 1, got '${keep}'`);
    }
    const ordered = [...archives].sort(byAge);
    if (lastVerification === "failed") {
        return { remove: [], reason: "the most recent verification failed: nothing is pruned until one succeeds" };
    }
    let newestVerified = -1;
    ordered.forEach((a, index) => {
        if (a.verified && !a.failed && !a.suspect) newestVerified = index;
    });
    if (newestVerified < 0) {
        return { remove: [], reason: "no archive is verified-good yet (verified and not suspect): nothing is pruned" };
    }
    const remove = [];
    let counted = 0;
    for (let index = ordered.length - 1; index >= 0; index--) {
        const archive = ordered[index];
        const protectedArchive = index >= newestVerified;
        const countsTowardKeep = !archive.suspect && !archive.failed;
        if (countsTowardKeep) {
            counted++;
        }
        if (protectedArchive) {
            continue;
        }
        if (!countsTowardKeep || counted > keep) {
            remove.push(archive.name);
        }
    }
    return { remove: remove.reverse(), reason: `keeping ${ordered[newestVerified].name} (newest verified-good), everything newer and the newest ${keep} that are neither suspect nor failed` };
}

/**
 * Why a new archive looks wrong, or "" when it does not. `candidate` and
 * `baseline` = { appDocuments, bytes } (baseline: the newest verified archive
 * that is not suspect, or null); `percent` = 0 turns the size check off.
 */
function suspectReason(candidate, baseline, percent, appDatabase) {
    if (candidate.appDocuments === 0) {
        return `it holds no document of the application database '${appDatabase}'`;
    }
    if (!baseline || !(percent > 0)) {
        return "";
    }
    const floor = (value) => (value * percent) / 100;
    if (candidate.appDocuments < floor(baseline.appDocuments)) {
        return `it holds ${candidate.appDocuments} documents of '${appDatabase}', below ${percent}% of the ${baseline.appDocuments} in ${baseline.name}, the newest verified archive`;
    }
    if (candidate.bytes < floor(baseline.bytes)) {
        return `it is ${candidate.bytes} bytes, below ${percent}% of the ${baseline.bytes} bytes of ${baseline.name}, the newest verified archive`;
    }
    return "";
}

/** The next sequence number: one more than any recorded. */
function nextSequence(archives, recorded) {
    return Math.max(recorded || 0, ...archives.map((a) => a.sequence || 0)) + 1;
}

if (typeof module === "object" && module.exports) {
    module.exports = { isArchiveName, byAge, planRetention, suspectReason, nextSequence };
}

if (typeof Mongo === "function" && typeof quit === "function") {
    const fs = require("fs");
    const env = process.env;
    const dir = `${env.BACKUP_DIR}/mongodb`;
    const exists = (file) => fs.existsSync(`${dir}/${file}`);
    const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
    const archives = fs.readdirSync(dir)
        .filter((name) => isArchiveName(name, env.ARCHIVE_PREFIX) && exists(`${name}.sha256`) && exists(`${name}.manifest.json`))
        .map((name) => {
            const manifest = readJson(`${dir}/${name}.manifest.json`);
            return {
                name,
                manifest,
                sequence: manifest.sequence || 0,
                verified: exists(`${name}.verified`),
                failed: exists(`${name}.verify-failed`),
                suspect: exists(`${name}.suspect`),
            };
        })
        .sort(byAge);
    const out = (text) => fs.writeFileSync(env.CATALOGUE_OUT, text);
    const mode = env.CATALOGUE_MODE;
    if (mode === "next-sequence") {
        const file = `${dir}/.sequence`;
        out(String(nextSequence(archives, fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8")) : 0)));
    } else if (mode === "newest") {
        out(archives.length ? archives[archives.length - 1].name : "");
    } else if (mode === "suspect") {
        const candidate = readJson(env.NEW_MANIFEST);
        const proven = archives.filter((a) => a.verified && !a.failed && !a.suspect);
        const baseline = proven.length ? proven[proven.length - 1] : null;
        const summary = (m, name) => ({ name, appDocuments: m.appDocuments, bytes: m.bytes });
        out(suspectReason(summary(candidate, candidate.archive), baseline && summary(baseline.manifest, baseline.name), Number(env.SUSPECT_BELOW_PERCENT), env.APP_DATABASE));
    } else if (mode === "prune") {
        const statusFile = `${env.BACKUP_DIR}/status/last-verify-result`;
        const last = fs.existsSync(statusFile) ? fs.readFileSync(statusFile, "utf8").split(" ")[1] : undefined;
        const plan = planRetention(archives, Number(env.BACKUP_RETENTION), last);
        print(`[retention] ${plan.reason}`);
        out(plan.remove.map((name) => `${name}\n`).join(""));
    } else {
        print(`[catalogue] unknown CATALOGUE_MODE '${mode}'`);
        quit(2);
    }
}
