/**
 * Issue 26 item 2: one rule for "the program owns this" (components/programOwned.ts)
 * and the values no stack may give (components/deniedValues.ts). The refusals
 * themselves, with their messages, are rows of the bad-input table in
 * test/config.test.ts; this file holds what the rule is derived from, where it
 * lets a value through, and the deny list's edges.
 */
import { strict as assert } from "assert";
import { deniedAnnotation, deniedEnvironment, deniedToleration, TolerationEntry } from "../components/deniedValues";
import { ownedExtrasReads, ownedPodMetadataPrefixes, programOwned, readsOfOwnedExtras } from "../components/programOwned";
import { exposureObject } from "../components/rocketchat/exposure";
import { bothSpellings } from "../components/rocketchat/settingVariables";
import { platformBuild, restoreCase } from "./support/platformBuild";
import { rocketchatBuild } from "./support/rocketchatBuild";
import { configErrorFor, settingsFor } from "./support/settings";

/** Stacks that between them turn every feature on and off. */
const variants: [string, Record<string, unknown>][] = [
    ["dev", {}],
    ["dev", { ...restoreCase, monitoringEnabled: false, uploadsStorage: "GridFS" }],
    ["test", {}],
    ["prod", {}],
    ["prod", { ingressAwaitLoadBalancer: false, backupEnabled: true, channels: [{ name: "general" }] }],
];

