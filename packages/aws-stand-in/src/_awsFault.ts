/** An AWS error the stand-in answers: `type` is its name on the wire (`x-amzn-errortype`, `__type`, `Code`). */
export class AwsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
