/**
 * Which settings a function reads, recorded by running it once over `sample`.
 * A rule relating settings runs only when every setting it reads is valid
 * (config.ts); a rule that runs a builder reads whatever the builder reads,
 * so the list is recorded from the builder rather than kept by hand. Pass a
 * sample that takes every branch (every feature on): a setting read only on
 * a branch the sample skips is not recorded (test/programOwned.test.ts checks
 * the stacks and every feature off too).
 */
import { SettingName, Settings } from "./settings";

export function settingsReadBy(run: (s: Settings) => unknown, sample: Settings): SettingName[] {
    const read = new Set<SettingName>();
    run(new Proxy(sample, {
        get(target, key, receiver) {
            if (typeof key === "string" && key in target) {
                read.add(key as SettingName);
            }
            return Reflect.get(target, key, receiver) as unknown;
        },
    }));
    return [...read];
}
