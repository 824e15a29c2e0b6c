// Stryker ignorer "message-text": mutants that can only change what an error *says* (its message, the
// details it carries for people) are not tested for, because no decision reads them. Everything that
// decides stays mutated: the error code (first argument of SamlGuardError and the code-first helpers),
// `path`, and every condition around the throw. See test/mutation/survivors.md.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

/** Error constructors and helpers whose first argument is the error code (kept), the rest message text. */
const CODE_FIRST = new Set(['SamlGuardError', 'tokenError', 'spError', 'oauthError']);
/** Helpers that only build message text around a fixed code: every argument is message or context. */
const MESSAGE_ONLY = new Set(['invalid', 'malformed', 'shape', 'shapeError', 'notAllowed', 'relayError', 'claimInvalid', 'limitError', 'tooLarge', 'unsafe', 'unavailable', 'sha1Refused', 'usage', 'UsageError']);

function calleeName(node) {
  const c = node.callee;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && c.property.type === 'Identifier') return c.property.name;
  return undefined;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'message-text', {
    shouldIgnore(path) {
      const parent = path.parentPath?.node;
      if (parent === undefined) return undefined;
      if ((parent.type === 'NewExpression' || parent.type === 'CallExpression') && parent.arguments.includes(path.node)) {
        const name = calleeName(parent);
        const index = parent.arguments.indexOf(path.node);
        if (name !== undefined && CODE_FIRST.has(name) && index >= 1 && path.node.type !== 'ObjectExpression') return 'error message text';
        if (name !== undefined && MESSAGE_ONLY.has(name)) return 'error message text';
      }
      // { details: … } in an error's options: data for people and logs, never read by a decision.
      if (parent.type === 'ObjectProperty' && parent.value === path.node && parent.key.type === 'Identifier' && parent.key.name === 'details') {
        const object = path.parentPath.parentPath;
        const call = object?.parentPath?.node;
        if (call && (call.type === 'NewExpression' || call.type === 'CallExpression') && CODE_FIRST.has(calleeName(call) ?? '')) return 'error details';
      }
      return undefined;
    },
  }),
];
