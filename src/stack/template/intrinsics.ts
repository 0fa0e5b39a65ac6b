/** CloudFormation intrinsic functions, typed, so a template is built from values and never from JSON text. */

export interface Ref {
  Ref: string;
}
export interface GetAtt {
  'Fn::GetAtt': [string, string];
}
export interface Base64 {
  'Fn::Base64': Val<string>;
}
export interface Join {
  'Fn::Join': [string, Array<Val<string>>];
}
export interface Select {
  'Fn::Select': [number, GetAZs];
}
export interface GetAZs {
  'Fn::GetAZs': '' | Ref;
}

export type Intrinsic = Ref | GetAtt | Base64 | Join | Select | GetAZs;

/** A property value: the literal, or an intrinsic that CloudFormation resolves to one. */
export type Val<T> = T | Intrinsic;

export const base64 = (value: Val<string>): Base64 => ({ 'Fn::Base64': value });
export const join = (separator: string, values: Array<Val<string>>): Join => ({ 'Fn::Join': [separator, values] });
/** The region's `index`-th availability zone, without naming it. */
export const nthZone = (index: number): Select => ({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] });
