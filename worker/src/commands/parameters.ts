import { CommandError } from './command.ts';

// Reading a command's parameters as the job type's script set them. A missing or wrong-typed
// parameter fails the command with a message that names it and says what was expected: the
// person who can fix it is whoever wrote the job type.

export interface ParameterReader {
  /** A string; `description` says what it is for, in the error message. Empty is refused unless allowed. */
  string(name: string, description: string, options?: { allowEmpty?: boolean }): string;
  /** A string that may be left out. */
  optionalString(name: string, description: string): string;
  /** A list of arguments (strings; numbers and booleans become their text, as Flamenco does); a missing one is empty. */
  argumentList(name: string): string[];
  /** A finite number of at least `minimum` (above it when `aboveMinimum` is set), and at most `maximum`. */
  number(name: string, description: string, limit: { minimum: number; aboveMinimum?: boolean; maximum?: number }): number;
  /** Any value that reads as text: a string, number or boolean. */
  text(name: string, description: string): string;
}

export function parametersOf(command: string, parameters: Readonly<Record<string, unknown>>): ParameterReader {
  const fail = (message: string): never => {
    throw new CommandError(`${command}: ${message}; fix the job type that made this task`);
  };
  const present = (name: string, expected: string): unknown => {
    if (!Object.hasOwn(parameters, name) || parameters[name] === undefined) {
      fail(`parameter "${name}" is missing, expected ${expected}`);
    }
    return parameters[name];
  };

  return {
    string(name, description, options = {}) {
      const value = present(name, `${description} (a string)`);
      if (typeof value !== 'string') return fail(`parameter "${name}" must be ${description} (a string), not ${describe(value)}`);
      if (value === '' && !options.allowEmpty) return fail(`parameter "${name}" is empty, expected ${description}`);
      return value;
    },
    optionalString(name, description) {
      if (!Object.hasOwn(parameters, name) || parameters[name] === undefined) return '';
      const value = parameters[name];
      if (typeof value !== 'string') return fail(`parameter "${name}" must be ${description} (a string), not ${describe(value)}`);
      return value;
    },
    argumentList(name) {
      if (!Object.hasOwn(parameters, name) || parameters[name] === undefined) return [];
      const value = parameters[name];
      const expected = 'a list of arguments (strings)';
      if (!Array.isArray(value)) return fail(`parameter "${name}" must be ${expected}, not ${describe(value)}`);
      return value.map((item: unknown, index) => {
        if (typeof item === 'string') return item;
        if (typeof item === 'number' || typeof item === 'boolean') return String(item);
        return fail(`parameter "${name}" must be ${expected}, but item ${index} is ${describe(item)}`);
      });
    },
    number(name, description, limit) {
      const value = present(name, `${description} (a number)`);
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return fail(`parameter "${name}" must be ${description} (a number), not ${describe(value)}`);
      }
      if (limit.aboveMinimum ? value <= limit.minimum : value < limit.minimum) {
        return fail(`parameter "${name}" is ${value}, but must be ${limit.aboveMinimum ? 'above' : 'at least'} ${limit.minimum} (${description})`);
      }
      if (limit.maximum !== undefined && value > limit.maximum) {
        return fail(`parameter "${name}" is ${value}, but must be at most ${limit.maximum} (${description})`);
      }
      return value;
    },
    text(name, description) {
      const value = present(name, description);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
      return fail(`parameter "${name}" must be ${description} (text), not ${describe(value)}`);
    },
  };
}

/** A value's kind as a person would name it, with a short sample. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}
