import { strict as assert } from "assert";
import { catchUpSeconds, stepDownCommand, stepDownScript } from "../components/mongodb/preStop";
import { mongodbObjects } from "./support/mongodbObjects";

/** Runs the hook's script as mongosh would, against a member that answers hello and records commands. */
function runHook(member: { primary: boolean; stepDownFails?: boolean }) {
    const commands: any[] = [];
    const printed: string[] = [];
    const authed: string[][] = [];
    const files: Record<string, string> = { "/etc/mongodb-root/username": "root\n", "/etc/mongodb-root/password": "s3cret\n" };
    const admin = {
        auth: (user: string, pwd: string) => { authed.push([user, pwd]); return { ok: 1 }; },
        runCommand: (command: any) => {
            commands.push(command);
            if (member.stepDownFails) {
                throw new Error("No electable secondaries caught up");
            }
            return { ok: 1 };
        },
    };
    const db = { hello: () => ({ isWritablePrimary: member.primary, secondary: !member.primary }), getSiblingDB: () => admin };
    const fakeRequire = (name: string) => {
        assert.equal(name, "fs");
        return { readFileSync: (file: string) => files[file] };
    };
    new Function("db", "require", "print", stepDownScript)(db, fakeRequire, (text: string) => printed.push(text));
    return { commands, printed, authed };
}

describe("MongoDB member preStop: a primary steps down before it stops", () => {
    it("a primary authenticates from the mounted files and steps down, letting a secondary catch up", () => {
        const { commands, authed } = runHook({ primary: true });
        assert.deepEqual(authed, [["root", "s3cret"]]);
        assert.deepEqual(commands, [{ replSetStepDown: 60, secondaryCatchUpPeriodSecs: catchUpSeconds }]);
    });

    it("a secondary stops at once", () => {
        assert.deepEqual(runHook({ primary: false }).commands, []);
    });

    it("a failed step-down is reported, never keeps the member from stopping", () => {
        const { printed } = runHook({ primary: true, stepDownFails: true });
        assert.match(printed.join("\n"), /step-down failed, mongod steps down on shutdown: No electable secondaries caught up/);
    });

    it("the StatefulSet runs it as preStop; the grace period covers the catch-up; readiness keeps the rolling update one Ready member at a time", () => {
        const sts: any = mongodbObjects("prod").replicaSet.statefulSet;
        const pod = sts.spec.template.spec;
        const mongod = pod.containers[0];
        assert.deepEqual(mongod.lifecycle.preStop.exec.command, stepDownCommand());
        assert.ok(!JSON.stringify(mongod.lifecycle).includes("s3cret") && !/PASSWORD/.test(JSON.stringify(mongod.lifecycle)), "no credential in the hook");
        assert.ok(pod.terminationGracePeriodSeconds >= catchUpSeconds + 30);
        assert.equal(sts.spec.updateStrategy.type, "RollingUpdate");
        assert.match(mongod.readinessProbe.exec.command.join(" "), /isWritablePrimary \|\| h\.secondary/);
    });
});
