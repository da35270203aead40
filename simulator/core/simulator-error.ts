// pushsim's own errors: a stable code, a message that says what was wrong and what to do, the field at fault, an HTTP status.

export class SimulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }

  toJSON(): { error: { code: string; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}
