import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { load as parse } from "js-yaml";
import * as v from "valibot";
import { ConfigError, loadSettings } from "../components/config";
import { requiredKubernetesProviderConfig } from "../components/kubernetesProviderConfig";
import { SettingDefinition, settingDefinitions } from "../components/settingDefinitions";
import { DefaultedSettingName, settingDefault, settingNames, structuredSettings } from "../components/settings";
import { configBlock, withConfigBlock, yamlValue } from "../tools/projectConfigBlock";
import { knownStacks, projectDefaults, projectRoot } from "../tools/stackConfig";
import { configErrorFor, settingsFor } from "./support/settings";

describe("stack configuration", () => {
    it("every stack file validates", () => {
        assert.deepEqual(knownStacks(), ["dev", "test", "prod"]);
        for (const stack of knownStacks()) {
            settingsFor(stack);
        }
    });

    it("Pulumi.yaml declares every setting with a type and description, and nothing else but the kubernetes provider's required options", () => {
        const project = parse(readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as any;
        const providerKeys = Object.keys(requiredKubernetesProviderConfig);
        const declared = Object.keys(project.config).filter((key) => !providerKeys.includes(key));
        assert.deepEqual([...declared].sort(), [...settingNames].sort());
        // Another namespace's key may carry only a value (sdk/go/common/workspace/project.go refuses a type or a default).
        for (const key of providerKeys) {
            assert.deepEqual(project.config[key], { value: true }, `${key} is set for every stack`);
        }
        for (const [key, declaration] of Object.entries<any>(project.config).filter(([k]) => !providerKeys.includes(k))) {
            if (structuredSettings.includes(key as (typeof structuredSettings)[number])) {
                // Lists of objects have no Pulumi config type: no type, a structured default.
                assert.ok(!("type" in declaration) && typeof declaration.default === "object", `${key} is declared without a type and with a structured default`);
            } else {
                assert.ok(["string", "integer", "boolean", "array"].includes(declaration.type), `${key} has a Pulumi config type`);
                // The Pulumi CLI refuses the project file otherwise ("declares an array but does not specify the underlying type via the 'items' attribute").
                assert.ok(declaration.type !== "array" || ["string", "integer", "boolean"].includes(declaration.items?.type), `${key}: an array declares its items' type`);
            }
            assert.ok(typeof declaration.description === "string" && declaration.description.length > 20, `${key} is described`);
        }
    });

    it("only namespace and hostname are required; everything else has a default", () => {
        const project = parse(readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as any;
        const required = Object.entries<any>(project.config).filter(([k, d]) => !("default" in d) && !k.includes(":")).map(([k]) => k);
        assert.deepEqual(required.sort(), ["hostname", "namespace"]);
    });

    describe("Pulumi.yaml, generated from components/settingDefinitions.ts", () => {
        const projectYaml = readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8");
        const definitions = Object.entries<SettingDefinition>(settingDefinitions);

        it("is the generated file (run npm run docs:config)", () => {
            assert.equal(projectYaml, withConfigBlock(projectYaml));
        });

        it("as YAML readers see it, holds each definition's type, items, default and description", () => {
            // A plain scalar ends at " #": backupSchedule's hand-written description was cut to "... no L, W,".
            const config = (parse(projectYaml) as any).config;
            assert.deepEqual(Object.keys(config).filter((k) => !k.includes(":")).sort(), [...settingNames].sort());
            for (const [name, d] of definitions) {
                const expected = { type: d.type, items: d.items && { type: d.items }, default: d.default, description: d.description };
                const declared = config[name];
                assert.deepEqual({ type: declared.type, items: declared.items, default: declared.default, description: declared.description }, expected, name);
            }
        });

        it("keeps the project's other keys", () => {
            const project = parse(projectYaml) as any;
            assert.deepEqual(Object.keys(project), ["name", "runtime", "description", "main", "config"]);
            assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true } });
            assert.match(withConfigBlock("name: x\nconfig:\n  old:\n    type: string\nmain: index.ts\n"), /^name: x\n# Every setting[^]*\nconfig:\n[^]*\nmain: index.ts\n$/);
        });

        it("quotes every string a YAML reader would not read back as written", () => {
            const tricky = ["", "2", "1.5", "1e3", "0x1F", "0o17", "12:30", "true", "False", "yes", "off", "null", "~", ".inf", "a #b", "x: y", "ends:", "#c", "- item", "@here", "'q'", "\"q\"",
                "{a}", "[a]", "*alias", "&anchor", "!tag", "|", ">", "%x", "`x`", " lead", "trail ", "tab\there", "line\nbreak", "15 2 * * *", "a\\b", "émoji ✓"];
            for (const text of tricky) {
                assert.equal((parse(`k: ${yamlValue(text)}`) as { k: unknown }).k, text, JSON.stringify(text));
            }
            for (const text of ["2Gi", "500m", "mongo:8.0.29", "grafana_dashboard=1", "Sign in with Keycloak", "cluster.local"]) {
                assert.equal(yamlValue(text), text, `${text} stays plain`);
            }
            for (const text of ["2", "yes", "a #b", "15 2 * * *", ""]) {
                assert.equal(yamlValue(text), JSON.stringify(text), `${text} is quoted`);
            }
        });

        it("declares only Pulumi's config types, with items on every array (as the CLI requires)", () => {
            const config = (parse(configBlock()) as any).config;
            for (const [name, d] of definitions) {
                assert.ok(d.type === undefined || ["string", "integer", "boolean", "array"].includes(d.type), name);
                assert.equal(d.type === "array", d.items === "string", `${name}: items exactly on arrays`);
                assert.equal(config[name].type, d.type, name);
            }
        });
    });

    describe("setting defaults", () => {
        const defaulted = settingNames.filter((name) => "default" in settingDefinitions[name]) as DefaultedSettingName[];

        it("each default passes its own rule", () => {
            assert.equal(defaulted.length, settingNames.length - 2);
            for (const name of defaulted) {
                const result = v.safeParse(settingDefinitions[name].rule, (settingDefinitions[name] as { default: unknown }).default);
                assert.ok(result.success, `${name}: ${JSON.stringify(result.issues?.map((i) => i.message))}`);
            }
        });

        it("settingDefault gives the value the program sees when a stack leaves the setting out", () => {
            const defaults = projectDefaults();
            for (const name of defaulted) {
                assert.deepEqual(settingDefault(name), v.parse(settingDefinitions[name].rule, defaults[`rocketchat-ha:${name}`]), name);
            }
            assert.equal(settingDefault("mongodbMembers"), 3);
            assert.equal(settingDefault("createNamespace"), true);
            assert.deepEqual(settingDefault("channels"), []);
            assert.deepEqual(settingDefault("podPlacement"), {});
        });
    });

    it("applies project defaults", () => {
        const dev = settingsFor("dev");
        assert.equal(dev.mongodbReplicaSetName, "rs0");
        assert.equal(dev.clusterDomain, "cluster.local");
        assert.equal(dev.backupRetention, 7);
        assert.deepEqual(dev.uploadsMediaTypeWhitelist, []);
        const prod = settingsFor("prod");
        assert.deepEqual(prod.keycloakGroups, ["chat-users"]);
        assert.equal(prod.mongodbMembers, 3);
    });

    it("reports a missing required setting by its full name", () => {
        const message = configErrorFor("dev", { hostname: undefined });
        assert.match(message, /rocketchat-ha:hostname = \(not set\): must be set in Pulumi.<stack>.yaml/);
    });

    it("lists every problem in one error", () => {
        const message = configErrorFor("prod", { hostname: "Chat", mongodbMembers: 4, rocketchatCpuRequest: "3", platform: "aws" });
        assert.match(message, /^Invalid stack configuration \(4 problems\):/);
        for (const setting of ["hostname", "mongodbMembers", "rocketchatCpuRequest", "platform"]) {
            assert.match(message, new RegExp(`rocketchat-ha:${setting} = `));
        }
    });

    it("throws a ConfigError carrying the individual problems", () => {
        assert.throws(() => loadSettings(() => undefined, () => []), (error: unknown) => error instanceof ConfigError && error.problems.length === settingNames.length);
    });

    describe("unknown keys", () => {
        it("refuses the test stack's channels renamed to 'channel' (which would prune every channel) and suggests 'channels'", () => {
            const testStack = parse(readFileSync(path.join(projectRoot, "Pulumi.test.yaml"), "utf8")) as any;
            const channels = testStack.config["rocketchat-ha:channels"];
            assert.equal(testStack.config["rocketchat-ha:channelsPrune"], true, "the test stack prunes channels");
            const message = configErrorFor("test", { channels: undefined, channel: channels });
            assert.match(message, /rocketchat-ha:channel = "\[\{\\"name\\":\\"general\\".*: is not a setting of this program; did you mean rocketchat-ha:channels\?/);
        });

        it("suggests the nearest setting, ignoring case, and none for a key that resembles nothing", () => {
            const message = configErrorFor("prod", { mongodbmembers: 5, backupShedule: "0 1 * * *", frobnicate: "x" });
            assert.match(message, /rocketchat-ha:mongodbmembers = "5": is not a setting of this program; did you mean rocketchat-ha:mongodbMembers\?/);
            assert.match(message, /rocketchat-ha:backupShedule = .*did you mean rocketchat-ha:backupSchedule\?/);
            assert.match(message, /rocketchat-ha:frobnicate = "x": is not a setting of this program \(/);
        });

        it("no typo turns into deleteDataOnDestroy: a misspelt or differently cased key is refused, and the data stays kept by default", () => {
            const message = configErrorFor("prod", { deleteDataOnDestory: true, deletedataondestroy: true, deleteData: true });
            assert.match(message, /rocketchat-ha:deleteDataOnDestory = "true": is not a setting of this program; did you mean rocketchat-ha:deleteDataOnDestroy\?/);
            assert.match(message, /rocketchat-ha:deletedataondestroy = "true": is not a setting of this program; did you mean rocketchat-ha:deleteDataOnDestroy\?/);
            assert.match(message, /rocketchat-ha:deleteData = "true": is not a setting of this program/);
            assert.equal(settingsFor("prod").deleteDataOnDestroy, false);
            // pulumi stack init writes typed values back as strings.
            assert.equal(settingsFor("prod", { deleteDataOnDestroy: "true" }).deleteDataOnDestroy, true);
        });

        it("leaves other namespaces to their providers", () => {
            settingsFor("prod", { "keycloak:someFutureOption": "x", "kubernetes:context": "prod" });
        });

        it("reads the keys from the Pulumi runtime by default (the path index.ts takes)", () => {
            const values: Record<string, string> = { "rocketchat-ha:namespace": "chat", "rocketchat-ha:mongodbMember": "5" };
            pulumi.runtime.setAllConfig(values);
            try {
                assert.throws(() => loadSettings((name) => values[`rocketchat-ha:${name}`]), /rocketchat-ha:mongodbMember = "5": is not a setting of this program; did you mean rocketchat-ha:mongodbMembers\?/);
            } finally {
                pulumi.runtime.setAllConfig({});
            }
        });
    });

    // Each case: stack, overrides, the setting named and what the message must say.
    const badInputs: [string, Record<string, unknown>, string, RegExp][] = [
        ["prod", { namespace: "Rocket_Chat" }, "namespace", /"Rocket_Chat": must be a DNS-1123 label/],
        ["prod", { namespace: "x".repeat(64) }, "namespace", /1 to 63 characters/],
        ["prod", { hostname: "https://chat.example.org" }, "hostname", /fully qualified host name/],
        ["prod", { hostname: "chat" }, "hostname", /"chat": must be a fully qualified host name/],
        ["prod", { platform: "aks" }, "platform", /"aks": must be one of kubernetes, openshift/],
        ["prod", { mongodbStorageClass: "Fast SSD" }, "mongodbStorageClass", /DNS-1123 label/],
        ["prod", { mongodbStorageSize: "10GB" }, "mongodbStorageSize", /"10GB": must be a Kubernetes byte quantity/],
        ["prod", { uploadsStorageSize: "500m" }, "uploadsStorageSize", /at least 1Gi/],
        ["prod", { mongodbCpuLimit: "two" }, "mongodbCpuLimit", /"two": must be a positive Kubernetes CPU quantity/],
        ["prod", { mongodbMemoryRequest: "8Gi" }, "mongodbMemoryRequest", /"8Gi": must be at most mongodbMemoryLimit \(4Gi\)/],
        ["prod", { rocketchatCpuRequest: "2500m" }, "rocketchatCpuRequest", /at most rocketchatCpuLimit \(2\)/],
        ["prod", { mongodbMembers: 4 }, "mongodbMembers", /4: must be an odd number/],
        ["prod", { mongodbMembers: 9 }, "mongodbMembers", /"9": must be a whole number from 1 to 7/],
        ["prod", { rocketchatReplicas: "three" }, "rocketchatReplicas", /"three": must be a whole number from 1 to 100/],
        ["prod", { mongodbImage: "mongo:latest" }, "mongodbImage", /"mongo:latest": must be an exact tag or digest, not 'latest'/],
        ["prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat" }, "rocketchatImage", /missing tag means 'latest'/],
        ["prod", { mongodbImage: "mongo:6.0.20" }, "mongodbImage", /MongoDB 7.0.x or 8.0.x/],
        ["prod", { mongodbImage: "mongo:7.0.40" }, "mongodbImage", /MongoDB 8.0 for Rocket.Chat 8.5/],
        ["prod", { schedulableNodes: 2 }, "mongodbMembers", /3: must be at most schedulableNodes \(2\) while podAntiAffinity is 'required'/],
        ["prod", { autoscalingMaxReplicas: 10 }, "autoscalingMaxReplicas", /10: must be at most schedulableNodes \(5\)/],
        ["prod", { autoscalingMaxReplicas: 2 }, "autoscalingMaxReplicas", /at least rocketchatReplicas \(3\)/],
        ["prod", { uploadsAccessMode: "ReadWriteOnce" }, "uploadsAccessMode", /ReadWriteMany when uploadsStorage is FileSystem and up to 5 Rocket.Chat pods/],
        ["prod", { backupSchedule: "every night" }, "backupSchedule", /"every night": must be five cron fields/],
        ["prod", { backupSchedule: "61 2 * * *" }, "backupSchedule", /five cron fields .*61/],
        ["prod", { backupVerifySchedule: "0 3 * *" }, "backupVerifySchedule", /five cron fields/],
        ["prod", { backupRetention: 0 }, "backupRetention", /"0": must be a whole number from 1 to 365/],
        ["prod", { backupUploadsRetention: -2 }, "backupUploadsRetention", /from 1 to 365/],
        ["test", { fixedUids: true }, "fixedUids", /true: must be false on OpenShift/],
        ["prod", { keycloakUrl: "" }, "keycloakUrl", /public https:\/\/ URL of Keycloak when ssoEnabled/],
        ["prod", { keycloakUrl: "http://sso.example.org" }, "keycloakUrl", /https:\/\/ base URL/],
        ["prod", { keycloakBasePath: "auth/" }, "keycloakBasePath", /such as \/auth/],
        ["dev", { keycloakGroups: ["admins"] }, "keycloakGroups", /empty list while ssoEnabled is false/],
        ["prod", { ingressAnnotations: ["no-equals-sign"] }, "ingressAnnotations", /key=value/],
        ["prod", { podAntiAffinity: "soft" }, "podAntiAffinity", /one of required, preferred/],
        ["prod", { autoscalingEnabled: "yes" }, "autoscalingEnabled", /"yes": must be true or false/],
        ["prod", { adminEmail: "not-an-address" }, "adminEmail", /e-mail address/],
        ["prod", { uploadsMediaTypeWhitelist: ["images"] }, "uploadsMediaTypeWhitelist", /MIME types/],
        ["prod", { restoreArchive: "../etc/passwd" }, "restoreArchive", /file name of an archive/],
        ["prod", { restoreArchive: "pre-upgrade/../x.archive.gz" }, "restoreArchive", /pre-upgrade\/<name>/],
        ["prod", { backupSuspectBelowPercent: 100 }, "backupSuspectBelowPercent", /"100": must be a whole number from 0 to 99/],
        ["prod", { backupSuspectBelowPercent: "half" }, "backupSuspectBelowPercent", /"half": must be a whole number from 0 to 99/],
        ["prod", { backupScratchStorageClass: "Fast SSD" }, "backupScratchStorageClass", /DNS-1123 label/],
        ["prod", { restoreAllowUnchecksummedArchive: "yes" }, "restoreAllowUnchecksummedArchive", /"yes": must be true or false/],
        ["dev", { backupEnabled: false, restoreArchive: "rocketchat-20261128T021500Z.archive.gz" }, "restoreArchive", /unless backupEnabled/],
        ["prod", { channels: [{ name: "Team Chat" }] }, "channels", /letters, digits, '-', '_' or '\.'.*entry 1 \(\{"name":"Team Chat"\}\) is not/],
        ["prod", { channels: [{ name: "general" }, { name: "General" }] }, "channels", /distinct channel names; entry 2 .* repeats "General"/],
        ["prod", { channels: [{ name: "ops", private: "yes" }] }, "channels", /private: true or false; entry 1/],
        ["prod", { channels: [{ name: "ops", archived: true }] }, "channels", /no other keys|archived/],
        ["prod", { channels: ["general"] }, "channels", /an object with name and optional topic, private, default, readOnly/],
        ["prod", { channels: { name: "general" } }, "channels", /a list of channels such as/],
        ["prod", { channelsPrune: "always" }, "channelsPrune", /"always": must be true or false/],
        ["prod", { mongodbAppPasswordGeneration: -1 }, "mongodbAppPasswordGeneration", /"-1": must be a whole number from 0 to 1000/],
        ["prod", { mongodbKeyfileGeneration: "next" }, "mongodbKeyfileGeneration", /"next": must be a whole number from 0 to 1000/],
        ["prod", { adminPasswordGeneration: 1.5 }, "adminPasswordGeneration", /must be a whole number from 0 to 1000/],
        ["prod", { deleteDataOnDestroy: "yes" }, "deleteDataOnDestroy", /"yes": must be true or false/],
        ["prod", { deleteDataOnDestroy: 1 }, "deleteDataOnDestroy", /"1": must be true or false/],
        ["prod", { monitoringEnabled: false }, "monitoringPrometheusOperator", /true: must be false unless monitoringEnabled is true/],
        ["prod", { monitoringRocketchatPort: 3000 }, "monitoringRocketchatPort", /3000: must be a port other than 3000/],
        ["prod", { monitoringRocketchatPort: 80 }, "monitoringRocketchatPort", /"80": must be a whole number from 1024 to 65535/],
        ["prod", { monitoringSelectorLabels: ["release"] }, "monitoringSelectorLabels", /a label as key=value/],
        ["prod", { monitoringDashboardLabel: "grafana dashboard=1" }, "monitoringDashboardLabel", /a label as key=value/],
        ["prod", { monitoringExporterImage: "percona/mongodb_exporter" }, "monitoringExporterImage", /missing tag means 'latest'/],
        ["prod", { monitoringNamespace: "Monitoring" }, "monitoringNamespace", /DNS-1123 label/],
        ["prod", { monitoringReplicationLagSeconds: 0 }, "monitoringReplicationLagSeconds", /from 1 to 86400/],
        // Issue 17: each rule in the dialect of the system that consumes the value.
        // Cron as a CronJob's apiserver parses it (robfig/cron ParseStandard).
        // Issue 25 finding 5: archives newer than the last verified one are never pruned.
        ["prod", { backupSchedule: "@hourly", backupVerifySchedule: "@yearly" }, "backupVerifySchedule",
            /"@yearly": must be a schedule that verifies at least once every 7 backups \(backupRetention\): with backupSchedule '@hourly' more than 7 backups can run/],
        ["prod", { backupSchedule: "@hourly" }, "backupVerifySchedule", /verifies at least once every 7 backups.*raise backupRetention/],
        ["prod", { backupSchedule: "15 2 * * *", backupVerifySchedule: "0 4 * * 0", backupRetention: 6 }, "backupVerifySchedule", /at least once every 6 backups/],
        ["prod", { backupSchedule: "0 0 L * *" }, "backupSchedule", /"0 0 L \* \*": must be five cron fields in the Kubernetes CronJob dialect.*\(failed to parse int from L\)/],
        ["prod", { backupSchedule: "0 2 * * 1#2" }, "backupSchedule", /Kubernetes CronJob dialect.*\(failed to parse int from 1#2\)/],
        ["prod", { backupSchedule: "H 2 * * *" }, "backupSchedule", /\(failed to parse int from H\)/],
        ["prod", { backupSchedule: "0 0 2 * * *" }, "backupSchedule", /\(expected exactly 5 fields, found 6/],
        ["prod", { backupSchedule: "0 0 * * 7" }, "backupSchedule", /\(end of range \(7\) above maximum \(6\): 7\)/],
        ["prod", { backupSchedule: "0 0 15W * *" }, "backupSchedule", /\(failed to parse int from 15W\)/],
        ["prod", { backupSchedule: "@every 1h" }, "backupSchedule", /@every is robfig\/cron's own extension/],
        ["prod", { backupSchedule: "@reboot" }, "backupSchedule", /unrecognized descriptor: @reboot/],
        ["prod", { backupSchedule: "CRON_TZ=UTC 0 2 * * *" }, "backupSchedule", /cannot use TZ or CRON_TZ in schedule/],
        ["prod", { backupVerifySchedule: "*/0 * * * *" }, "backupVerifySchedule", /step of range should be a positive number: \*\/0/],
        ["prod", { backupVerifySchedule: "5-1 * * * *" }, "backupVerifySchedule", /beginning of range \(5\) beyond end of range \(1\)/],
        ["prod", { backupVerifySchedule: "1,,2 * * * *" }, "backupVerifySchedule", /empty element in the minute list/],
        // Labels and annotations by apimachinery's IsQualifiedName / IsValidLabelValue.
        ["prod", { ingressAnnotations: ["example.com/a/b=x"] }, "ingressAnnotations", /annotation key of at most one '\/'/],
        ["prod", { ingressAnnotations: ["/proxy-body-size=1m"] }, "ingressAnnotations", /non-empty prefix/],
        ["prod", { ingressAnnotations: ["example_com/x=1"] }, "ingressAnnotations", /DNS-1123 subdomain/],
        ["prod", { ingressAnnotations: [`example.com/${"n".repeat(64)}=1`] }, "ingressAnnotations", /name part of 1 to 63 characters/],
        ["prod", { ingressAnnotations: ["a=1", "a=2"] }, "ingressAnnotations", /without repeats; entry 2 repeats "a"/],
        ["prod", { ingressAnnotations: [`a=${"x".repeat(256 * 1024)}`] }, "ingressAnnotations", /at most 256 KiB/],
        // The provider's own annotations would bypass ingressAwaitLoadBalancer (and replace/delete behaviour).
        ["prod", { ingressAnnotations: ["pulumi.com/skipAwait=true"] }, "ingressAnnotations",
            /"pulumi.com\/skipAwait=true": must be an annotation the program does not set itself; entry 1: pulumi.com\/skipAwait is under pulumi.com\/, which the Pulumi Kubernetes provider reads as instructions; .*ingressAwaitLoadBalancer: false/],
        ["prod", { ingressAnnotations: ["pulumi.com/timeoutSeconds=30"] }, "ingressAnnotations", /is under pulumi.com\//],
        ["prod", { ingressAwaitLoadBalancer: "no" }, "ingressAwaitLoadBalancer", /"no": must be true or false/],
        ["prod", { monitoringSelectorLabels: ["Example.com/release=x"] }, "monitoringSelectorLabels", /prefix that is a DNS-1123 subdomain/],
        ["prod", { monitoringSelectorLabels: ["release=-x"] }, "monitoringSelectorLabels", /starting and ending with a letter or digit \(or empty\)/],
        ["prod", { monitoringSelectorLabels: ["release=a", "release=b"] }, "monitoringSelectorLabels", /entry 2 repeats "release"/],
        ["prod", { monitoringDashboardLabel: `grafana_dashboard=${"1".repeat(64)}` }, "monitoringDashboardLabel", /value of at most 63 characters/],
        // Images pinned to one build.
        ["prod", { mongodbImage: "mongo:8.0" }, "mongodbImage", /"mongo:8.0": must be an exact version tag \(major.minor.patch, such as mongo:8.0.29\) or a digest; '8.0' floats/],
        ["prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8" }, "rocketchatImage", /exact version tag .* '8' floats/],
        ["prod", { monitoringExporterImage: "percona/mongodb_exporter:stable" }, "monitoringExporterImage", /'stable' floats/],
        // mongod's memory: WiredTiger cache 0.25..10000 GB, headroom below the limit.
        ["prod", { mongodbMemoryRequest: "200Mi", mongodbMemoryLimit: "200Mi" }, "mongodbMemoryLimit", /"200Mi": must be at least 1Gi: mongod's smallest WiredTiger cache is 0.25 GB/],
        ["prod", { mongodbMemoryLimit: "100Ti" }, "mongodbMemoryLimit", /at most 20001Gi: it would give a WiredTiger cache of 51199.5 GB, above mongod's maximum of 10000/],
        ["prod", { backupMemoryRequest: "64Mi", backupMemoryLimit: "64Mi" }, "backupMemoryLimit", /"64Mi": must be at least 1Gi/],
        // Volumes with room for what goes on them.
        ["prod", { mongodbStorageSize: "1Mi" }, "mongodbStorageSize", /at least 5Gi .*990 MB for the oplog/],
        ["prod", { backupStorageSize: "100Mi" }, "backupStorageSize", /at least 1Gi/],
        // MongoDB's reserved databases.
        ["prod", { mongodbDatabase: "local" }, "mongodbDatabase", /"local": must be a database of its own, not admin, config, local/],
        ["prod", { mongodbDatabase: "admin" }, "mongodbDatabase", /not admin, config, local/],
        ["prod", { mongodbDatabase: "Config" }, "mongodbDatabase", /not admin, config, local/],
        // URLs and paths that endpoints are appended to.
        ["prod", { keycloakUrl: "https://sso.example.org#" }, "keycloakUrl", /without credentials, query \(\?\), fragment \(#\)/],
        ["prod", { keycloakUrl: "https://sso.example.org?" }, "keycloakUrl", /fragment \(#\)/],
        ["prod", { keycloakUrl: "https://sso.example.org/a/../b" }, "keycloakUrl", /'\.' or '\.\.' path segments/],
        ["prod", { keycloakUrl: "https://admin:pw@sso.example.org" }, "keycloakUrl", /without credentials/],
        ["prod", { keycloakRealm: ".." }, "keycloakRealm", /other than '\.' or '\.\.'/],
        ["prod", { keycloakBasePath: "/.." }, "keycloakBasePath", /without '\.' or '\.\.' segments/],
        // Duplicates in every list.
        ["prod", { keycloakGroups: ["chat-users", "chat-users"] }, "keycloakGroups", /a list without repeats; entry 2 repeats "chat-users"/],
        ["prod", { uploadsMediaTypeWhitelist: ["image/*", "image/*"] }, "uploadsMediaTypeWhitelist", /entry 2 repeats "image\/\*"/],
        // Pods the kubelet would refuse to start.
        ["prod", { fixedUids: false }, "fixedUids", /false: must be true on Kubernetes: .*runAsNonRoot/],
        // Issue 26 item 2: what the program sets itself cannot be set again or undone (components/programOwned.ts) ...
        ["prod", { rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_Site_Url", value: "https://elsewhere.example.org" }] }, "rocketchatExtraEnv",
            /= \{"name":"OVERWRITE_SETTING_Site_Url",.*\}: must be a name the program does not set itself; entry 1: OVERWRITE_SETTING_Site_Url is the setting Rocket.Chat seeds from ROOT_URL, which the program sets \(to "https:\/\/chat.example.org"\): .*OAuth redirect URI/],
        ["prod", { rocketchatExtraEnv: [{ name: "Site_Url", value: "https://elsewhere.example.org" }] }, "rocketchatExtraEnv", /Site_Url is the setting Rocket.Chat seeds from ROOT_URL/],
        ["prod", { rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_Accounts_RegistrationForm", value: "Public" }] }, "rocketchatExtraEnv",
            /entry 1: OVERWRITE_SETTING_Accounts_RegistrationForm is set by the program \(to "Disabled"\)/],
        ["prod", { rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_SMTP_Host", value: "mail.example.org" }] }, "rocketchatExtraEnv", /OVERWRITE_SETTING_SMTP_Host is set by the program/],
        ["prod", { ingressAnnotations: ["nginx.ingress.kubernetes.io/ssl-redirect=false"] }, "ingressAnnotations",
            /"nginx.ingress.kubernetes.io\/ssl-redirect=false": must be an annotation the program does not set itself; entry 1: the program sets nginx.ingress.kubernetes.io\/ssl-redirect \(to "true"\) on the Ingress/],
        ["prod", { ingressAnnotations: ["nginx.ingress.kubernetes.io/proxy-body-size=1m"] }, "ingressAnnotations", /the program sets nginx.ingress.kubernetes.io\/proxy-body-size \(to "101m"\)/],
        ["prod", { ingressAnnotations: ["kubernetes.io/ingress.class=nginx"] }, "ingressAnnotations",
            /the program sets the Ingress's class from ingressClassName \("nginx"\), and the apiserver refuses an Ingress with both \("can not be set when the class field is also set"\)/],
        ["prod", { podPlacement: { all: { podLabels: { "app.kubernetes.io/name": "other" } } } }, "podPlacement", /podLabels outside the program's own prefix app.kubernetes.io\/ .*at all.podLabels/],
        // ... and values that are dangerous whatever else is set (components/deniedValues.ts).
        ["prod", { rocketchatExtraEnv: [{ name: "NODE_OPTIONS", value: "--inspect=0.0.0.0:9229" }] }, "rocketchatExtraEnv",
            /must be NODE_OPTIONS without a Node.js inspector flag .*; NODE_OPTIONS="--inspect=0.0.0.0:9229" opens the inspector, which runs any code sent to it without authentication .*\(entry 1\)/],
        ["prod", { rocketchatExtraEnv: [{ name: "NODE_OPTIONS", value: "--max-old-space-size=3072 --inspect-brk" }] }, "rocketchatExtraEnv", /without a Node.js inspector flag/],
        ["prod", { rocketchatExtraEnv: [{ name: "NODE_OPTIONS", secretKeyRef: { name: "debug", key: "options" } }] }, "rocketchatExtraEnv",
            /NODE_OPTIONS without a Node.js inspector flag .*, given as a literal \{name, value\} so that it can be checked; NODE_OPTIONS from Secret debug cannot be/],
        ["prod", { rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_FileUpload_ProtectFiles", value: "false" }] }, "rocketchatExtraEnv",
            /must be FileUpload_ProtectFiles left on .*; OVERWRITE_SETTING_FileUpload_ProtectFiles="false" serves every uploaded file to anyone who has its URL, without logging in/],
        ["prod", { rocketchatExtraEnv: [{ name: "FileUpload_ProtectFiles", value: "FALSE" }] }, "rocketchatExtraEnv", /FileUpload_ProtectFiles left on/],
        ["prod", { rocketchatExtraEnv: [{ name: "NODE_TLS_REJECT_UNAUTHORIZED", value: "0" }] }, "rocketchatExtraEnv", /NODE_TLS_REJECT_UNAUTHORIZED other than 0; .*pose as Keycloak/],
        ["prod", { ingressAnnotations: ["nginx.ingress.kubernetes.io/configuration-snippet=more_set_headers \"X-A: b\";"] }, "ingressAnnotations",
            /must be no nginx.ingress.kubernetes.io\/\*-snippet annotation; nginx.ingress.kubernetes.io\/configuration-snippet puts raw nginx configuration into the controller: ingress-nginx refuses it at admission by default/],
        ["prod", { ingressAnnotations: ["nginx.ingress.kubernetes.io/server-snippet=location /x { return 403; }"] }, "ingressAnnotations", /-snippet annotation; nginx.ingress.kubernetes.io\/server-snippet/],
        ["prod", { ingressAnnotations: ["nginx.ingress.kubernetes.io/auth-snippet=proxy_set_header A b;"] }, "ingressAnnotations", /-snippet annotation; nginx.ingress.kubernetes.io\/auth-snippet/],
        ["prod", { podPlacement: { rocketchat: { tolerations: [{ operator: "Exists" }] } } }, "podPlacement",
            /must be a toleration with a key: one without \(operator Exists\) tolerates every taint, node.kubernetes.io\/unreachable and node.kubernetes.io\/not-ready included, so pods on a node that died are never evicted .* at rocketchat.tolerations.0/],
        ["prod", { podPlacement: { all: { tolerations: [{ operator: "Exists", effect: "NoSchedule" }] } } }, "podPlacement", /node.kubernetes.io\/unschedulable included, so the scheduler places pods on cordoned nodes/],
        ["prod", { podPlacement: { mongodb: { tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }] } } }, "podPlacement",
            /a toleration of node.kubernetes.io\/unreachable with tolerationSeconds: without it pods stay on a node that died forever/],
        ["prod", { rocketchatCpuRequest: "2", rocketchatCpuLimit: "2", autoscalingCpuPercent: 100 }, "autoscalingCpuPercent",
            /100: must be at most 90 with rocketchatCpuRequest 2 and rocketchatCpuLimit 2: the autoscaler aims at 100% of the request \(2 CPU per pod\) and adds pods only above 2.2 CPU .* so it never scales up/],
    ];

    for (const [stack, overrides, setting, expected] of badInputs) {
        it(`refuses ${setting} = ${JSON.stringify(overrides[setting] ?? Object.values(overrides)[0])} (${stack})`, () => {
            const message = configErrorFor(stack, overrides);
            const line = message.split("\n").find((l) => l.includes(`rocketchat-ha:${setting} = `));
            assert.ok(line, `the error names rocketchat-ha:${setting}:\n${message}`);
            assert.match(line!, expected);
        });
    }

    it("has at least 20 distinct bad-input cases", () => {
        assert.ok(new Set(badInputs.map(([, o]) => JSON.stringify(o))).size >= 20);
    });
});
