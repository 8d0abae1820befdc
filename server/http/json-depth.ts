/** Deeper inputs than this are refused before any parser recurses into them (finding 10). */
export const MAX_INPUT_DEPTH = 64;

/**
 * The deepest nesting of `[`/`{` in JSON text, ignoring brackets inside strings; one linear pass
 * with no recursion, so a 1 MB body of `[[[[…` costs a scan, not a stack overflow in a parser.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

export const TOO_DEEP_MESSAGE = `The input is nested too deeply (more than ${MAX_INPUT_DEPTH} levels); send a flatter object`;
