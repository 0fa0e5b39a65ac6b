import type { GetAtt, Ref, Val } from './intrinsics.js';

/**
 * A resource before it has a logical id. `Attr` lists the attributes Fn::GetAtt may read, so a
 * misspelt attribute is a compile error (and the spec test checks the list against CloudFormation).
 */
export interface ResourceDef<Attr extends string = never> {
  type: string;
  properties: object;
  updatePolicy?: object;
  /** Phantom: carries `Attr` through inference; never set. */
  readonly attrs?: Attr;
}

/** A resource placed in a template: what other resources use to point at it. */
export interface Handle<Attr extends string = never> {
  logicalId: string;
  ref: Ref;
  getAtt(attr: Attr): GetAtt;
}

export interface CfnResource {
  Type: string;
  Properties: object;
  DependsOn?: string[];
  UpdatePolicy?: object;
}

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, { Description: string; Value: Val<string> }>;
}

export interface TemplateBuilder {
  /** Adds a resource under `logicalId` (letters and digits, unique); `dependsOn` names resources added before. */
  add<A extends string>(logicalId: string, def: ResourceDef<A>, opts?: { dependsOn?: Array<Handle<string>> }): Handle<A>;
  output(name: string, description: string, value: Val<string>): void;
  build(): CfnTemplate;
}

/** Collects resources and outputs; refuses duplicate or malformed logical ids as it goes. */
export function createTemplate(description: string): TemplateBuilder {
  const resources: Record<string, CfnResource> = {};
  const outputs: CfnTemplate['Outputs'] = {};
  const checkId = (id: string, taken: object) => {
    if (!/^[A-Za-z0-9]{1,255}$/.test(id)) throw new Error(`logical id '${id}' must be letters and digits`);
    if (Object.hasOwn(taken, id)) throw new Error(`logical id '${id}' is used twice`);
  };
  return {
    add(logicalId, def, opts) {
      checkId(logicalId, resources);
      resources[logicalId] = {
        Type: def.type,
        Properties: def.properties,
        ...(opts?.dependsOn?.length ? { DependsOn: opts.dependsOn.map((h) => h.logicalId) } : {}),
        ...(def.updatePolicy ? { UpdatePolicy: def.updatePolicy } : {}),
      };
      return { logicalId, ref: { Ref: logicalId }, getAtt: (attr) => ({ 'Fn::GetAtt': [logicalId, attr] }) };
    },
    output(name, description, value) {
      checkId(name, outputs);
      outputs[name] = { Description: description, Value: value };
    },
    build: () => ({ AWSTemplateFormatVersion: '2010-09-09', Description: description, Resources: resources, Outputs: outputs }),
  };
}
