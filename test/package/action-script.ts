/**
 * Read the parts of action.yml a runner executes, without a YAML library: the composite step's
 * `run: |` block, and the `env:` mapping that feeds it the action's inputs.
 */

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Lines of the block that follows the line matching `key`, dedented. */
function blockAfter(yaml: string, key: RegExp): string[] {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => key.test(l));
  if (start < 0) throw new Error(`action.yml has no line matching ${key}`);
  const keyIndent = indentOf(lines[start]!);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && indentOf(line) <= keyIndent) break;
    body.push(line);
  }
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map(indentOf));
  return body.map((l) => l.slice(indent));
}

/** The shell script of the step's `run: |` block. */
export function actionRunScript(yaml: string): string {
  return blockAfter(yaml, /^\s+run: \|\s*$/).join('\n');
}

/** The step's env mapping: variable name → the `${{ inputs.x }}` expression it receives. */
export function actionStepEnv(yaml: string): Record<string, string> {
  const entries = blockAfter(yaml, /^\s+env:\s*$/)
    .map((l) => /^([A-Z_]+):\s*(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!.trim()] as const);
  return Object.fromEntries(entries);
}

/** Names of the action's inputs. */
export function actionInputs(yaml: string): string[] {
  return blockAfter(yaml, /^inputs:\s*$/)
    .map((l) => /^([a-z-]+):\s*$/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
}
