/**
 * The one table of which MongoDB series each Rocket.Chat minor supports, and
 * the upgrade paths, from Rocket.Chat's and MongoDB's own statements (checked
 * 2026-11-29). The settings check (crossChecks.ts) and the upgrade guard
 * (upgradeGuard.ts) both read it; extend it here, with the source, when a
 * release changes the matrix.
 */

export interface Version {
    readonly major: number;
    readonly minor: number;
    readonly patch: number;
}

export interface RocketChatSupportLine {
    /** First Rocket.Chat minor of the line. */
    readonly from: { major: number; minor: number };
    /** Last minor of the line; undefined for "this and every later minor of the same major". */
    readonly to?: { major: number; minor: number };
    /** MongoDB release series the line supports. */
    readonly mongodb: readonly string[];
    readonly source: string;
}

export const rocketchatMongodbSupport: readonly RocketChatSupportLine[] = [
    {
        from: { major: 7, minor: 0 },
        to: { major: 7, minor: 12 },
        mongodb: ["5.0", "6.0", "7.0"],
        source: "Rocket.Chat 7.0.0 release notes: MongoDB 4.4 support removed, 7.0 added (PR #32162); 5.0 and 6.0 still supported",
    },
    {
        from: { major: 7, minor: 13 },
        to: { major: 7, minor: 13 },
        mongodb: ["5.0", "6.0", "7.0", "8.0"],
        source: "Rocket.Chat 7.13.9 release notes, 'MongoDB: 5, 6, 7, 8' (quoted in Rocket.Chat issue #41022)",
    },
    {
        from: { major: 8, minor: 0 },
        to: { major: 8, minor: 1 },
        mongodb: ["8.2"],
        source: "Rocket.Chat 8.0.0 release notes: 5.0 and 6.0 discontinued, 'upgrade to MongoDB 8.2 before moving to Rocket.Chat v8.0.0' " +
            "(quoted in RocketChat/helm-charts#226); 8.1.x release notes say MongoDB 8.2 (Rocket.Chat issue #39689)",
    },
    {
        from: { major: 8, minor: 2 },
        mongodb: ["8.0", "8.2"],
        source: "Rocket.Chat PR #38596 (minimum back to MongoDB 8.0, 'tested and guaranteed to work with MongoDB 8.x'); " +
            "8.2.1 and 8.5.1 release notes say MongoDB 8.0 (issues #39689, #41022)",
    },
];

/** MongoDB series this program deploys (the mongodbImage rule). */
export const deployableMongodbSeries: readonly string[] = ["7.0", "8.0"];

/**
 * MongoDB release series in upgrade order. A replica set moves one series at
 * a time and raises featureCompatibilityVersion in between (MongoDB manual,
 * "Upgrade a Replica Set to 7.0/8.0": the set must run the previous series
 * with FCV set to it). Same list as releaseSeries in mongodb/bootstrap.js,
 * which runs in mongosh and cannot import this file.
 */
export const mongodbSeriesOrder: readonly string[] = ["4.4", "5.0", "6.0", "7.0", "8.0"];

/**
 * Rocket.Chat upgrade paths: forward only, at most one major per step.
 * Rocket.Chat runs its database migrations forward only and drops the
 * migrations of older majors at each major (8.0.0: PR #36168 "bump migrations
 * to 8.0.0"), so a server two majors ahead cannot migrate the data and an
 * older server must not run on migrated data. Minors of the same or the next
 * major may be skipped (the migrations of a major run in order on start).
 */
export const rocketchatUpgradeRule =
    "forward only, from one major to the next at most (7.x -> any 8.x), never back: Rocket.Chat migrates its data forward only (PR #36168)";

export function parseVersion(text: string | undefined): Version | undefined {
    const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? "");
    return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) } : undefined;
}

export function seriesOf(version: Version): string {
    return `${version.major}.${version.minor}`;
}

export function compareVersions(a: Version, b: Version): number {
    return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The line of the table for a Rocket.Chat version, or undefined when the table does not cover it. */
export function supportLineFor(rocketchat: Version): RocketChatSupportLine | undefined {
    const within = (line: RocketChatSupportLine) => {
        const atOrAfterFrom = rocketchat.major === line.from.major && rocketchat.minor >= line.from.minor;
        const atOrBeforeTo = line.to === undefined || rocketchat.minor <= line.to.minor;
        return atOrAfterFrom && atOrBeforeTo;
    };
    return rocketchatMongodbSupport.find(within);
}

/** MongoDB series the Rocket.Chat version supports that this program can deploy. */
export function deployableSeriesFor(rocketchat: Version): string[] {
    const line = supportLineFor(rocketchat);
    return line ? line.mongodb.filter((s) => deployableMongodbSeries.includes(s)) : [];
}
