import { specification, type schema } from '@aws-cdk/cfnspec';

/**
 * Checks a template against the CloudFormation resource specification (@aws-cdk/cfnspec): every
 * resource type and property exists, required properties are present, values have the spec's
 * types (recursively through property types), every Ref / Fn::GetAtt / DependsOn resolves to
 * something that exists, and the references do not form a cycle. Returns problems as
 * `Resources.X.Properties.Y: message`; empty when the template holds together.
 */

type Json = unknown;
const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const FUNCTIONS = new Set(['Fn::Base64', 'Fn::GetAtt', 'Fn::GetAZs', 'Fn::Join', 'Fn::Select', 'Fn::Sub', 'Fn::Split', 'Fn::ImportValue', 'Fn::FindInMap', 'Fn::If', 'Fn::Cidr', 'Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'UpdatePolicy', 'CreationPolicy', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'Condition']);
const TEMPLATE_KEYS = new Set(['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Mappings', 'Conditions', 'Resources', 'Outputs', 'Metadata']);

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const intrinsicName = (v: Json) => (isObject(v) && Object.keys(v).length === 1 ? (['Ref', ...FUNCTIONS].find((k) => k in v) ?? (Object.keys(v)[0]!.startsWith('Fn::') ? Object.keys(v)[0] : undefined)) : undefined);

let cached: schema.Specification | undefined;
export const cfnSpec = () => (cached ??= specification());

export function validateTemplate(template: Json, spec: schema.Specification = cfnSpec()): string[] {
  const problems: string[] = [];
  if (!isObject(template)) return ['(top level): not an object'];
  for (const k of Object.keys(template)) if (!TEMPLATE_KEYS.has(k)) problems.push(`${k}: not a template section`);
  const resources = isObject(template['Resources']) ? template['Resources'] : {};
  const parameters = isObject(template['Parameters']) ? template['Parameters'] : {};
  if (Object.keys(resources).length === 0) problems.push('Resources: at least one resource is required');
  const edges = new Map<string, Set<string>>();

  /** Ref / GetAtt / other functions anywhere in `value`; `from` is the resource they belong to. */
  const checkRefs = (value: Json, at: string, from?: string) => {
    const dep = (to: string) => from && edges.get(from)?.add(to);
    if (Array.isArray(value)) return value.forEach((v, i) => checkRefs(v, `${at}.${i}`, from));
    if (!isObject(value)) return;
    const fn = intrinsicName(value);
    if (fn === 'Ref') {
      const target = value['Ref'];
      if (typeof target !== 'string' || !(target in resources || target in parameters || PSEUDO.has(target))) problems.push(`${at}: Ref to unknown '${String(target)}'`);
      else if (target in resources) dep(target);
      return;
    }
    if (fn === 'Fn::GetAtt') {
      const [res, attr] = (Array.isArray(value[fn]) ? value[fn] : String(value[fn]).split('.')) as [string, string];
      const r = resources[res];
      if (!isObject(r)) problems.push(`${at}: Fn::GetAtt of unknown resource '${res}'`);
      else {
        dep(res);
        const attrs = spec.ResourceTypes[String(r['Type'])]?.Attributes ?? {};
        if (!(attr in attrs)) problems.push(`${at}: ${String(r['Type'])} has no attribute '${attr}' (has: ${Object.keys(attrs).join(', ') || 'none'})`);
      }
      return;
    }
    if (fn && !FUNCTIONS.has(fn)) problems.push(`${at}: unknown intrinsic function ${fn}`);
    for (const [k, v] of Object.entries(value)) checkRefs(v, `${at}.${k}`, from);
  };

  /** `value` against a spec property (primitive, list, map or property type). */
  const checkValue = (value: Json, prop: schema.Property, resourceType: string, at: string) => {
    if (intrinsicName(value)) return;
    const p = prop as Partial<{ PrimitiveType: string; PrimitiveItemType: string; ItemType: string; Type: string }>;
    if (p.PrimitiveType) return checkPrimitive(value, p.PrimitiveType, at);
    if (p.Type === 'List' || p.Type === 'Map') {
      const items = p.Type === 'List' ? (Array.isArray(value) ? value : undefined) : isObject(value) ? Object.values(value) : undefined;
      if (!items) return void problems.push(`${at}: expected a ${p.Type}`);
      items.forEach((item, i) => (p.PrimitiveItemType ? checkPrimitive(item, p.PrimitiveItemType, `${at}.${i}`) : checkObject(item, p.ItemType!, resourceType, `${at}.${i}`)));
      return;
    }
    if (p.Type) checkObject(value, p.Type, resourceType, at);
  };
  const checkPrimitive = (value: Json, type: string, at: string) => {
    if (intrinsicName(value)) return;
    const ok = { String: typeof value === 'string', Timestamp: typeof value === 'string', Integer: Number.isInteger(value), Long: Number.isInteger(value), Double: typeof value === 'number', Boolean: typeof value === 'boolean', Json: isObject(value) }[type];
    if (ok === false) problems.push(`${at}: expected ${type}, got ${JSON.stringify(value)}`);
  };
  const checkObject = (value: Json, typeName: string, resourceType: string, at: string) => {
    if (intrinsicName(value)) return;
    const name = `${resourceType}.${typeName}` in spec.PropertyTypes ? `${resourceType}.${typeName}` : typeName;
    const type = spec.PropertyTypes[name] as { Properties?: Record<string, schema.Property> } | undefined;
    if (!type?.Properties) return void problems.push(`${at}: the spec has no property type ${name}`);
    checkProperties(value, type.Properties, resourceType, at);
  };
  const checkProperties = (value: Json, props: Record<string, schema.Property>, resourceType: string, at: string) => {
    if (!isObject(value)) return void problems.push(`${at}: expected an object`);
    for (const [k, v] of Object.entries(value)) {
      const prop = props[k];
      if (!prop) problems.push(`${at}.${k}: no such property (known: ${Object.keys(props).join(', ')})`);
      else checkValue(v, prop, resourceType, `${at}.${k}`);
    }
    for (const [k, prop] of Object.entries(props)) if (prop.Required && !(k in value)) problems.push(`${at}.${k}: required property missing`);
  };

  for (const [id, r] of Object.entries(resources)) {
    const at = `Resources.${id}`;
    edges.set(id, new Set());
    if (!/^[A-Za-z0-9]+$/.test(id)) problems.push(`${at}: logical ids are letters and digits`);
    if (!isObject(r)) { problems.push(`${at}: not an object`); continue; }
    for (const k of Object.keys(r)) if (!RESOURCE_KEYS.has(k)) problems.push(`${at}.${k}: not a resource attribute`);
    const type = spec.ResourceTypes[String(r['Type'])];
    if (!type) { problems.push(`${at}.Type: unknown resource type ${String(r['Type'])}`); continue; }
    checkProperties(r['Properties'] ?? {}, type.Properties ?? {}, String(r['Type']), `${at}.Properties`);
    checkRefs(r['Properties'], `${at}.Properties`, id);
    const dependsOn = r['DependsOn'] === undefined ? [] : Array.isArray(r['DependsOn']) ? r['DependsOn'] : [r['DependsOn']];
    for (const d of dependsOn) {
      if (typeof d !== 'string' || !(d in resources) || d === id) problems.push(`${at}.DependsOn: '${String(d)}' is not another resource of the template`);
      else edges.get(id)!.add(d);
    }
  }
  for (const [name, o] of Object.entries(isObject(template['Outputs']) ? template['Outputs'] : {})) {
    if (!isObject(o) || !('Value' in o)) problems.push(`Outputs.${name}: needs a Value`);
    else checkRefs(o['Value'], `Outputs.${name}.Value`);
  }
  const cycle = findCycle(edges);
  if (cycle) problems.push(`Resources: circular dependency ${cycle.join(' → ')}`);
  return problems;
}

function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const walk = (node: string, path: string[]): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    for (const next of edges.get(node) ?? []) {
      const found = walk(next, [...path, node]);
      if (found) return found;
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const found = walk(node, []);
    if (found) return found;
  }
  return undefined;
}
