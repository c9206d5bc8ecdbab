/**
 * An error the emulator answers with, shaped as the AWS JSON 1.1 protocol sends it: an HTTP
 * status, `__type`, `message`, and the exception's own fields.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
    readonly status: number = type === 'ServerException' ? 500 : 400,
  ) {
    super(message);
  }

  /** The JSON body ECR sends for this error. */
  body(): Record<string, unknown> {
    return { __type: this.type, message: this.message, ...this.fields };
  }
}

/** InvalidParameterException, the answer to any input that breaks the service model. */
export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}
