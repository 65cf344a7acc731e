import { strict as assert } from "assert";
import { programOwned } from "../components/programOwned";
import { builtStack } from "./support/platformBuild";
import { configErrorFor, settingsFor } from "./support/settings";

/** The pod templates the stack declares, by workload name. */
async function podTemplates(stack: string, overrides: Record<string, unknown>): Promise<Map<string, any>> {
    const run = builtStack(stack, overrides);
    const templates = new Map<string, any>();
    for (const r of run.resources) {
        const spec = r.inputs?.spec;
        const template = spec?.template ?? spec?.jobTemplate?.spec?.template;
        if (template?.spec?.containers) {
            templates.set(`${r.inputs.kind}/${r.inputs.metadata.name}`, template);
        }
    }
    return templates;
}

describe("placement settings", () => {
    describe("refused with the setting, the value's place and what is allowed", () => {
        const refusals: [Record<string, unknown>, RegExp][] = [
            [{ podPlacement: { rocketchat: { tolerations: [{ key: "dedicated", operator: "In", value: "chat" }] } } },
                /rocketchat-ha:podPlacement = .*: must be a toleration operator of Exists or Equal at rocketchat\.tolerations\.0\.operator/],
            [{ podPlacement: { mongodb: { tolerations: [{ key: "dedicated", effect: "NoStart" }] } } },
                /must be a toleration effect of NoSchedule, PreferNoSchedule, NoExecute \(or none for all effects\) at mongodb\.tolerations\.0\.effect/],
            [{ podPlacement: { all: { tolerations: [{ operator: "Equal", value: "x" }] } } },
                /must be a toleration with operator Exists when key is empty .* at all\.tolerations\.0/],
            [{ podPlacement: { all: { tolerations: [{ key: "k", operator: "Exists", value: "x" }] } } }, /a toleration with no value with operator Exists/],
            [{ podPlacement: { all: { tolerations: [{ key: "k", effect: "NoSchedule", tolerationSeconds: 30 }] } } }, /effect NoExecute when tolerationSeconds is set/],
            [{ podPlacement: { backup: { nodeSelector: { "pool/": "db" } } } }, /nodeSelector with a name part of 1 to 63 characters; "pool\/": "db" is not at backup\.nodeSelector/],
            [{ podPlacement: { exporter: { nodeSelector: { pool: "db pool" } } } }, /nodeSelector with a value of letters, digits/],
            [{ podPlacement: { channels: { podLabels: { "rocketchat-ha.io/mongodb-client": "rocketchat" } } } },
                /podLabels outside the program's own prefix rocketchat-ha\.io\/ \(selectors and the MongoDB NetworkPolicy rely on it\)/],
            [{ podPlacement: { rocketchat: { podAnnotations: { "app.kubernetes.io/name": "x" } } } }, /podAnnotations outside the program's own prefix app\.kubernetes\.io\//],
            [{ podPlacement: { rocketchat: { priorityClassName: "High_Priority" } } }, /a priorityClassName that is a DNS-1123 subdomain .* at rocketchat\.priorityClassName/],
            [{ podPlacement: { keycloak: {} } }, /must be an object keyed by all, mongodb, rocketchat, backup, exporter, channels/],
            [{ podPlacement: { rocketchat: { affinity: {} } } }, /must be an object with nodeSelector, tolerations, priorityClassName, podLabels and podAnnotations \(no other keys\)/],
            [{ imagePullSecrets: ["Registry_Mirror"] }, /rocketchat-ha:imagePullSecrets = .*: must be a DNS-1123 subdomain/],
            [{ rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_Accounts_ShowFormLogin", value: "true" }] },
                /rocketchat-ha:rocketchatExtraEnv = .*: must be a name the program does not set itself; entry 1: OVERWRITE_SETTING_Accounts_ShowFormLogin is set by the program \(to "false"\), and of two entries with one name Kubernetes keeps the last/],
            [{ rocketchatExtraEnv: [{ name: "Accounts_ShowFormLogin", value: "true" }] }, /Accounts_ShowFormLogin is the other spelling of OVERWRITE_SETTING_Accounts_ShowFormLogin, which the program sets \(to "false"\): Rocket.Chat reads both as one setting/],
            [{ rocketchatExtraEnv: [{ name: "MONGO_URL", value: "mongodb://elsewhere" }] }, /MONGO_URL is set by the program/],
            [{ rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-map_channels", value: "true" }] },
                /OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-map_channels is under OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak\*, the Keycloak login the program manages/],
            [{ rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_Push_gateway_token", value: "abc123" }] },
                /no literal secrets: OVERWRITE_SETTING_Push_gateway_token holds a secret by its name; give it as \{name, secretKeyRef: \{name, key\}\}/],
            [{ rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_Webhook_Url", value: "https://bot:hunter2@hooks.example.org" }] }, /holds a URL with a password/],
            [{ rocketchatExtraEnv: [{ name: "1ST", value: "x" }] }, /must be a variable name of letters, digits, .* \(Kubernetes IsEnvVarName\) at 0\.name/],
            [{ rocketchatExtraEnv: [{ name: "A", valueFrom: {} }] }, /entries as \{name, value\} or \{name, secretKeyRef: \{name, key\}\}/],
            [{ rocketchatExtraEnv: [{ name: "A", value: "1" }, { name: "A", value: "2" }] }, /a list of distinct names; entry 2 repeats A/],
        ];
        for (const [overrides, message] of refusals) {
            it(JSON.stringify(overrides), () => {
                assert.match(configErrorFor("prod", overrides), message);
            });
        }
    });

    it("the owned names cover both spellings of what the program sets, SSO and HA alike", () => {
        const owned = programOwned(settingsFor("prod")).variables;
        for (const name of ["MONGO_URL", "ROOT_URL", "INSTANCE_IP", "HOME", "OVERWRITE_SETTING_Accounts_ShowFormLogin", "Accounts_ShowFormLogin",
            "OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-url", "Accounts_OAuth_Custom_Keycloak_secret", "OVERWRITE_SETTING_FileUpload_Storage_Type"]) {
            assert.ok(owned.has(name), name);
        }
    });

    it("accepts secrets by reference and harmless literals", () => {
        const s = settingsFor("prod", {
            rocketchatExtraEnv: [
                { name: "OVERWRITE_SETTING_Push_gateway_token", secretKeyRef: { name: "push", key: "token" } },
                { name: "OVERWRITE_SETTING_Site_Name", value: "Staff chat" },
            ],
        });
        assert.equal(s.rocketchatExtraEnv.length, 2);
    });

    describe("in the rendered stack", () => {
        const placement = {
            all: { tolerations: [{ key: "dedicated", operator: "Equal", value: "chat", effect: "NoSchedule" }], podLabels: { "cost-center": "it" } },
            mongodb: { nodeSelector: { pool: "db" }, priorityClassName: "database-critical" },
            rocketchat: { nodeSelector: { pool: "app" }, podAnnotations: { "example.org/owner": "chat-team" }, podLabels: { "cost-center": "chat" } },
        };

        it("every pod gets all's tolerations and the pull secrets; each workload its own selector and priority class", async () => {
            const templates = await podTemplates("prod", { podPlacement: placement, imagePullSecrets: ["registry-mirror"], backupEnabled: true, channels: [{ name: "general" }] });
            assert.ok(templates.size >= 6, [...templates.keys()].join(", "));
            for (const [name, template] of templates) {
                assert.deepEqual(template.spec.tolerations, placement.all.tolerations, name);
                assert.deepEqual(template.spec.imagePullSecrets, [{ name: "registry-mirror" }], name);
            }
            const sts = templates.get("StatefulSet/rocketchat-mongodb");
            assert.deepEqual(sts.spec.nodeSelector, { pool: "db" });
            assert.equal(sts.spec.priorityClassName, "database-critical");
            assert.equal(sts.metadata.labels["cost-center"], "it");
            const chat = templates.get("Deployment/rocketchat");
            assert.deepEqual(chat.spec.nodeSelector, { pool: "app" });
            assert.equal(chat.metadata.labels["cost-center"], "chat", "the workload's own value wins over all's");
            assert.equal(chat.metadata.annotations["example.org/owner"], "chat-team");
            assert.ok(chat.metadata.annotations["rocketchat-ha.io/config-checksum"], "the program's annotation stays");
            assert.equal(chat.metadata.labels["app.kubernetes.io/name"], "rocketchat", "the selector labels stay");
        });

        it("extra environment reaches the Rocket.Chat container after the program's own", async () => {
            const templates = await podTemplates("prod", { rocketchatExtraEnv: [{ name: "OVERWRITE_SETTING_Site_Name", value: "Staff chat" }, { name: "OVERWRITE_SETTING_Push_gateway_token", secretKeyRef: { name: "push", key: "token" } }] });
            const env = templates.get("Deployment/rocketchat").spec.containers[0].env;
            assert.deepEqual(env.find((e: any) => e.name === "OVERWRITE_SETTING_Site_Name"), { name: "OVERWRITE_SETTING_Site_Name", value: "Staff chat" });
            assert.deepEqual(env.find((e: any) => e.name === "OVERWRITE_SETTING_Push_gateway_token").valueFrom, { secretKeyRef: { name: "push", key: "token" } });
            assert.equal(new Set(env.map((e: any) => e.name)).size, env.length, "no name twice");
        });

        it("without placement settings the templates carry none of these fields", async () => {
            const templates = await podTemplates("prod", {});
            for (const [name, template] of templates) {
                for (const field of ["nodeSelector", "tolerations", "priorityClassName", "imagePullSecrets"]) {
                    assert.equal(template.spec[field], undefined, `${name} ${field}`);
                }
            }
        });
    });
});
