/**
 * The thin components (Credentials, MongoReplicaSet, the namespace-wide
 * default deny) register exactly what their builders return and add only
 * Pulumi's business: parents, the namespace dependency on every child, the
 * StatefulSet's wait for the upgrade guard, the bootstrap Job's wait for its
 * script, the connection string as a secret. Pulumi's own mock runtime
 * (setMocks), no whole program: the components are required after setMocks
 * (a static import of the SDK's resources before it hangs, tools/mockRuntime.ts).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { credentialsArgsFromSettings } from "../components/credentials";
import { credentialObjects, credentialSecretNames, MongoRole, mongoRoles } from "../components/credentialObjects";
import { defaultDenyIngressObject } from "../components/networkIsolation";
import { mongoConnectionUri, replicaSetObjects } from "../components/mongodb/replicaSetObjects";
import { mongoReplicaSetArgsFromSettings } from "../components/mongodb/replicaSetSettings";
import { stackSettings } from "./support/stackSettings";

interface Registered {
    readonly resource: pulumi.Resource;
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, any>;
    readonly opts: pulumi.ResourceOptions;
}

/** Mocked random results: a resource's `result` is "generated-<its name>". */
const generatedValue = (name: string) => `generated-${name}`;

async function declare(stack: string) {
    await pulumi.runtime.setMocks({
        newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs, result: generatedValue(a.name), base64: generatedValue(a.name) } }),
        call: (a) => a.inputs,
    }, "rocketchat-ha", stack, false);
    const registered: Registered[] = [];
    const record = (a: pulumi.ResourceTransformationArgs) => (registered.push({ resource: a.resource, type: a.type, name: a.name, props: a.props, opts: a.opts }), undefined);
    const { Credentials } = require("../components/credentials");
    const { MongoReplicaSet } = require("../components/mongodb/replicaSet");
    const { denyIngressByDefault } = require("../components/networkIsolation");
    const settings = stackSettings(stack);
    const k8s = require("../components/k8s");
    const namespace = new k8s.core.v1.Namespace("namespace", {});
    const guard = new k8s.batch.v1.Job("guard", {});
    const inNamespace = { dependsOn: [namespace], transformations: [record] };
    const policy = denyIngressByDefault("rocketchat", settings.namespace, inNamespace);
    const credentials = new Credentials("rocketchat", credentialsArgsFromSettings(settings), inNamespace);
    const replicaSet = new MongoReplicaSet("rocketchat", {
        ...mongoReplicaSetArgsFromSettings(settings),
        credentials,
        startAfter: Promise.resolve([guard]),
    }, inNamespace);
    return { settings, registered, credentials, replicaSet, namespace, guard, policy };
}

/** The resources an entry waits for through dependsOn (the SDK may wrap a promised list in an Output). */
async function waitsFor(entry: Registered): Promise<pulumi.Resource[]> {
    const given = entry.opts.dependsOn as any;
    const list = pulumi.Output.isInstance(given) ? await (given as any).promise() : await Promise.resolve(given);
    return list === undefined ? [] : Array.isArray(list) ? Promise.all(list) : [list];
}

/** A value with every Output resolved (secrets unwrapped). */
async function resolved(value: any): Promise<any> {
    if (pulumi.Output.isInstance(value)) {
        return resolved(await (value as any).promise());
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(resolved));
    }
    if (value && typeof value === "object" && !(value instanceof pulumi.Resource)) {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolved(v)])));
    }
    return value;
}

