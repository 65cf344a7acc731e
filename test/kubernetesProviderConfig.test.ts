// The provider options issue 31 relies on: set for every stack by Pulumi.yaml,
// and a stack that turns one off is refused before anything is declared.
import { strict as assert } from "assert";
import { kubernetesProviderConfigProblems, requiredKubernetesProviderConfig } from "../components/kubernetesProviderConfig";
import { runStack } from "../tools/mockRuntime";
import { knownStacks, loadStackConfig } from "../tools/stackConfig";

describe("the kubernetes provider's required options (components/kubernetesProviderConfig.ts)", () => {
    it("every stack gets both from Pulumi.yaml", () => {
        for (const stack of knownStacks()) {
            const values = loadStackConfig(stack).values;
            assert.deepEqual(kubernetesProviderConfigProblems((key) => values[key]), [], stack);
        }
        assert.deepEqual(Object.keys(requiredKubernetesProviderConfig).sort(), ["kubernetes:enableConfigMapMutable", "kubernetes:enableSecretMutable"]);
    });

    it("names the option, the value given and what it must be", () => {
        const problems = kubernetesProviderConfigProblems((key) => (key === "kubernetes:enableSecretMutable" ? "false" : undefined));
        assert.equal(problems.length, 2);
        assert.match(problems[0], /^kubernetes:enableSecretMutable = "false": must be true: .*StatefulSet.*`pulumi config rm kubernetes:enableSecretMutable`/);
        assert.match(problems[1], /^kubernetes:enableConfigMapMutable = \(not set\): must be true/);
    });

    it("a stack that turns one off is refused before any resource is declared", async () => {
        const error = await runStack("prod", { "kubernetes:enableSecretMutable": false }).then(() => undefined, (e) => e);
        assert.ok(error, "refused");
        assert.equal(error.name, "ConfigError");
        assert.match(error.message, /kubernetes:enableSecretMutable = "false": must be true/);
        assert.equal(error.declaredResources, undefined, "refused before the mock runtime ran the program");
    });
});
