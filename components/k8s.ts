/**
 * The slice of @pulumi/kubernetes this program uses, with the package's own
 * shape (`k8s.core.v1.Service`, `k8s.types.input...`). The package index
 * loads every API group on require (about 40 ms of each offline render); the
 * group modules load in a few. Add a group here when a component needs one.
 */
import * as apiextensionsModule from "@pulumi/kubernetes/apiextensions";
import * as appsV1 from "@pulumi/kubernetes/apps/v1";
import * as autoscalingV2 from "@pulumi/kubernetes/autoscaling/v2";
import * as batchV1 from "@pulumi/kubernetes/batch/v1";
import * as coreV1 from "@pulumi/kubernetes/core/v1";
import * as networkingV1 from "@pulumi/kubernetes/networking/v1";
import * as policyV1 from "@pulumi/kubernetes/policy/v1";

export type * as types from "@pulumi/kubernetes/types";

/* eslint-disable @typescript-eslint/no-namespace */
export namespace apiextensions {
    export import CustomResource = apiextensionsModule.CustomResource;
}
export namespace apps {
    export import v1 = appsV1;
}
export namespace autoscaling {
    export import v2 = autoscalingV2;
}
export namespace batch {
    export import v1 = batchV1;
}
export namespace core {
    export import v1 = coreV1;
}
export namespace networking {
    export import v1 = networkingV1;
}
export namespace policy {
    export import v1 = policyV1;
}
