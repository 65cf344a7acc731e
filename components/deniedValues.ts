/**
 * Values no stack may pass through, whatever else it sets: each row names
 * what the value does to the consumer that reads it and where that is
 * documented. Consulted by the settings that hand values straight to a
 * consumer: rocketchatExtraEnv (Node.js, Rocket.Chat), ingressAnnotations
 * (ingress-nginx) and podPlacement's tolerations (the scheduler and the
 * taint manager). What the program sets itself is another rule
 * (programOwned.ts). Pure; each function returns what "must be" allowed, with
 * the reason, or undefined.
 */
import { bothSpellings } from "./rocketchat/settingVariables";

/** An extra environment entry as rocketchatExtraEnv holds it. */
export type EnvEntry = { readonly name: string; readonly value: string } | { readonly name: string; readonly secretKeyRef: { readonly name: string; readonly key: string } };

interface EnvRule {
    /** The variables judged (both spellings of a Rocket.Chat setting). */
    readonly names: readonly string[];
    readonly denied: (value: string) => boolean;
    /** What is allowed, continuing "must be". */
    readonly allowed: string;
    /** What the denied value does, its source, and what to do instead. */
    readonly why: string;
}

/**
 * Node.js flags that open the inspector (Node.js CLI docs: --inspect,
 * --inspect-brk, --inspect-port/--debug-port, --inspect-wait; dashes and
 * underscores are interchangeable in option names). NODE_OPTIONS may quote
 * an option, so quotes are dropped before splitting.
 */
const inspectorFlag = /^--(inspect|debug[-_]port)([-_=]|$)/;
const opensInspector = (options: string) => options.replace(/["']/g, " ").split(/\s+/).some((option) => inspectorFlag.test(option));

const environmentRules: readonly EnvRule[] = [
    {
        names: ["NODE_OPTIONS"],
        denied: opensInspector,
        allowed: "NODE_OPTIONS without a Node.js inspector flag (--inspect, --inspect-brk, --inspect-port, --inspect-wait, --debug-port)",
        why: "opens the inspector, which runs any code sent to it without authentication (Node.js docs, Debugging Node.js: security implications), " +
            "in a process holding MONGO_URL, the admin password and the OAuth client secret. Every other Rocket.Chat pod reaches it (instances talk on any port), " +
            "and so does everyone on a cluster whose network plugin does not enforce NetworkPolicy. Remove the flag; debug a copy outside the stack",
    },
    {
        // Settings id and default true: apps/meteor/server/settings/file-upload.ts; read by
        // FileUpload.requestCanAccessFiles (app/file-upload/server/lib/FileUpload.ts).
        names: bothSpellings("FileUpload_ProtectFiles"),
        // Rocket.Chat reads "false" in any case as false (app/settings/server/functions/convertValue.ts).
        denied: (value) => value.toLowerCase() === "false",
        allowed: "FileUpload_ProtectFiles left on (Rocket.Chat's default)",
        why: "serves every uploaded file to anyone who has its URL, without logging in (FileUpload.requestCanAccessFiles). Remove the entry",
    },
    {
        names: ["NODE_TLS_REJECT_UNAUTHORIZED"],
        denied: (value) => value === "0",
        allowed: "NODE_TLS_REJECT_UNAUTHORIZED other than 0",
        why: "switches off certificate checks on every TLS connection Rocket.Chat opens (Node.js docs, NODE_TLS_REJECT_UNAUTHORIZED), " +
            "the token exchange with Keycloak and SMTP included: anyone on the path can pose as Keycloak. Fix the server's certificate instead",
    },
];

/** Why `entry` may not be extra environment; undefined when it may. */
export function deniedEnvironment(entry: EnvEntry): string | undefined {
    const rule = environmentRules.find((r) => r.names.includes(entry.name));
    if (!rule) {
        return undefined;
    }
    if (!("value" in entry)) {
        return `${rule.allowed}, given as a literal {name, value} so that it can be checked; ${entry.name} from Secret ${entry.secretKeyRef.name} cannot be`;
    }
    return rule.denied(entry.value) ? `${rule.allowed}; ${entry.name}=${JSON.stringify(entry.value)} ${rule.why}` : undefined;
}

/**
 * ingress-nginx's snippet annotations (configuration-, server-, auth-,
 * modsecurity-, stream-snippet) write raw nginx configuration. The controller
 * refuses them at admission by default: `allow-snippet-annotations` is false
 * since controller v1.9.0 (kubernetes/ingress-nginx#10393), and
 * docs/user-guide/nginx-configuration/annotations-risk.md rates each one
 * Critical, above the default `annotations-risk-level`.
 */
const snippetAnnotation = /^nginx\.ingress\.kubernetes\.io\/[a-z0-9-]*snippet$/;

/** Why annotation `key` may not be an extra Ingress annotation; undefined when it may. */
export function deniedAnnotation(key: string): string | undefined {
    return snippetAnnotation.test(key.toLowerCase())
        ? `no nginx.ingress.kubernetes.io/*-snippet annotation; ${key} puts raw nginx configuration into the controller: ingress-nginx refuses it at admission ` +
            "by default (allow-snippet-annotations false since v1.9.0; risk Critical in annotations-risk.md), so pulumi up would fail at the Ingress, " +
            "and where a cluster allows it, it runs in the controller that serves every host (CVE-2021-25742). Use the dedicated annotation or the controller's ConfigMap"
        : undefined;
}

/** A toleration as podPlacement holds it. */
export interface TolerationEntry {
    readonly key?: string;
    readonly operator?: string;
    readonly value?: string;
    readonly effect?: string;
    readonly tolerationSeconds?: number;
}

/**
 * Taints the node lifecycle controller puts on a node that stopped reporting;
 * the taint manager evicts pods that do not tolerate them, and the
 * DefaultTolerationSeconds admission plugin gives every pod 300 s of
 * tolerance (Kubernetes docs, Taints and Tolerations: taint based evictions).
 */
const nodeFailureTaints = ["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"];
const matchesNoExecute = (t: TolerationEntry) => t.effect === undefined || t.effect === "NoExecute";

/** Why a toleration defeats failover or draining; undefined when it does not. */
export function deniedToleration(t: TolerationEntry): string | undefined {
    const key = t.key ?? "";
    if (key === "" && matchesNoExecute(t)) {
        return `a toleration with a key: one without (operator Exists${t.effect ? `, effect ${t.effect}` : ""}) tolerates every taint, ` +
            `${nodeFailureTaints.join(" and ")} included, so pods on a node that died are never evicted and nothing replaces them elsewhere ` +
            "(Kubernetes docs, Taints and Tolerations: taint based evictions): failover stops. Tolerate the taints you mean by key";
    }
    if (key === "" && t.effect === "NoSchedule") {
        return "a toleration with a key: one without (operator Exists, effect NoSchedule) tolerates every NoSchedule taint, node.kubernetes.io/unschedulable included, " +
            "so the scheduler places pods on cordoned nodes that are being drained (kube-scheduler NodeUnschedulable plugin). Tolerate the taints you mean by key";
    }
    const matchesFailure = nodeFailureTaints.includes(key) && (t.operator === "Exists" || (t.value ?? "") === "");
    if (matchesFailure && matchesNoExecute(t) && t.tolerationSeconds === undefined) {
        return `a toleration of ${key} with tolerationSeconds: without it pods stay on a node that died forever, instead of the 300 s ` +
            "the apiserver's DefaultTolerationSeconds admission gives them, and nothing replaces them elsewhere. Set tolerationSeconds (300 is the default)";
    }
    return undefined;
}
