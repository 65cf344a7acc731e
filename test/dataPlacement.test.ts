// Where the data lives, recorded by each run, and the changes the next run
// refuses (components/upgrades/dataPlacement.ts); the program-level proof is
// test/transitions.test.ts.
import { strict as assert } from "assert";
import { dataPlacementOf, dataPlacementRefusals, parseDataPlacement } from "../components/upgrades/dataPlacement";
import { parseDeploymentRecord } from "../components/upgrades/deploymentRecord";
import { recordFor } from "../components/platform";
import { settingsFor } from "./support/settings";

const prod = dataPlacementOf(settingsFor("prod"));
const placed = (overrides: Record<string, unknown>) => dataPlacementOf(settingsFor("prod", overrides));

describe("data placement (components/upgrades/dataPlacement.ts)", () => {
    it("a record from before placements existed compares nothing", () => {
        assert.deepEqual(dataPlacementRefusals(undefined, placed({ mongodbStorageClass: "other" })), []);
    });

    it("each refusal names the setting, the new value and the recorded one, and what to do", () => {
        const [refusal] = dataPlacementRefusals(prod, placed({ mongodbStorageSize: "50Gi" }));
        assert.equal(refusal.setting, "mongodbStorageSize");
        assert.equal(refusal.value, "50Gi");
        assert.match(refusal.reason, /every MongoDB member's volume holds 100Gi; a claim can only grow.*Set it back to 100Gi or larger/);
        const [memberClass] = dataPlacementRefusals(prod, placed({ mongodbStorageClass: "slow-hdd" }));
        assert.match(memberClass.reason, /created with StorageClass 'fast-ssd'; a claim's class cannot change.*docs\/moving-data\.md/);
        const [shrink] = dataPlacementRefusals(prod, placed({ uploadsStorageSize: "100Gi" }));
        assert.match(shrink.reason, /holds 200Gi; a claim can only grow.*Set it back to 200Gi or larger/);
        const [cls] = dataPlacementRefusals(prod, placed({ backupStorageClass: "cheap" }));
        assert.match(cls.reason, /StorageClass the cluster default; a claim's class cannot change.*Set it back to ""/);
    });

    it("the same size written another way is no change; growing the members', uploads and backup claims is allowed", () => {
        assert.deepEqual(dataPlacementRefusals(prod, placed({ mongodbStorageSize: "102400Mi" })), []);
        assert.deepEqual(dataPlacementRefusals(prod, placed({ mongodbStorageSize: "200Gi" })), [], "in place, through the claim patches (mongodb/memberVolumes.ts)");
        assert.deepEqual(dataPlacementRefusals(prod, placed({ uploadsStorageSize: "1Ti", backupStorageSize: "60Gi" })), []);
    });

    it("turning backups off is refused only while the claim would be deleted with the stack", () => {
        assert.deepEqual(dataPlacementRefusals(prod, placed({ backupEnabled: false })), [], "the claim is kept (retainOnDelete)");
        const deleting = placed({ backupDeleteClaimOnDestroy: true });
        assert.equal(dataPlacementRefusals(deleting, placed({ backupEnabled: false }))[0].setting, "backupEnabled");
        assert.equal(dataPlacementRefusals(deleting, placed({ backupExistingClaim: "nfs-backups" }))[0].setting, "backupEnabled");
    });

    it("reads back what the backend returns, keys in any order, and rejects a malformed placement with the whole record", () => {
        const sortKeys = (v: any): any => (Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object"
            ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v);
        const parsed = parseDataPlacement(sortKeys(prod));
        assert.equal(JSON.stringify(parsed), JSON.stringify(prod), "the same keys in the same order (the guard Job's name digests the record)");
        const record = recordFor("rocketchat", settingsFor("prod"));
        assert.equal(parseDeploymentRecord({ ...record, data: { ...prod, mongodbStorage: { storageClass: "x", size: "lots" } } }), undefined);
        assert.deepEqual(parseDeploymentRecord(JSON.parse(JSON.stringify(record))), record);
    });
});
