/**
 * Docker's tag grammar: what a catalog `version` and a `/dev deploy --version` may be. One check
 * for both, so a tag docker would refuse is refused where it is typed, before a confirmation is
 * asked for or a job is queued.
 */
export const DOCKER_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The rule in words, for messages. */
export const DOCKER_TAG_RULE = 'a docker tag is 1–128 letters, digits and _ . -, not starting with . or -';

export function isDockerTag(value: string): boolean {
  return DOCKER_TAG_PATTERN.test(value);
}
