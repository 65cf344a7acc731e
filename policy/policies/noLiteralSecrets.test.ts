// Policy no-literal-secrets (noLiteralSecrets.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation, firstContainer } from "../testing/assertions";
import { backupCronJob, backupScripts, compliantObjects, messagesOf, mongoStatefulSet, rocketChatDeployment } from "../testing/fixtures";
import { noLiteralSecrets } from "./noLiteralSecrets";

describe("policy no-literal-secrets", () => {
    it("accepts secretKeyRef, names that only describe a secret, and scripts that read one", async () => {
        assert.deepEqual(await messagesOf(noLiteralSecrets, compliantObjects()), []);
    });

    it("reports a literal value for a name ending in PASS without repeating it", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).env.push({ name: "ADMIN_PASS", value: "hunter2hunter2" });
        const messages = await messagesOf(noLiteralSecrets, [deployment]);
        assertOneViolation(messages, /container rocketchat: env ADMIN_PASS has a literal value instead of valueFrom\.secretKeyRef/, /secretKeyRef/);
        assert.doesNotMatch(messages[0], /hunter2/);
    });

    it("reports the Keycloak client secret given literally, in either setting form", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).env.push({ name: "OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-secret", value: "s3cr3t-value" });
        assertOneViolation(await messagesOf(noLiteralSecrets, [deployment]), /env OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-secret has a literal value/);
    });

    it("reports a connection string with a literal password but not one built from references", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).env.push(
            { name: "MONGO_URL", value: "mongodb://rocketchat:pa55word@mongo-0:27017/rocketchat" },
            { name: "MONGO_OPTIONS_URL", value: "mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@mongo-0:27017/rocketchat" },
        );
        assertOneViolation(await messagesOf(noLiteralSecrets, [deployment]), /env MONGO_URL holds a URL with a literal password/);
    });

    it("reports --password=value and --password value in args, but not --keyFile /path", async () => {
        const sts = mongoStatefulSet();
        firstContainer(sts).args.push("--password=hunter2", "--sslPEMKeyPassword", "hunter3");
        const messages = await messagesOf(noLiteralSecrets, [sts]);
        assert.equal(messages.length, 2, JSON.stringify(messages));
        assert.match(messages[0], /args contains argument --password with a literal value/);
        assert.match(messages[1], /args contains argument --sslPEMKeyPassword with a literal value/);
    });

    it("reports a shell assignment in a command and an env-style ConfigMap entry", async () => {
        const job = backupCronJob();
        firstContainer(job).command = ["sh", "-c", "export MONGODB_PASSWORD=hunter2 && bash /scripts/backup.sh"];
        const settings = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "chat" }, data: { DB_PASSWORD: "hunter2", DB_PASSWORD_FILE: "/run/secrets/db" } };
        const messages = await messagesOf(noLiteralSecrets, [job, settings]);
        assert.equal(messages.length, 2, JSON.stringify(messages));
        assert.match(messages[0], /container backup: command contains MONGODB_PASSWORD=<literal>/);
        assert.match(messages[1], /ConfigMap chat\/settings entry DB_PASSWORD contains key DB_PASSWORD/);
    });

    it("judges ConfigMap files by type: a literal in JavaScript or a properties file, not a variable read", async () => {
        const scripts = backupScripts();
        scripts.data["client.js"] = [
            "const clientSecret = \"abc123\";",
            "const password = process.env.MONGODB_PASSWORD;",
            // A lone `key` or `token` property is a lookup key, not a credential.
            "const lookups = [{ path: \"channels.list\", key: \"channels\" }, { token: \"IDENT\" }];",
        ].join("\n");
        scripts.data["app.properties"] = "# api.key: put the key here\nspring.datasource.password=hunter2\nspring.datasource.username=app";
        const messages = await messagesOf(noLiteralSecrets, [scripts]);
        assert.equal(messages.length, 2, JSON.stringify(messages));
        assert.match(messages[0], /entry client\.js contains clientSecret = "<literal>"/);
        assert.match(messages[1], /entry app\.properties contains spring\.datasource\.password: <literal>/);
    });
});
