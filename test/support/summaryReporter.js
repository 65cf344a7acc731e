// Mocha's spec output, then one plain line CI reads: "N passed, N failed".
"use strict";
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const { passes, failures, pending } = runner.stats;
            // Printed after Spec's own epilogue.
            process.on("exit", () => {
                process.stdout.write(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ""}\n`);
            });
        });
    }
}

module.exports = SummaryReporter;
