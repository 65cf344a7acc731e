/**
 * The vocabulary of setting rules: how a raw stack value (a string from the
 * CLI, JSON text for lists and objects) is read and what it must be. Each rule
 * adds "what is allowed" as its issue message; config.ts turns it into
 * "rocketchat-ha:<setting> = <value>: must be <allowed>". The table in
 * settingDefinitions.ts applies these rules to each setting.
 *
 * Written with valibot: it builds and loads in a few milliseconds, which
 * matters to every offline render (zod took about 40 ms per run).
 */
import * as v from "valibot";
import { deniedAnnotation } from "./deniedValues";
import { annotationPair, keyOfPair } from "./keyValuePairs";
import { totalAnnotationSizeLimitBytes } from "./kubernetesMetadata";
import { mongodMemoryProblem } from "./mongodb/sizing";
import * as rules from "./validators";

type Rule = (value: string) => string | undefined;

/** Adds a rule's sentence ("what is allowed") as the issue message. */
const obeys = (rule: Rule) =>
    v.rawCheck<string>(({ dataset, addIssue }) => {
        const allowed = dataset.typed ? rule(dataset.value) : undefined;
        if (allowed) {
            addIssue({ message: allowed });
        }
    });

export const text = (rule: Rule) => v.pipe(v.string("a string"), obeys(rule));
export const optionalText = (rule: Rule) => v.pipe(v.string("a string"), obeys((value) => (value === "" ? undefined : rule(value))));
export const pattern = (shape: RegExp, allowed: string) => v.pipe(v.string(allowed), v.regex(shape, allowed));

/** Stack config arrives as strings: "true"/"false" for booleans. */
export const flag = v.pipe(
    v.unknown(),
    v.transform((raw) => (raw === "true" ? true : raw === "false" ? false : raw)),
    v.boolean("true or false"),
);

/** Stack config arrives as strings: digits for integers. */
export const wholeNumber = (min: number, max: number) => {
    const allowed = `a whole number from ${min} to ${max}`;
    return v.pipe(
        v.unknown(),
        v.transform((raw) => (typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw)),
        v.number(allowed),
        v.integer(allowed),
        v.minValue(min, allowed),
        v.maxValue(max, allowed),
    );
};

/**
 * Arrays arrive as JSON text from the CLI. Entries must be distinct by
 * `keyOf` (the entry itself by default): a repeated group would declare the
 * same Keycloak resource twice (a duplicate URN at `pulumi up`), a repeated
 * label or annotation key would silently keep only the last value.
 * Entries without a key (`undefined`, e.g. channel objects) are compared by
 * their own check.
 */
const fromJsonText = (raw: unknown): unknown => {
    if (typeof raw !== "string") {
        return raw;
    }
    try {
        return JSON.parse(raw) as unknown;
    } catch {
        return raw;
    }
};

export const list = <T extends v.GenericSchema>(item: T, allowed: string, keyOf: (entry: v.InferOutput<T>) => string | undefined = (entry) => (typeof entry === "string" ? entry : undefined)) =>
    v.pipe(
        v.unknown(),
        v.transform(fromJsonText),
        v.array(item, allowed),
        v.rawCheck<v.InferOutput<T>[]>(({ dataset, addIssue }) => {
            if (!dataset.typed) {
                return;
            }
            const seen = new Set<string>();
            dataset.value.forEach((entry, index) => {
                const key = keyOf(entry);
                if (key === undefined) {
                    return;
                }
                if (seen.has(key)) {
                    addIssue({ message: `a list without repeats; entry ${index + 1} repeats ${JSON.stringify(key)}` });
                }
                seen.add(key);
            });
        }),
    );

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => v.picklist(values, `one of ${values.join(", ")}`);

/**
 * One declared channel. Names follow Rocket.Chat's default channel-name rule
 * (setting UTF8_Channel_Names_Validation, `[0-9a-zA-Z-_.]+`); the length cap is ours.
 */
const channelEntry = v.strictObject({
    name: pattern(/^[0-9A-Za-z._-]{1,64}$/,
        "a name of 1 to 64 letters, digits, '-', '_' or '.' (Rocket.Chat's default channel-name rule: no spaces or '#')"),
    topic: v.optional(v.pipe(v.string("a topic string"), v.maxLength(250, "a topic of at most 250 characters"))),
    private: v.optional(v.boolean("private: true or false")),
    default: v.optional(v.boolean("default: true or false")),
    readOnly: v.optional(v.boolean("readOnly: true or false")),
}, "an object with name and optional topic, private, default, readOnly (no other keys)");
export type ChannelDeclaration = v.InferOutput<typeof channelEntry>;

/** Checks each entry with `channelEntry` and refuses duplicate names (Rocket.Chat compares them case-insensitively). */
export const channelList = v.pipe(
    list(v.unknown(), "a list of channels such as [{name: general, topic: Company news, default: true}]"),
    v.rawCheck<unknown[]>(({ dataset, addIssue }) => {
        if (!dataset.typed) {
            return;
        }
        const seen = new Set<string>();
        dataset.value.forEach((entry, index) => {
            const parsed = v.safeParse(channelEntry, entry);
            const label = `entry ${index + 1} (${JSON.stringify(entry)})`;
            if (!parsed.success) {
                for (const issue of parsed.issues) {
                    addIssue({ message: `${issue.message}; ${label} is not` });
                }
                return;
            }
            const key = parsed.output.name.toLowerCase();
            if (seen.has(key)) {
                addIssue({ message: `a list of distinct channel names; ${label} repeats "${parsed.output.name}"` });
            }
            seen.add(key);
        });
    }),
    v.transform((entries) => entries as ChannelDeclaration[]),
);

/**
 * A structured setting (an object or list of objects, JSON text from the
 * CLI) checked by `schema`; each problem says where in the value it is
 * ("at rocketchat.tolerations.0.operator"), since the message names only the setting.
 */
export const structured = <T extends v.GenericSchema>(schema: T) =>
    v.pipe(
        v.unknown(),
        v.transform(fromJsonText),
        v.rawCheck(({ dataset, addIssue }) => {
            const parsed = v.safeParse(schema, dataset.value);
            for (const issue of parsed.issues ?? []) {
                const at = v.getDotPath(issue);
                addIssue({ message: at ? `${issue.message} at ${at}` : issue.message });
            }
        }),
        v.transform((value) => value as v.InferOutput<T>),
    );

export const cpu = text(rules.cpuQuantity);
export const bytes = text(rules.byteQuantity);
/** A container memory limit mongod runs under (sizing.ts). */
export const mongodMemory = text((value) => rules.byteQuantity(value) ?? mongodMemoryProblem(value));
export const storage = (minimum: string, why: string) => text(rules.byteQuantityOfAtLeast(minimum, why));

/**
 * Ingress annotations: valid keys, none repeated, none on the deny list
 * (deniedValues.ts), within the apiserver's 256 KiB per object. Keys the
 * program sets itself are refused by programOwned.ts.
 */
export const annotationList = v.pipe(
    list(text((pair) => annotationPair(pair) ?? deniedAnnotation(keyOfPair(pair))), "a list of key=value annotations", keyOfPair),
    v.check((pairs) => pairs.reduce((total, pair) => total + Buffer.byteLength(pair) - 1, 0) <= totalAnnotationSizeLimitBytes,
        `annotations totalling at most ${totalAnnotationSizeLimitBytes / 1024} KiB (the apiserver's limit per object)`),
);
export const storageClass = optionalText(rules.dnsLabel);

