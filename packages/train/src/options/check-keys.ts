// The one check every options object at a public boundary goes through: an unknown key is an
// error that names the function, the group it was given in and every valid key of that group.

/**
 * Throws a RangeError when `options` has a key outside `valid`.
 *
 * @param fn the public call, as errors name it: `"finetune()"`.
 * @param group the group's path in the call's options (`"trainer"`), or "" for the top level.
 * @example
 * checkKeys("finetune()", "lora", { rnk: 8 }, ["rank", "alpha"]);
 * // RangeError: finetune(): unknown lora option "rnk"; valid: rank, alpha
 */
export function checkKeys(
  fn: string,
  group: string,
  options: object | undefined,
  valid: readonly string[],
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${fn}: ${group || "options"} must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!valid.includes(key)) {
      const what = group ? `${group} option` : "option";
      throw new RangeError(
        `${fn}: unknown ${what} ${JSON.stringify(key)}; valid: ${valid.join(", ")}`,
      );
    }
  }
}