describe("what the program owns (components/programOwned.ts)", () => {
    it("is read off the built Rocket.Chat container: every variable it sets, in both spellings, for every stack", () => {
        for (const [stack, overrides] of variants) {
            const owned = programOwned(settingsFor(stack, overrides)).variables;
            for (const name of Object.keys(rocketchatBuild(stack, overrides).env)) {
                for (const spelling of bothSpellings(name)) {
                    assert.ok(owned.has(spelling), `${stack} ${JSON.stringify(overrides)}: ${spelling}`);
                }
            }
        }
    });

    it("follows the settings: SMTP and password registration are free on a stack where the program leaves them alone", () => {
        // dev: SSO off, no smtpSecretName. With SSO on and an SMTP Secret (prod) both are refused (config.test.ts).
        const s = settingsFor("dev", {
            rocketchatExtraEnv: [
                { name: "OVERWRITE_SETTING_Accounts_RegistrationForm", value: "Disabled" },
                { name: "OVERWRITE_SETTING_SMTP_Host", value: "mail.example.org" },
            ],
        });
        assert.equal(s.rocketchatExtraEnv.length, 2);
        assert.match(configErrorFor("dev", { smtpSecretName: "smtp", rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_SMTP_Host", value: "mail.example.org" }] }),
            /rocketchat-ha:rocketchatExtraEnv = .*OVERWRITE_SETTING_SMTP_Host is set by the program/);
    });

    it("owns the Ingress's class annotation only while ingressClassName sets the class field", () => {
        assert.deepEqual(settingsFor("dev", { ingressAnnotations: ["kubernetes.io/ingress.class=nginx"] }).ingressAnnotations, ["kubernetes.io/ingress.class=nginx"]);
        assert.ok(programOwned(settingsFor("prod")).annotations.has("kubernetes.io/ingress.class"));
    });

    it("owns no Ingress annotation on OpenShift, where ingressAnnotations reach no object; the deny list still applies", () => {
        assert.equal(programOwned(settingsFor("test")).annotations.size, 0);
        settingsFor("test", { ingressAnnotations: ["nginx.ingress.kubernetes.io/ssl-redirect=false"] });
        assert.match(configErrorFor("test", { ingressAnnotations: ["nginx.ingress.kubernetes.io/server-snippet=return 403;"] }), /-snippet annotation/);
    });

    it("every label and annotation the program puts on a pod template is under an owned prefix", () => {
        let templates = 0;
        for (const [stack, overrides] of variants) {
            for (const object of platformBuild(stack, overrides).objects) {
                const template = object.spec?.template ?? object.spec?.jobTemplate?.spec?.template;
                if (!template?.spec?.containers) {
                    continue;
                }
                templates++;
                const keys = [...Object.keys(template.metadata?.labels ?? {}), ...Object.keys(template.metadata?.annotations ?? {})];
                for (const key of keys) {
                    assert.ok(ownedPodMetadataPrefixes.some((prefix) => key.startsWith(prefix)), `${object.kind}/${object.metadata.name}: ${key}`);
                }
            }
        }
        assert.ok(templates >= 10, `${templates} pod templates`);
    });

    it("the extras check waits for every setting the builder reads: the recorded list covers every stack and every feature off", () => {
        for (const [stack, overrides] of [...variants, ["dev", { autoscalingEnabled: false, ssoEnabled: false, monitoringEnabled: false, monitoringPrometheusOperator: false }]] as const) {
            const missing = readsOfOwnedExtras(settingsFor(stack, overrides)).filter((name) => !ownedExtrasReads.includes(name));
            assert.deepEqual(missing, [], `${stack} ${JSON.stringify(overrides)}`);
        }
        for (const judged of ["rocketchatExtraEnv", "ingressAnnotations", "hostname", "ssoEnabled", "smtpSecretName", "ingressClassName"] as const) {
            assert.ok(ownedExtrasReads.includes(judged), judged);
        }
    });

    it("an invalid setting elsewhere does not hide the other problems", () => {
        const message = configErrorFor("prod", { mongodbMembers: 4, rocketchatExtraEnv: [{ name: "NODE_OPTIONS", value: "--inspect" }] });
        assert.match(message, /rocketchat-ha:mongodbMembers = /);
        assert.match(message, /rocketchat-ha:rocketchatExtraEnv = .*inspector/);
    });

    it("the program's own Ingress annotations win over extra ones in the builder too", () => {
        const ingress = exposureObject("chat", {
            namespace: "chat", platform: "kubernetes", hostname: "chat.example.org", serviceName: "chat", servicePort: "http", labels: {},
            ingressAnnotations: ["nginx.ingress.kubernetes.io/ssl-redirect=false", "nginx.ingress.kubernetes.io/proxy-body-size=1m", "cert-manager.io/cluster-issuer=ca"],
            maxUploadBytes: 100 * 2 ** 20,
        }) as { metadata: { annotations: Record<string, string> } };
        assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/ssl-redirect"], "true");
        assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-body-size"], "101m");
        assert.equal(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], "ca");
    });
});

describe("denied values (components/deniedValues.ts)", () => {
    const env = (name: string, value: string) => deniedEnvironment({ name, value });

    it("NODE_OPTIONS: every flag that opens the inspector, however spelt; other options pass", () => {
        for (const options of ["--inspect", "--inspect=0.0.0.0:9229", "--inspect-brk", "--inspect-brk=9229", "--inspect-port=9229", "--inspect_brk",
            "--debug-port=9229", "--inspect-wait", "--max-old-space-size=2048 --inspect", "\"--inspect=0.0.0.0:9229\"", "--require ./x.js\t--inspect"]) {
            assert.match(env("NODE_OPTIONS", options) ?? "", /without a Node.js inspector flag/, options);
        }
        for (const options of ["--max-old-space-size=2048", "--enable-source-maps", "--no-deprecation", "--title=inspector"]) {
            assert.equal(env("NODE_OPTIONS", options), undefined, options);
        }
        assert.equal(env("MY_FLAGS", "--inspect"), undefined, "only NODE_OPTIONS reaches node");
    });

    it("FileUpload_ProtectFiles: false in any case and either spelling, as Rocket.Chat reads it; true passes", () => {
        for (const name of ["FileUpload_ProtectFiles", "OVERWRITE_SETTING_FileUpload_ProtectFiles"]) {
            for (const value of ["false", "False", "FALSE"]) {
                assert.match(env(name, value) ?? "", /FileUpload_ProtectFiles left on/, `${name}=${value}`);
            }
            assert.equal(env(name, "true"), undefined);
        }
    });

    it("NODE_TLS_REJECT_UNAUTHORIZED: 0 only", () => {
        assert.match(env("NODE_TLS_REJECT_UNAUTHORIZED", "0") ?? "", /other than 0/);
        assert.equal(env("NODE_TLS_REJECT_UNAUTHORIZED", "1"), undefined);
    });

    it("a variable the deny list judges must be a literal: a Secret's value cannot be checked", () => {
        assert.match(deniedEnvironment({ name: "OVERWRITE_SETTING_FileUpload_ProtectFiles", secretKeyRef: { name: "s", key: "k" } }) ?? "", /given as a literal/);
        assert.equal(deniedEnvironment({ name: "OVERWRITE_SETTING_Push_gateway_token", secretKeyRef: { name: "s", key: "k" } }), undefined);
    });

    it("ingress-nginx snippet annotations, every one of them; other annotations pass", () => {
        for (const name of ["configuration-snippet", "server-snippet", "auth-snippet", "modsecurity-snippet", "stream-snippet"]) {
            assert.match(deniedAnnotation(`nginx.ingress.kubernetes.io/${name}`) ?? "", /-snippet annotation/, name);
        }
        assert.match(deniedAnnotation("NGINX.ingress.kubernetes.io/Server-Snippet") ?? "", /-snippet annotation/, "the apiserver compares annotation keys lowercased");
        for (const key of ["nginx.ingress.kubernetes.io/proxy-buffer-size", "cert-manager.io/cluster-issuer", "example.org/snippet"]) {
            assert.equal(deniedAnnotation(key), undefined, key);
        }
    });

    it("tolerations that keep pods on a dead node or put them on a cordoned one; named ones pass", () => {
        const refused: TolerationEntry[] = [
            { operator: "Exists" },
            { operator: "Exists", effect: "NoExecute" },
            { operator: "Exists", effect: "NoSchedule" },
            { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
            { key: "node.kubernetes.io/not-ready", operator: "Exists" },
            { key: "node.kubernetes.io/not-ready", operator: "Equal", value: "", effect: "NoExecute" },
        ];
        for (const t of refused) {
            assert.ok(deniedToleration(t), JSON.stringify(t));
        }
        const accepted: TolerationEntry[] = [
            { operator: "Exists", effect: "PreferNoSchedule" },
            { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
            { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoSchedule" },
            { key: "node.kubernetes.io/unreachable", operator: "Equal", value: "x", effect: "NoExecute" },
            { key: "dedicated", operator: "Equal", value: "chat", effect: "NoSchedule" },
            { key: "dedicated", operator: "Exists" },
        ];
        for (const t of accepted) {
            assert.equal(deniedToleration(t), undefined, JSON.stringify(t));
        }
    });

    it("the apiserver's own toleration rules come first: a keyless Equal is reported as the apiserver would", () => {
        assert.match(configErrorFor("prod", { podPlacement: { all: { tolerations: [{ operator: "Equal", value: "x" }] } } }), /operator Exists when key is empty/);
    });
});

describe("autoscaling that can reach its scale-up point (crossChecks.ts autoscalingCanScaleUp)", () => {
    const cpu = (request: string, limit: string, percent: number, extra: Record<string, unknown> = {}) =>
        ({ rocketchatCpuRequest: request, rocketchatCpuLimit: limit, autoscalingCpuPercent: percent, ...extra });

    it("with request = limit, 90% still scales (1.98 of 2 CPU) and 91% never does (2.002): the controller's 10% tolerance counts", () => {
        settingsFor("prod", cpu("2", "2", 90));
        assert.match(configErrorFor("prod", cpu("2", "2", 91)), /rocketchat-ha:autoscalingCpuPercent = 91: must be at most 90 .*adds pods only above 2.002 CPU/);
        assert.match(configErrorFor("prod", cpu("1500m", "1500m", 100)), /at most 90 .*raise rocketchatCpuLimit above 1.65/);
    });

    it("a limit above the scale-up point passes, and so does anything with autoscaling off", () => {
        settingsFor("prod", cpu("500m", "2", 100));
        settingsFor("prod", cpu("1", "1.1", 99));
        settingsFor("prod", cpu("2", "2", 100, { autoscalingEnabled: false, autoscalingMaxReplicas: 3 }));
    });

    it("a request above its limit is reported once, as such", () => {
        const message = configErrorFor("prod", cpu("3", "2", 100));
        assert.match(message, /rocketchatCpuRequest = "3": must be at most rocketchatCpuLimit/);
        assert.doesNotMatch(message, /autoscalingCpuPercent/);
    });
});
