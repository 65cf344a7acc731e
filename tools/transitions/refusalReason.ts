/**
 * What a refusal says about one setting. Both refusals (components/config.ts
 * ConfigError, components/upgrades/upgradeGuard.ts UpgradeRefused) list one
 * line per problem, `  - <project>:<setting> = <JSON value>: <reason>`; the
 * reason may name the document with the procedure to follow instead
 * (`docs/moving-data.md`, `docs/moving-data.md, "Section"`, `README, "Section"`).
 */
import { projectName } from "../stackConfig";

export interface DocReference {
    /** Repository path: "docs/moving-data.md", "README.md". */
    readonly file: string;
    /** The heading the reason names, if any. */
    readonly section?: string;
}

export interface RefusalReason {
    /** The setting the line names: the one changed, or the setting it shows through (a namespace move shows as clusterDomain). */
    readonly named: string;
    readonly reason: string;
    readonly references: readonly DocReference[];
}

/** The value's JSON ends at the first ": " before which the text parses (a value may hold ": " itself). */
function afterValue(text: string): string | undefined {
    for (let at = text.indexOf(": "); at >= 0; at = text.indexOf(": ", at + 1)) {
        const value = text.slice(0, at);
        try {
            if (value === "(not set)" || JSON.parse(value) !== undefined) {
                return text.slice(at + 2);
            }
        } catch {
            // Not the end of the value yet.
        }
    }
    return undefined;
}

function problemLines(message: string): { setting: string; reason: string }[] {
    const prefix = `  - ${projectName}:`;
    return message.split("\n").filter((line) => line.startsWith(prefix)).flatMap((line) => {
        const [setting, ...rest] = line.slice(prefix.length).split(" = ");
        const reason = afterValue(rest.join(" = "));
        return reason === undefined ? [] : [{ setting, reason }];
    });
}

function docReferences(reason: string): DocReference[] {
    const found = new Map<string, DocReference>();
    for (const match of reason.matchAll(/\b(docs\/[\w-]+\.md|README)(?:, "([^"]+)")?/g)) {
        const reference = { file: match[1] === "README" ? "README.md" : match[1], ...(match[2] ? { section: match[2] } : {}) };
        found.set(`${reference.file}#${reference.section ?? ""}`, reference);
    }
    return [...found.values()];
}

/** The line about `setting`, or else the first line (the refusal of a change shown through another setting); undefined when the message has none. */
export function refusalReason(setting: string, message: string): RefusalReason | undefined {
    const lines = problemLines(message);
    const line = lines.find((l) => l.setting === setting) ?? lines[0];
    return line && { named: line.setting, reason: line.reason, references: docReferences(line.reason) };
}

/** Up to the first full stop that ends a sentence (a dot in "8.0.29" or "svc.cluster" does not). */
export function firstSentence(text: string): string {
    return /^.*?[.!?](?=\s|$)/s.exec(text)?.[0] ?? text;
}
