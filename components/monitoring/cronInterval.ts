/**
 * How old the last successful run of a CronJob may be: the longest gap
 * between two consecutive scheduled runs, so "15 2 * * *" allows 24 hours,
 * "45 3 * * 0" a week and "0 0 31 * *" two months. Measured in UTC over
 * eight years of calendar days (a 29 February schedule runs twice in them);
 * the configured grace covers the run time and an hour of daylight-saving
 * shift in clusters on local time.
 *
 * cron-parser parses the schedule; the gaps are computed from its fields day
 * by day, because stepping through a year of runs with cron-parser's
 * iterator takes seconds per schedule.
 */
import { CronExpressionParser } from "cron-parser";
import { asFiveFields } from "../kubernetesCron";

/** Any fixed start gives the same gaps; a fixed one keeps the result reproducible. */
const measuredFrom = Date.UTC(2026, 0, 1);
const measuredDays = 3000;
const dayMinutes = 1440;

interface ScheduleFields {
    /** Minutes after midnight at which it runs on a run day, ascending. */
    readonly timesOfDay: number[];
    /** True when the schedule runs on this UTC calendar day. */
    readonly runsOn: (day: Date) => boolean;
}

function numbers(values: readonly (number | string)[]): Set<number> {
    return new Set(values.filter((value): value is number => typeof value === "number"));
}

/** The schedule as times of day and run days; undefined for the L and # extensions (Kubernetes has neither). */
function scheduleFields(schedule: string): ScheduleFields | undefined {
    const { minute, hour, dayOfMonth, month, dayOfWeek } = CronExpressionParser.parse(asFiveFields(schedule)).fields;
    if (dayOfMonth.hasLastChar || dayOfWeek.hasLastChar || dayOfWeek.nthDay > 0) {
        return undefined;
    }
    const timesOfDay = [...numbers(hour.values)].flatMap((h) => [...numbers(minute.values)].map((m) => h * 60 + m)).sort((a, b) => a - b);
    const months = numbers(month.values);
    const monthDays = numbers(dayOfMonth.values);
    // 7 is Sunday as well as 0.
    const weekDays = new Set([...numbers(dayOfWeek.values)].map((d) => d % 7));
    // Cron runs on either day field when both are restricted, on both otherwise.
    const eitherDay = !dayOfMonth.isWildcard && !dayOfWeek.isWildcard;
    return {
        timesOfDay,
        runsOn: (day) => {
            const dom = monthDays.has(day.getUTCDate());
            const dow = weekDays.has(day.getUTCDay());
            return months.has(day.getUTCMonth() + 1) && (eitherDay ? dom || dow : dom && dow);
        },
    };
}

/** Fallback for L and #: step through the runs (slow, and only for schedules Kubernetes would refuse anyway). */
function iteratedGapSeconds(schedule: string): number {
    const runs = CronExpressionParser.parse(asFiveFields(schedule), { currentDate: new Date(measuredFrom), tz: "UTC" });
    let previous = runs.next().getTime();
    let longest = 0;
    for (let count = 0; count < 30; count++) {
        const next = runs.next().getTime();
        longest = Math.max(longest, next - previous);
        previous = next;
    }
    return longest / 1000;
}

/** The longest gap between consecutive runs of `schedule`, in seconds. */
export function longestGapSeconds(schedule: string): number {
    const fields = scheduleFields(schedule);
    if (!fields) {
        return iteratedGapSeconds(schedule);
    }
    const { timesOfDay, runsOn } = fields;
    const first = timesOfDay[0];
    const last = timesOfDay[timesOfDay.length - 1];
    let longest = 0;
    for (let i = 1; i < timesOfDay.length; i++) {
        longest = Math.max(longest, timesOfDay[i] - timesOfDay[i - 1]);
    }
    let previousRunDay: number | undefined;
    for (let day = 0; day < measuredDays; day++) {
        if (!runsOn(new Date(measuredFrom + day * dayMinutes * 60_000))) {
            continue;
        }
        if (previousRunDay !== undefined) {
            longest = Math.max(longest, (day - previousRunDay) * dayMinutes - last + first);
        }
        previousRunDay = day;
    }
    // A schedule that never runs twice in the window is as good as never.
    return (previousRunDay === undefined || longest === 0 ? measuredDays * dayMinutes : longest) * 60;
}

/**
 * The minutes (since the fixed start, UTC) at which `schedule` runs, in order,
 * over `days` calendar days; nothing for the L and # extensions (Kubernetes
 * refuses both). A generator: a caller counting runs stops when it knows enough.
 */
export function* scheduledRunMinutes(schedule: string, days = measuredDays): Generator<number> {
    const fields = scheduleFields(schedule);
    if (!fields) {
        return;
    }
    for (let day = 0; day < days; day++) {
        if (fields.runsOn(new Date(measuredFrom + day * dayMinutes * 60_000))) {
            for (const minute of fields.timesOfDay) {
                yield day * dayMinutes + minute;
            }
        }
    }
}

/** The age beyond which the last success of `schedule` is overdue: longest gap plus grace. */
export function allowedAgeSeconds(schedule: string, graceMinutes: number): number {
    return longestGapSeconds(schedule) + graceMinutes * 60;
}

/** "1d 2h", "7d", "45m": a duration for alert texts. */
export function describeSeconds(seconds: number): string {
    const parts: string[] = [];
    let rest = Math.round(seconds / 60);
    for (const [unit, minutes] of [["d", 1440], ["h", 60], ["m", 1]] as const) {
        if (rest >= minutes) {
            parts.push(`${Math.floor(rest / minutes)}${unit}`);
            rest %= minutes;
        }
    }
    return parts.join(" ") || "0m";
}
