// The validators behind the render: unknown-field strictness derived from
// kubernetes-models, and the OpenShift Route against its CRD.
import { strict as assert } from "assert";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { validateKubernetesObject } from "../tools/schemaKubernetes";
import { validateRoute } from "../tools/schemaRoute";
import { loadRouteSchema, RouteSchemaUnavailable } from "../tools/schemaRouteSource";
import { recordFieldAccess } from "../tools/schemaUnknownFields";

const route = {
    apiVersion: "route.openshift.io/v1",
    kind: "Route",
    metadata: { name: "chat", namespace: "rocketchat-test", labels: { app: "chat" } },
    spec: { host: "chat.apps.example.org", to: { kind: "Service", name: "chat", weight: 100 }, port: { targetPort: "http" }, tls: { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" } },
};

describe("schema: unknown fields from the shipped schema", () => {
    it("accepts any key in maps (labels, ConfigMap data) and flags unknown ones in typed objects", () => {
        const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { "any/key": "x" }, annotation: {} }, data: { "any.key": "x" } };
        assert.deepEqual(validateKubernetesObject(configMap), [{ path: "/metadata/annotation", message: "is not a field of this schema (unknown field)" }]);
    });

    it("checks custom resources from the family's packages too (Prometheus operator ServiceMonitor)", () => {
        const serviceMonitor = { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m" }, spec: { selector: { matchLabels: { app: "chat" } }, endpoints: [{ port: "metrics", intervall: "30s" }] } };
        assert.deepEqual(validateKubernetesObject(serviceMonitor), [{ path: "/spec/endpoints/0/intervall", message: "is not a field of this schema (unknown field)" }]);
    });

    it("flags unknown fields inside arrays and escapes them as JSON pointers", () => {
        const recorder = recordFieldAccess({ items: [{ known: 1, "a/b": 2 }] });
        const validate = (data: any) => data.items.forEach((item: any) => item.known);
        validate(recorder.proxy);
        assert.deepEqual(recorder.unknownFieldPaths(), ["/items/0/a~1b"]);
    });

    it("leaves free-form objects alone (the validator read none of their fields)", () => {
        const recorder = recordFieldAccess({ spec: { anything: true } });
        ((data: any) => typeof data.spec === "object")(recorder.proxy);
        assert.deepEqual(recorder.unknownFieldPaths(), []);
    });
});

describe("schema: OpenShift Route (CRD from openshift/api)", () => {
    it("accepts a valid edge Route", () => {
        assert.deepEqual(validateRoute(route), []);
    });

    it("reports unknown fields, enum values and metadata types with their paths", () => {
        const broken = { ...route, metadata: { name: 7 }, spec: { ...route.spec, hostt: "x", tls: { termination: "bogus" } } };
        const problems = validateRoute(broken).map((problem) => `${problem.path} ${problem.message}`);
        assert.ok(problems.includes("/spec/hostt is not a field of this schema (unknown field)"), problems.join("\n"));
        assert.ok(problems.includes('/spec/tls/termination must be one of "edge", "reencrypt", "passthrough"'), problems.join("\n"));
        assert.ok(problems.includes("/metadata/name must be string"), problems.join("\n"));
    });

    it("says why when the Go module proxy cannot deliver the CRD", function () {
        const emptyCache = mkdtempSync(path.join(tmpdir(), "route-schema-"));
        const saved = process.env.GOPROXY;
        process.env.GOPROXY = "off";
        try {
            assert.throws(() => loadRouteSchema(emptyCache), (error: unknown) => {
                assert.ok(error instanceof RouteSchemaUnavailable);
                assert.match(error.message, /github\.com\/openshift\/api@v0\.0\.0-.*GOPROXY=off|cannot run 'go mod download'/);
                return true;
            });
        } finally {
            process.env.GOPROXY = saved;
            if (saved === undefined) {
                delete process.env.GOPROXY;
            }
            rmSync(emptyCache, { recursive: true, force: true });
        }
    });
});
