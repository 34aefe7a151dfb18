/** A scenario file that cannot be used: names the file and, for a bad field, its JSON path. */
export class ScenarioFormatError extends Error {
  override name = 'ScenarioFormatError';

  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid Parley scenario:\n  ${problems.join('\n  ')}`);
  }
}
