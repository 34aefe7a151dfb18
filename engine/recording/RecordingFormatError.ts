/** A recording that cannot be read: names the file and, for a bad field, its JSON path. */
export class RecordingFormatError extends Error {
  override name = 'RecordingFormatError';

  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid Parley recording:\n  ${problems.join('\n  ')}`);
  }
}
