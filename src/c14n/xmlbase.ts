// xml:base fix-up of Canonical XML 1.1 §2.4: when omitted ancestors carry xml:base, their values and the
// element's own are combined with "join-URI-References" — RFC 3986 §5.2.1/5.2.2/5.2.4 resolution, modified
// so that two relative references combine into a relative reference. Pure string arithmetic: nothing is
// resolved against the document's location and nothing is fetched. SAML never uses xml:base; this only
// has to be right, not fast.

// RFC 3986 appendix B.
const URI_PARTS = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

interface UriParts {
  scheme: string | undefined;
  authority: string | undefined;
  path: string;
  query: string | undefined;
}

function parse(ref: string): UriParts {
  // The pattern matches every string, so the match is never null.
  const m = URI_PARTS.exec(ref)!;
  return { scheme: m[1], authority: m[2], path: m[3] ?? '', query: m[4] };
}

/**
 * RFC 3986 §5.2.4 remove_dot_segments as modified by C14N 1.1 §2.4 (its Appendix A gives examples):
 * runs of '/' collapse to one, leading '../' segments of a relative path are kept rather than dropped,
 * and a trailing '..' or '.' leaves a trailing '/'.
 */
export function removeDotSegments(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  const absolute = collapsed.startsWith('/');
  const segments = (absolute ? collapsed.slice(1) : collapsed).split('/');
  const out: string[] = [];
  let trailingSlash = false;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (seg === '.' || seg === '') {
      // After collapsing, '' can only be the segment after a trailing '/' (or the whole empty path).
      if (last) trailingSlash = seg === '.' || i > 0 || absolute;
      continue;
    }
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      if (last) trailingSlash = true;
      continue;
    }
    out.push(seg);
    if (last) trailingSlash = false;
  }
  if (out.length === 0) return absolute ? '/' : '';
  return (absolute ? '/' : '') + out.join('/') + (trailingSlash ? '/' : '');
}

function merge(base: UriParts, refPath: string): string {
  if (base.authority !== undefined && base.path === '') return '/' + refPath;
  const slash = base.path.lastIndexOf('/');
  return slash < 0 ? refPath : base.path.slice(0, slash + 1) + refPath;
}

/**
 * C14N 1.1 join-URI-References: resolve `ref` against `base` per RFC 3986 §5.2.2, except that the base
 * needs no scheme, a base path ending in '..' is treated as ending in '../', the modified
 * remove_dot_segments is used, and the reference's fragment is dropped.
 */
export function joinUriReferences(base: string, ref: string): string {
  const b = parse(base);
  const r = parse(ref);
  if (b.path === '..' || b.path.endsWith('/..')) b.path += '/';
  let scheme: string | undefined;
  let authority: string | undefined;
  let path: string;
  let query: string | undefined;
  if (r.scheme !== undefined) {
    scheme = r.scheme;
    authority = r.authority;
    path = removeDotSegments(r.path);
    query = r.query;
  } else {
    scheme = b.scheme;
    if (r.authority !== undefined) {
      authority = r.authority;
      path = removeDotSegments(r.path);
      query = r.query;
    } else {
      authority = b.authority;
      if (r.path === '') {
        path = b.path;
        query = r.query ?? b.query;
      } else {
        path = removeDotSegments(r.path.startsWith('/') ? r.path : merge(b, r.path));
        query = r.query;
      }
    }
  }
  let out = '';
  if (scheme !== undefined) out += scheme + ':';
  if (authority !== undefined) out += '//' + authority;
  out += path;
  if (query !== undefined) out += '?' + query;
  return out;
}

/**
 * The fixed-up xml:base of an element whose omitted ancestors carry xml:base `outerToInner` (outermost
 * first) and which itself carries `own` (or not). Returns '' when the join is empty, in which case no
 * xml:base is rendered.
 */
export function fixupXmlBase(outerToInner: readonly string[], own: string | undefined): string {
  let acc = outerToInner[0] ?? '';
  for (let i = 1; i < outerToInner.length; i++) acc = joinUriReferences(acc, outerToInner[i]!);
  return own === undefined ? acc : joinUriReferences(acc, own);
}
