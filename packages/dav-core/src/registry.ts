import type { ClarkName } from '@partage/dav-xml';
import type { DavModule, MethodHandler, PropertyHandler, ReportHandler } from './handlers.js';
import type { Resource } from './resource.js';

/** Handlers of all modules, by name. Two handlers for one name are a startup error. */
export class Registry {
  readonly features: readonly string[];
  private readonly properties = new Map<ClarkName, PropertyHandler[]>();
  private readonly reports = new Map<ClarkName, ReportHandler>();
  private readonly methods = new Map<string, MethodHandler>();

  constructor(modules: readonly DavModule[]) {
    const features = new Set<string>();
    for (const module of modules) {
      module.features.forEach((f) => features.add(f));
      for (const p of module.properties) {
        const list = this.properties.get(p.name) ?? [];
        list.push(p);
        this.properties.set(p.name, list);
      }
      for (const r of module.reports) {
        if (this.reports.has(r.name)) throw new Error(`report ${r.name} registered twice (${module.name})`);
        this.reports.set(r.name, r);
      }
      for (const m of module.methods) {
        if (this.methods.has(m.name)) throw new Error(`method ${m.name} registered twice (${module.name})`);
        this.methods.set(m.name, m);
      }
    }
    this.features = [...features];
  }

  /** The handler of a property for this resource; several modules may serve one name for different kinds. */
  property(name: ClarkName, resource: Resource): PropertyHandler | undefined {
    return this.properties.get(name)?.find((h) => h.appliesTo(resource));
  }

  /** Every live property that applies to a resource (for allprop and propname). */
  propertiesOf(resource: Resource): PropertyHandler[] {
    return [...this.properties.values()].flatMap((list) => list.filter((h) => h.appliesTo(resource)).slice(0, 1));
  }

  report(name: ClarkName): ReportHandler | undefined {
    return this.reports.get(name);
  }

  reportsFor(resource: Resource): ReportHandler[] {
    return [...this.reports.values()].filter((r) => r.appliesTo(resource));
  }

  method(name: string): MethodHandler | undefined {
    return this.methods.get(name);
  }

  methodNames(): string[] {
    return [...this.methods.keys()];
  }
}