describe("MongoDB and credential components: what the builders return, registered", () => {
    let declared: ReturnType<typeof declare>;
    before(() => { declared = declare("prod"); });

    it("prod: the replica set registers each built object under its own name with exactly the built inputs", async () => {
        const { settings, registered } = await declared;
        const args = mongoReplicaSetArgsFromSettings(settings);
        const names = credentialSecretNames("rocketchat");
        const built = replicaSetObjects<string>("rocketchat", {
            ...args,
            usersSecretName: names.mongoUsers,
            keyfileSecretName: names.keyfile,
            connectionUri: mongoConnectionUri("rocketchat", args, generatedValue("rocketchat-mongodb-app")),
        });
        const objects = [built.headlessService, built.clientService, built.statefulSet, built.disruptionBudget, built.networkPolicy,
            built.connectionSecret, built.bootstrap.configMap, built.bootstrap.job] as any[];
        const kubernetes = registered.filter((r) => r.type.startsWith("kubernetes:") && r.props.metadata?.labels?.["app.kubernetes.io/name"] === "mongodb");
        assert.deepEqual(kubernetes.map((r) => `${r.type} ${r.name}`).sort(),
            objects.map((o) => `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind} ${o.metadata.name}`).sort());
        for (const object of objects) {
            const entry = kubernetes.find((r) => r.name === object.metadata.name && r.type.endsWith(`:${object.kind}`))!;
            // The provider class sets apiVersion and kind itself and leaves its other top-level fields (status, data, ...) undefined.
            const inputs = Object.fromEntries(Object.entries(await resolved(entry.props)).filter(([, value]) => value !== undefined));
            assert.deepEqual(inputs, object, `${object.kind}/${object.metadata.name}`);
        }
    });

    it("prod: the credentials and the default deny register exactly the built Secrets and NetworkPolicy, generated values from the random resources", async () => {
        const { settings, registered } = await declared;
        const built = credentialObjects<string>("rocketchat", {
            ...credentialsArgsFromSettings(settings),
            mongoPasswords: Object.fromEntries(mongoRoles.map((role) => [role, generatedValue(`rocketchat-mongodb-${role}`)])) as Record<MongoRole, string>,
            keyfile: generatedValue("rocketchat-mongodb-keyfile"),
            adminPassword: generatedValue("rocketchat-admin"),
        });
        for (const object of [...Object.values(built), defaultDenyIngressObject("rocketchat", settings.namespace)] as any[]) {
            const entries = registered.filter((r) => r.name === object.metadata.name && r.type.endsWith(`:${object.kind}`));
            assert.equal(entries.length, 1, `${object.kind}/${object.metadata.name} registered once`);
            const inputs = Object.fromEntries(Object.entries(await resolved(entries[0].props)).filter(([, value]) => value !== undefined));
            assert.deepEqual(inputs, object, `${object.kind}/${object.metadata.name}`);
        }
    });

    it("prod: every child has its component as parent and waits for the namespace; the StatefulSet also for the guard, the bootstrap Job for its script", async () => {
        const { registered, namespace, guard, credentials, replicaSet, policy } = await declared;
        const children = registered.filter((r) => (r.type.startsWith("kubernetes:") || r.type.startsWith("random:")) && r.resource !== policy);
        assert.ok(children.length >= 8 + 3 + 6);
        assert.ok((await waitsFor(registered.find((r) => r.resource === policy)!)).includes(namespace), "the default deny waits for the namespace");
        for (const child of children) {
            const parent = child.type.startsWith("random:") || child.name.startsWith("rocketchat-admin") || /mongodb-(users|keyfile)$/.test(child.name) ? credentials : replicaSet;
            assert.equal(child.opts.parent, parent, `${child.type} ${child.name} parent`);
            assert.ok((await waitsFor(child)).includes(namespace), `${child.type} ${child.name} waits for the namespace`);
        }
        const statefulSet = children.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
        assert.ok((await waitsFor(statefulSet)).includes(guard), "the StatefulSet waits for the upgrade guard");
        for (const other of children.filter((r) => r !== statefulSet)) {
            assert.ok(!(await waitsFor(other)).includes(guard), `${other.type} ${other.name} does not wait for the guard`);
        }
        const job = children.find((r) => r.type === "kubernetes:batch/v1:Job")!;
        const script = children.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
        assert.ok((await waitsFor(job)).includes(script.resource), "the bootstrap Job waits for its script");
        assert.equal(replicaSet.bootstrap, job.resource, "the component exposes the bootstrap Job it registered");
    });

    it("prod: the connection string is a Pulumi secret built with the app user's generated password; each user's password is its own random result", async () => {
        const { settings, registered, replicaSet } = await declared;
        const connection = registered.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "rocketchat-mongodb-connection")!;
        assert.equal(await pulumi.isSecret(connection.props.stringData["mongo-url"]), true);
        assert.equal(await resolved(connection.props.stringData["mongo-url"]),
            mongoConnectionUri("rocketchat", mongoReplicaSetArgsFromSettings(settings), generatedValue("rocketchat-mongodb-app")));
        assert.equal(await resolved(replicaSet.connectionSecretName), "rocketchat-mongodb-connection");
        const users = await resolved(registered.find((r) => r.name === "rocketchat-mongodb-users")!.props.stringData);
        for (const role of ["root", "app", "backup", "restore", "monitoring"]) {
            assert.equal(users[`${role}-password`], generatedValue(`rocketchat-mongodb-${role}`));
        }
        const keyfile = registered.find((r) => r.type === "random:index/randomBytes:RandomBytes")!;
        assert.equal(keyfile.props.length, 756);
    });
});
