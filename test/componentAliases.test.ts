/**
 * Renamed component types keep existing stacks intact: every component the
 * previous release registered (test/fixtures/previousRelease, recorded from
 * that release's program) is registered again under the same name, with
 * either the same type or an alias to that type, as the SDK sends it to the
 * engine (the RegisterResourceRequest's aliases, captured at the mock monitor
 * by tools/mockRuntime.ts). The engine matches the old URN through the alias
 * and its children's through the parent's, so `pulumi up` plans no
 * replacement. One program run (prod, shared with the other program tests).
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { componentTypes } from "../components/componentTypes";
import type { Registration } from "../tools/mockRuntime";
import { stackRun } from "./support/stacks";

interface PreviousComponent {
    readonly type: string;
    readonly name: string;
}

const previous: PreviousComponent[] = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "previousRelease", "prod-components.json"), "utf8")).components;

/** True when `registration` takes over the state of `old`: same name, and the same type or an alias to it at the same name and parent. */
function takesOver(registration: Registration, old: PreviousComponent): boolean {
    if (registration.name !== old.name) {
        return false;
    }
    return registration.type === old.type || registration.aliases.some((alias) =>
        alias.spec !== undefined && alias.spec.type === old.type && (alias.spec.name === "" || alias.spec.name === old.name)
        // The SDK spells an unchanged parent out as the resource's own parent URN.
        && (!alias.spec.parenturn || alias.spec.parenturn === registration.parent) && !alias.spec.noparent);
}

describe("component type tokens and their aliases (prod, as sent to the engine)", () => {
    let components: Registration[];
    before(async () => {
        components = (await stackRun("prod")).registrations.filter((r) => !r.custom && r.type.startsWith("rocketchat-ha:"));
    });

    it("every component of the previous release is taken over by a component of the same name, through its type or an alias", () => {
        assert.ok(previous.length >= 10, "the fixture lists the previous release's components");
        for (const old of previous) {
            const heirs = components.filter((registration) => takesOver(registration, old));
            assert.equal(heirs.length, 1, `${old.type} "${old.name}": ${heirs.length} registrations take it over (have: ${components.map((c) => `${c.type} "${c.name}" aliases ${JSON.stringify(c.aliases)}`).join("; ")})`);
        }
    });

    it("each renamed component is registered under its new token with an alias to every former one", () => {
        const renamed = Object.values(componentTypes).filter((type) => type.formerly.length > 0);
        assert.deepEqual(renamed.map((type) => type.token).sort(),
            ["rocketchat-ha:credentials:Credentials", "rocketchat-ha:mongodb:MongoReplicaSet", "rocketchat-ha:rocketchat:RocketChat", "rocketchat-ha:sso:KeycloakClient"]);
        for (const type of renamed) {
            const registration = components.find((r) => r.type === type.token);
            assert.ok(registration, `${type.token} is registered`);
            assert.deepEqual(registration.aliases.map((alias) => alias.spec?.type).sort(), [...type.formerly].sort(), `${type.token}'s aliases`);
        }
    });

    it("every token is rocketchat-ha:<module>:<Name>, and only the stack's root keeps the index module", () => {
        for (const registration of components) {
            assert.match(registration.type, /^rocketchat-ha:[a-z]+:[A-Z][A-Za-z]+$/);
        }
        assert.deepEqual(components.filter((r) => r.type.startsWith("rocketchat-ha:index:")).map((r) => r.type), ["rocketchat-ha:index:Platform"]);
    });
});
