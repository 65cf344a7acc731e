/**
 * The channel reconciler's decisions (components/channels/scripts/plan.js) on
 * replies shaped like Rocket.Chat 8.x's channels.info / groups.info /
 * channels.list answers.
 */
import { strict as assert } from "assert";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const plan = require("../components/channels/scripts/plan.js");

/** A channels.info `channel` (or groups.info `group`) as Rocket.Chat returns it. */
function roomReply(overrides: Record<string, unknown> = {}) {
    return {
        _id: "ByehQjC44FwMeiLbX",
        name: "general",
        fname: "general",
        t: "c",
        msgs: 1204,
        usersCount: 312,
        u: { _id: "aiPqNoGkjpNDiRx6d", username: "rcadmin" },
        ts: "2026-01-05T18:02:50.754Z",
        ro: false,
        sysMes: true,
        default: true,
        _updatedAt: "2026-11-20T09:12:44.101Z",
        topic: "Company-wide news and questions",
        ...overrides,
    };
}

const declared = { name: "general", topic: "Company-wide news and questions", default: true };

describe("channel reconcile decisions", () => {
    it("creates a missing public channel, then sets its topic and default flag", () => {
        const steps = plan.planChannel(plan.desiredState(declared), undefined);
        assert.deepEqual(steps.map((s: any) => s.action), ["create", "setTopic", "setDefault"]);
        assert.deepEqual(plan.requestFor(steps[0]), {
            method: "POST",
            path: "channels.create",
            body: { name: "general", readOnly: false, customFields: { managedBy: "rocketchat-ha" } },
        });
        assert.deepEqual(plan.requestFor(steps[2], "NEWID"), { method: "POST", path: "rooms.saveRoomSettings", body: { rid: "NEWID", default: true } });
    });

    it("creates a missing private, read-only room through groups.create and nothing else", () => {
        const steps = plan.planChannel(plan.desiredState({ name: "platform-oncall", private: true, readOnly: true }), undefined);
        assert.deepEqual(steps.map((s: any) => s.action), ["create"]);
        const request = plan.requestFor(steps[0]);
        assert.equal(request.path, "groups.create");
        assert.equal(request.body.readOnly, true);
    });

    it("does nothing when the room already matches", () => {
        assert.deepEqual(plan.planChannel(plan.desiredState(declared), plan.observedState(roomReply())), []);
    });

    it("changes only what differs: topic, read-only, default", () => {
        const observed = plan.observedState(roomReply({ topic: "Old topic", ro: true, default: false }));
        const steps = plan.planChannel(plan.desiredState(declared), observed);
        assert.deepEqual(steps.map((s: any) => [s.action, s.value]), [["setTopic", declared.topic], ["setReadOnly", false], ["setDefault", true]]);
        assert.deepEqual(steps.map((s: any) => plan.requestFor(s, observed.id).path), ["channels.setTopic", "channels.setReadOnly", "rooms.saveRoomSettings"]);
        assert.deepEqual(plan.requestFor(steps[0], observed.id).body, { roomId: "ByehQjC44FwMeiLbX", topic: declared.topic });
    });

    it("leaves an existing topic alone when the declaration has none, but clears it when topic is empty", () => {
        const observed = plan.observedState(roomReply({ topic: "Set by a moderator" }));
        assert.deepEqual(plan.planChannel(plan.desiredState({ name: "general", default: true }), observed), []);
        const cleared = plan.planChannel(plan.desiredState({ name: "general", default: true, topic: "" }), observed);
        assert.deepEqual(cleared.map((s: any) => [s.action, s.value]), [["setTopic", ""]]);
    });

    it("treats a room without topic, ro or default fields as empty and false", () => {
        const bare = plan.observedState({ _id: "x1", name: "it-help", t: "c" });
        assert.deepEqual(plan.planChannel(plan.desiredState({ name: "it-help" }), bare), []);
    });

    it("converts public to private first, then uses the groups endpoints", () => {
        const observed = plan.observedState(roomReply({ name: "qa-team", topic: "", default: false }));
        const steps = plan.planChannel(plan.desiredState({ name: "qa-team", private: true, topic: "QA" }), observed);
        assert.deepEqual(steps.map((s: any) => s.action), ["setType", "setTopic"]);
        assert.deepEqual(plan.requestFor(steps[0], observed.id).body, { rid: observed.id, roomType: "p" });
        assert.equal(plan.requestFor(steps[1], observed.id).path, "groups.setTopic");
    });

    it("reads the owner marker from customFields", () => {
        assert.equal(plan.observedState(roomReply({ customFields: { managedBy: "rocketchat-ha" } })).owned, true);
        assert.equal(plan.observedState(roomReply({ customFields: { managedBy: "someone-else" } })).owned, false);
        assert.equal(plan.observedState(roomReply()).owned, false);
    });

    describe("pruning", () => {
        const listed = [
            roomReply({ _id: "a", name: "general", customFields: { managedBy: "rocketchat-ha" } }),
            roomReply({ _id: "b", name: "old-project", customFields: { managedBy: "rocketchat-ha" } }),
            roomReply({ _id: "c", name: "hand-made" }),
            roomReply({ _id: "d", name: "old-secret", t: "p", customFields: { managedBy: "rocketchat-ha" } }),
        ];

        it("off: deletes nothing and names the undeclared rooms it created", () => {
            assert.deepEqual(plan.planPrune(["general"], listed, false), { deletions: [], kept: ["old-project", "old-secret"] });
        });

        it("on: deletes only undeclared rooms it created, with the endpoint of their type", () => {
            const { deletions } = plan.planPrune(["general"], listed, true);
            assert.deepEqual(deletions.map((d: any) => d.name), ["old-project", "old-secret"]);
            assert.deepEqual(deletions.map((d: any) => plan.requestFor(d, d.roomId)), [
                { method: "POST", path: "channels.delete", body: { roomId: "b" } },
                { method: "POST", path: "groups.delete", body: { roomId: "d" } },
            ]);
        });

        it("on: never touches a room it did not create, even when undeclared", () => {
            const { deletions } = plan.planPrune([], [roomReply({ _id: "c", name: "hand-made" })], true);
            assert.deepEqual(deletions, []);
        });
    });

    it("recognises Rocket.Chat's not-found reply and nothing else as absence", () => {
        const notFound = {
            success: false,
            error: 'The required "roomId" or "roomName" param provided does not match any channel [error-room-not-found]',
            errorType: "error-room-not-found",
        };
        assert.equal(plan.isNotFound(notFound), true);
        assert.equal(plan.isNotFound({ success: false, error: "unauthorized", errorType: "error-not-allowed" }), false);
        assert.equal(plan.isNotFound({ channel: roomReply(), success: true }), false);
    });

    it("looks names up publicly first, then privately", () => {
        assert.deepEqual(plan.lookupRequests("qa").map((l: any) => [l.path, l.query.roomName, l.key]), [["channels.info", "qa", "channel"], ["groups.info", "qa", "group"]]);
    });

    it("reads the new room's id from a create reply of either type", () => {
        assert.equal(plan.createdRoomId({ channel: roomReply({ _id: "C1" }), success: true }), "C1");
        assert.equal(plan.createdRoomId({ group: roomReply({ _id: "G1", t: "p" }), success: true }), "G1");
    });
});
