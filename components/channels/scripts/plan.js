/*
 * The decisions of the channel reconciler, as pure functions: given the
 * declared channels and what Rocket.Chat's REST API answered, which calls to
 * make. Nothing here performs I/O, so the tests drive every case with
 * recorded replies. Plain ES2020 with no dependencies: it runs unchanged in
 * the Job's `node` image and under mocha.
 *
 * Ownership: a room the reconciler creates carries the custom field
 * `managedBy: rocketchat-ha`. Pruning (only when asked for) deletes rooms that
 * carry it and are no longer declared; a room created by hand, or one that
 * existed before it was declared, is never deleted.
 */
"use strict";

/** The custom field that marks rooms this reconciler created. */
const ownerMarker = { field: "managedBy", value: "rocketchat-ha" };

/** Rocket.Chat room types: `c` public channel, `p` private group. */
const publicType = "c";
const privateType = "p";

/**
 * The state a declared channel must reach. An omitted topic is not managed
 * (whatever the room has stays); flags default to false.
 */
function desiredState(channel) {
    return {
        name: channel.name,
        type: channel.private ? privateType : publicType,
        topic: typeof channel.topic === "string" ? channel.topic : undefined,
        isDefault: Boolean(channel.default),
        readOnly: Boolean(channel.readOnly),
    };
}

/** The comparable state of a room from a channels.info / groups.info reply (`channel` or `group`). */
function observedState(room) {
    return {
        id: room._id,
        name: room.name,
        type: room.t,
        topic: room.topic || "",
        isDefault: Boolean(room.default),
        readOnly: Boolean(room.ro),
        owned: Boolean(room.customFields && room.customFields[ownerMarker.field] === ownerMarker.value),
    };
}

/**
 * The steps that bring one room to its declared state, in order. `observed`
 * is undefined when no room has the name. A type change comes first so the
 * later steps use the endpoints of the room's new type.
 * Steps: { action: "create" | "setType" | "setTopic" | "setReadOnly" | "setDefault", name, type, value }.
 */
function planChannel(desired, observed) {
    const step = (action, value) => ({ action, name: desired.name, type: desired.type, value });
    const steps = [];
    if (!observed) {
        steps.push(step("create", { readOnly: desired.readOnly }));
        if (desired.topic) {
            steps.push(step("setTopic", desired.topic));
        }
        if (desired.isDefault) {
            steps.push(step("setDefault", true));
        }
        return steps;
    }
    if (observed.type !== desired.type) {
        steps.push(step("setType", desired.type));
    }
    if (desired.topic !== undefined && desired.topic !== observed.topic) {
        steps.push(step("setTopic", desired.topic));
    }
    if (desired.readOnly !== observed.readOnly) {
        steps.push(step("setReadOnly", desired.readOnly));
    }
    if (desired.isDefault !== observed.isDefault) {
        steps.push(step("setDefault", desired.isDefault));
    }
    return steps;
}

/**
 * Rooms to delete: only when pruning is on, only rooms this reconciler
 * created, only those no longer declared. Also returns the owned but
 * undeclared rooms that are kept because pruning is off, for the log.
 */
function planPrune(declaredNames, listedRooms, prune) {
    const declared = new Set(declaredNames);
    const orphans = listedRooms.map(observedState).filter((room) => room.owned && !declared.has(room.name));
    if (!prune) {
        return { deletions: [], kept: orphans.map((room) => room.name) };
    }
    return {
        deletions: orphans.map((room) => ({ action: "delete", name: room.name, type: room.type, roomId: room.id })),
        kept: [],
    };
}

/** The REST call for a step; `roomId` is the room's id (unknown only for "create"). */
function requestFor(step, roomId) {
    const family = step.type === privateType ? "groups" : "channels";
    switch (step.action) {
        case "create":
            return {
                method: "POST",
                path: `${family}.create`,
                body: { name: step.name, readOnly: step.value.readOnly, customFields: { [ownerMarker.field]: ownerMarker.value } },
            };
        case "setTopic":
            return { method: "POST", path: `${family}.setTopic`, body: { roomId, topic: step.value } };
        case "setReadOnly":
            return { method: "POST", path: `${family}.setReadOnly`, body: { roomId, readOnly: step.value } };
        // rooms.saveRoomSettings (3.13+) sets `default` and `roomType` for either room type.
        case "setDefault":
            return { method: "POST", path: "rooms.saveRoomSettings", body: { rid: roomId, default: step.value } };
        case "setType":
            return { method: "POST", path: "rooms.saveRoomSettings", body: { rid: roomId, roomType: step.value } };
        case "delete":
            return { method: "POST", path: `${family}.delete`, body: { roomId } };
        default:
            throw new Error(`unknown step ${step.action}`);
    }
}

/** Look-ups by name, public first: channels.info finds only `c` rooms, groups.info only `p` rooms. */
function lookupRequests(name) {
    return [
        { method: "GET", path: "channels.info", query: { roomName: name }, key: "channel" },
        { method: "GET", path: "groups.info", query: { roomName: name }, key: "group" },
    ];
}

/** Rocket.Chat answers a look-up of an unknown name with this error type (HTTP 400). */
function isNotFound(reply) {
    return Boolean(reply) && reply.success === false && reply.errorType === "error-room-not-found";
}

/** Every room of both types, page by page, for pruning. */
function listingRequests() {
    return [
        { path: "channels.list", key: "channels" },
        // groups.listAll lists every private group (permission view-room-administration), not only the caller's.
        { path: "groups.listAll", key: "groups" },
    ];
}

/** The room id a create reply carries (`channel` or `group`). */
function createdRoomId(reply) {
    const room = reply.channel || reply.group;
    return room && room._id;
}

/** A one-line account of a step, for the Job's log. */
function describeStep(step) {
    const value = step.action === "create" ? (step.type === privateType ? "private" : "public") + (step.value.readOnly ? ", read-only" : "") : JSON.stringify(step.value);
    return `${step.name}: ${step.action}${step.action === "delete" ? "" : ` ${value}`}`;
}

if (typeof module === "object" && module.exports) {
    module.exports = {
        ownerMarker,
        publicType,
        privateType,
        desiredState,
        observedState,
        planChannel,
        planPrune,
        requestFor,
        lookupRequests,
        isNotFound,
        listingRequests,
        createdRoomId,
        describeStep,
    };
}
