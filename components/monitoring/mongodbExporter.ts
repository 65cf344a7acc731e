/**
 * The MongoDB exporter's thin component: registers the Deployment, Service
 * and NetworkPolicy that mongodbExporterObjects.ts builds (see there for what
 * they do and why).
 */
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { componentTypes, withFormerTypes } from "../componentTypes";
import { declareObject } from "../kubernetesObjects";
import { mongoExporterName, mongoExporterObjects, MongoExporterObjectArgs, mongoExporterServiceLabels } from "./mongodbExporterObjects";

export type MongoExporterArgs = MongoExporterObjectArgs<pulumi.Output<string>>;

export class MongoExporter extends pulumi.ComponentResource {
    public readonly serviceName: string;
    /** Labels of the Service, for a ServiceMonitor selector. */
    public readonly serviceLabels: Record<string, string>;

    constructor(name: string, args: MongoExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.MongoExporter.token, name, {}, withFormerTypes("MongoExporter", opts));
        const child = childOf(this, opts);
        const { deployment, service, networkPolicy } = mongoExporterObjects(name, args);
        const fullName = mongoExporterName(name);
        declareObject(fullName, deployment, child);
        this.serviceName = fullName;
        this.serviceLabels = mongoExporterServiceLabels(name, args.image);
        declareObject(fullName, service, child);
        declareObject(fullName, networkPolicy, child);
        this.registerOutputs({ serviceName: this.serviceName });
    }
}
