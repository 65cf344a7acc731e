// The accepting side of issue 17's rules: values the consuming system takes
// must pass too (the refusing side is the bad-input table in config.test.ts).
import { strict as assert } from "assert";
import { kubernetesScheduleProblem } from "../components/kubernetesCron";
import { allowedAgeSeconds } from "../components/monitoring/cronInterval";
import { lastFire } from "../tools/ops/backupReport";
import { annotationKeyProblem, labelKeyProblem, labelValueProblem } from "../components/kubernetesMetadata";
import { mongodMemoryProblem, wiredTigerCacheGb } from "../components/mongodb/sizing";
import { cronSchedule, httpsBaseUrl, pathPrefix, pinnedImage } from "../components/validators";

describe("setting rules in the consumer's dialect", () => {
    it("accepts the CronJob schedules robfig/cron's ParseStandard accepts and cron-parser reads", () => {
        for (const schedule of ["15 2 * * *", "*/15 * * * *", "0 0 1 jan-dec mon-fri", "0 3 * * SUN", "0 0 ? * 0", "5/15 2 * * *", "0 0,12 1-31/2 * *", "@daily", "@midnight", "@annually", "@hourly", "0  2 * * *"]) {
            assert.equal(cronSchedule(schedule), undefined, schedule);
        }
    });

    it("refuses with robfig's own message what the apiserver refuses", () => {
        const expected: [string, RegExp][] = [
            ["0 0 L * *", /^failed to parse int from L$/],
            ["0 0 * * 7", /^end of range \(7\) above maximum \(6\): 7$/],
            ["60 * * * *", /^end of range \(60\) above maximum \(59\): 60$/],
            ["0 0 0 * *", /^beginning of range \(0\) below minimum \(1\): 0$/],
            ["1-2-3 * * * *", /^too many hyphens: 1-2-3$/],
            ["1/2/3 * * * *", /^too many slashes: 1\/2\/3$/],
            ["@daily ", /^unrecognized descriptor: @daily $/],
            [" @daily", /^expected exactly 5 fields, found 1/],
            ["", /^empty spec string$/],
        ];
        for (const [schedule, message] of expected) {
            assert.match(kubernetesScheduleProblem(schedule) ?? "(accepted)", message, JSON.stringify(schedule));
        }
    });

    it("checks label keys as given and annotation keys ignoring case, like apimachinery", () => {
        assert.equal(annotationKeyProblem("Example.COM/Proxy-Body-Size"), undefined);
        assert.match(labelKeyProblem("Example.COM/x")!, /DNS-1123 subdomain/);
        assert.equal(labelKeyProblem("app.kubernetes.io/part-of"), undefined);
        assert.equal(labelKeyProblem(`${"a".repeat(253)}/${"b".repeat(63)}`), undefined);
        assert.match(labelKeyProblem(`${"a".repeat(254)}/b`)!, /at most 253/);
        assert.equal(labelValueProblem(""), undefined);
        assert.equal(labelValueProblem("x".repeat(63)), undefined);
        assert.match(labelValueProblem("a b")!, /letters, digits/);
    });

    it("accepts exact versions and digests, refuses floating tags", () => {
        for (const image of ["mongo:8.0.29", "mongo:8.0.29-noble", "registry.rocket.chat/rocketchat/rocket.chat:8.5.1", "mongo@sha256:" + "a".repeat(64), "mongo:8.0@sha256:" + "b".repeat(64), "quay.io/x/y:v1.2.3"]) {
            assert.equal(pinnedImage(image), undefined, image);
        }
        for (const image of ["mongo:8.0", "mongo:noble", "mongo:8.0-noble", "mongo:v8"]) {
            assert.match(pinnedImage(image)!, /floats/, image);
        }
        // Read as registry "mongo", port 8, no tag: refused as 'latest'.
        assert.match(pinnedImage("mongo:8")!, /missing tag means 'latest'/);
    });

    it("gives cron-parser's readers (overdue alert, ops CLI) the five fields robfig means by each descriptor", () => {
        assert.equal(allowedAgeSeconds("@midnight", 0), 86400);
        assert.equal(allowedAgeSeconds("@weekly", 0), 7 * 86400);
        assert.equal(lastFire("@midnight", new Date("2026-11-29T13:00:00Z")).toISOString(), "2026-11-29T00:00:00.000Z");
    });

    it("keeps the WiredTiger cache within mongod's 0.25..10000 GB and below the memory limit", () => {
        for (const limit of ["1Gi", "1536Mi", "4Gi", "64Gi", "20001Gi"]) {
            assert.equal(mongodMemoryProblem(limit), undefined, limit);
            const cache = wiredTigerCacheGb(limit);
            assert.ok(cache >= 0.25 && cache <= 10000, `${limit} gives ${cache}`);
            // At least 0.75 GiB of the limit stays outside the cache.
            assert.ok(limit.endsWith("Mi") || Number(limit.replace("Gi", "")) - cache >= 0.75, `${limit} leaves headroom`);
        }
        assert.match(mongodMemoryProblem("1023Mi")!, /at least 1Gi/);
        assert.match(mongodMemoryProblem("20002Gi")!, /at most 20001Gi/);
    });

    it("accepts plain https base URLs and paths, refuses what would change the endpoints", () => {
        assert.equal(httpsBaseUrl("https://sso.example.org"), undefined);
        assert.equal(httpsBaseUrl("https://sso.example.org:8443/sso"), undefined);
        for (const url of ["https://sso.example.org#", "https://sso.example.org?", "https://sso.example.org/./x", "https://u@sso.example.org", "https://sso.example.org/", "http://sso.example.org"]) {
            assert.ok(httpsBaseUrl(url), url);
        }
        assert.equal(pathPrefix("/auth"), undefined);
        assert.equal(pathPrefix("/a..b"), undefined);
        assert.ok(pathPrefix("/auth/.."));
        assert.ok(pathPrefix("/."));
    });
});
