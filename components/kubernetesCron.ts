/**
 * The cron dialect a Kubernetes CronJob's `spec.schedule` is written in.
 *
 * The apiserver validates it with `cron.ParseStandard` from
 * github.com/robfig/cron/v3 (kubernetes pkg/apis/batch/validation,
 * validateScheduleFormat), and refuses any schedule containing "TZ"
 * (`cannot use TZ or CRON_TZ in schedule, use timeZone field instead`). This
 * module follows robfig's parser.go rule by rule (Parse, getField, getRange,
 * mustParseInt, parseDescriptor), so `L`, `#`, `H`, `W`, a seconds or year
 * field, and day-of-week 7 are refused with robfig's own words
 * (`failed to parse int from L`).
 *
 * Deliberately stricter than robfig, because what we render must also be read
 * by cron-parser (monitoring's overdue alert, the ops CLI): `@every <duration>`
 * (robfig-only, not in Kubernetes' documented syntax) and empty list elements
 * (`1,,2`, which robfig skips) are refused.
 */

interface Bounds {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: Readonly<Record<string, number>>;
}

// robfig parser/spec.go: minutes, hours, dom, months, dow.
const fields: readonly Bounds[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    {
        name: "month", min: 1, max: 12,
        names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
    },
    { name: "day of week", min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

/** robfig parseDescriptor's schedules (without `@every`) as the five fields they stand for. */
const descriptorFields: Readonly<Record<string, string>> = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
};
export const cronDescriptors = Object.keys(descriptorFields);

/**
 * A valid schedule as five fields, for cron-parser, which reads descriptors
 * differently or not at all (cron-parser 5.4 refuses `@midnight`).
 */
export function asFiveFields(schedule: string): string {
    return descriptorFields[schedule] ?? schedule.trim();
}

/** Go's strconv.Atoi on a decimal with an optional sign; robfig then refuses negatives. */
function parseNumber(text: string): number | string {
    if (!/^[+-]?\d+$/.test(text)) {
        return `failed to parse int from ${text}`;
    }
    const value = Number(text);
    return value < 0 ? `negative number (${value}) not allowed: ${text}` : value;
}

function parseNumberOrName(text: string, bounds: Bounds): number | string {
    const named = bounds.names?.[text.toLowerCase()];
    return named ?? parseNumber(text);
}

/** robfig getRange: `*`, `?`, `n`, `n-m`, each with an optional `/step`. Returns an error or undefined. */
function rangeProblem(expression: string, bounds: Bounds): string | undefined {
    const rangeAndStep = expression.split("/");
    const lowAndHigh = rangeAndStep[0].split("-");
    let start: number;
    let end: number;
    if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
        [start, end] = [bounds.min, bounds.max];
    } else {
        const low = parseNumberOrName(lowAndHigh[0], bounds);
        if (typeof low === "string") {
            return low;
        }
        start = end = low;
        if (lowAndHigh.length === 2) {
            const high = parseNumberOrName(lowAndHigh[1], bounds);
            if (typeof high === "string") {
                return high;
            }
            end = high;
        } else if (lowAndHigh.length > 2) {
            return `too many hyphens: ${expression}`;
        }
    }
    let step = 1;
    if (rangeAndStep.length === 2) {
        const parsed = parseNumber(rangeAndStep[1]);
        if (typeof parsed === "string") {
            return parsed;
        }
        step = parsed;
        // "N/step" means "N-max/step".
        if (lowAndHigh.length === 1) {
            end = bounds.max;
        }
    } else if (rangeAndStep.length > 2) {
        return `too many slashes: ${expression}`;
    }
    if (start < bounds.min) {
        return `beginning of range (${start}) below minimum (${bounds.min}): ${expression}`;
    }
    if (end > bounds.max) {
        return `end of range (${end}) above maximum (${bounds.max}): ${expression}`;
    }
    if (start > end) {
        return `beginning of range (${start}) beyond end of range (${end}): ${expression}`;
    }
    return step === 0 ? `step of range should be a positive number: ${expression}` : undefined;
}

/**
 * Undefined when a CronJob accepts `schedule` (and cron-parser can read it),
 * else the reason, in robfig's words where robfig refuses it.
 */
export function kubernetesScheduleProblem(schedule: string): string | undefined {
    if (schedule.length === 0) {
        return "empty spec string";
    }
    if (schedule.includes("TZ")) {
        return "cannot use TZ or CRON_TZ in schedule, use the CronJob's timeZone field instead";
    }
    if (schedule.startsWith("@")) {
        if (schedule.startsWith("@every ")) {
            return "@every is robfig/cron's own extension, outside Kubernetes' documented schedule syntax";
        }
        return schedule in descriptorFields ? undefined : `unrecognized descriptor: ${schedule}`;
    }
    const parts = schedule.trim().split(/\s+/);
    if (parts.length !== fields.length) {
        return `expected exactly ${fields.length} fields, found ${parts.length}: [${parts.join(" ")}]`;
    }
    for (const [index, part] of parts.entries()) {
        const elements = part.split(",");
        if (elements.some((element) => element === "")) {
            return `empty element in the ${fields[index].name} list: ${part}`;
        }
        for (const element of elements) {
            const problem = rangeProblem(element, fields[index]);
            if (problem) {
                return problem;
            }
        }
    }
    return undefined;
}
