// @xmldom/xmldom 0.9 builds a fresh RegExp (from sources of several kilobytes) for every end tag and
// several other tokens: `g.reg('^', QName_group, S_OPT, '$')` inside its parse loop. That is about half
// of its parse time. `reg` is pure and its results carry no 'g'/'y' flag (exec keeps no lastIndex state),
// so memoizing it by argument identity changes nothing but speed. The parser module reads `g.reg` from
// this exports object at each call, so replacing the property is enough.
import grammar from '@xmldom/xmldom/lib/grammar.js';

type RegFn = (this: unknown, ...parts: Array<string | RegExp>) => RegExp;
const g = grammar as unknown as { reg?: RegFn; __samlguardMemo?: true };

/** Install the memo once (idempotent). Called by the parser module when it loads. */
export function speedUpXmldom(): void {
  if (typeof g.reg !== 'function' || g.__samlguardMemo === true) return;
  const original = g.reg;
  type Node = { next: Map<unknown, Node>; value?: RegExp };
  const root: Node = { next: new Map() };
  g.reg = function memoReg(this: unknown, ...parts: Array<string | RegExp>): RegExp {
    let node = root;
    for (const part of parts) {
      let child = node.next.get(part);
      if (child === undefined) {
        child = { next: new Map() };
        node.next.set(part, child);
      }
      node = child;
    }
    if (node.value === undefined) {
      const made = original.apply(this, parts);
      if (made.global || made.sticky) return made; // stateful: never share
      node.value = made;
    }
    return node.value;
  };
  g.__samlguardMemo = true;
}
