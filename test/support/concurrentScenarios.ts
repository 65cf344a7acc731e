/**
 * Mocha runs one test at a time. Scenarios that spend their time in child
 * processes (the backup scripts and their stub tools) and share nothing can
 * run side by side instead: `scenario` registers an `it` whose body starts
 * when the suite starts, at most `lanes` at a time, and the `it` reports that
 * body's outcome. A fixture several scenarios start from (`shared`) is built
 * once, in a lane of its own, before the scenarios that need it take theirs.
 *
 * Every scenario of the suite runs, also under --grep (mocha's filter only
 * chooses which outcomes are reported).
 */
import { availableParallelism } from "os";

type Job = () => Promise<void>;

/** A fixture built once, on first use, in a lane like any scenario. */
export interface SharedFixture<T> {
    (): Promise<T>;
}

export interface ScenarioRunner {
    /** Registers `it(title)` whose body runs concurrently; `needs` are built first, outside the body's lane. */
    scenario(title: string, body: () => Promise<void>, ...needs: SharedFixture<unknown>[]): void;
    /** A fixture built once, in a lane, the first time a scenario or another fixture asks for it; `needs` are built first. */
    shared<T>(build: () => Promise<T>, ...needs: SharedFixture<unknown>[]): SharedFixture<T>;
}

/**
 * Call inside a `describe`: adds the `before` hook that starts every scenario.
 * Lanes default to the machine's cores plus one: the scripts also wait (locks,
 * polls), so one more lane keeps the cores busy.
 */
export function concurrentScenarios(lanes = availableParallelism() + 1): ScenarioRunner {
    const waiting: Job[] = [];
    let running = 0;
    const next = () => {
        while (running < lanes && waiting.length > 0) {
            const job = waiting.shift()!;
            running++;
            job().finally(() => {
                running--;
                next();
            });
        }
    };
    const inLane = <T>(work: () => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
        waiting.push(() => work().then(resolve, reject));
        next();
    });

    // Waiting for a fixture holds no lane, so fixtures and scenarios never wait on each other in a circle.
    const afterNeeds = <T>(needs: SharedFixture<unknown>[], work: () => Promise<T>): Promise<T> =>
        Promise.all(needs.map((need) => need())).then(() => inLane(work));

    const starts: Job[] = [];
    before(() => {
        starts.forEach((start) => void start());
    });

    return {
        scenario(title, body, ...needs) {
            let start!: Job;
            const outcome = new Promise<void>((resolve, reject) => {
                start = () => afterNeeds(needs, body).then(resolve, reject);
            });
            // The `it` below receives the failure; this only keeps Node from calling it unhandled before then.
            outcome.catch(() => undefined);
            starts.push(start);
            it(title, () => outcome);
        },
        shared<T>(build: () => Promise<T>, ...needs: SharedFixture<unknown>[]) {
            let built: Promise<T> | undefined;
            return () => (built ??= afterNeeds(needs, build));
        },
    };
}
