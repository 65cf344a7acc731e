import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { withConfigReference } from "../tools/configReference";
import { projectRoot } from "../tools/stackConfig";

describe("README", () => {
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");

    it("carries the configuration reference generated from components/settingDefinitions.ts (run npm run docs:config)", () => {
        assert.equal(readme, withConfigReference(readme));
    });

    it("gives a newcomer the install, main-job and test commands", () => {
        assert.match(readme, /npm ci/);
        assert.match(readme, /npm run render -- dev/);
        assert.match(readme, /npm test/);
    });

    it("names the test command that .ci/run calls", () => {
        const ci = readFileSync(path.join(projectRoot, ".ci", "run"), "utf8");
        assert.match(ci, /^npm test /m);
    });
});
