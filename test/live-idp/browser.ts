// A minimal browser for driving real IdPs over HTTP: a cookie jar, manual redirects, and HTML forms read
// the way a browser submits them. Loopback only; every request is bounded in time.

/** One HTML form: where it posts and its fields (inputs with a name), entity-decoded. */
export interface HtmlForm {
  readonly action: string;
  readonly method: string;
  readonly fields: Record<string, string>;
}

export interface Page {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'", '#x2F': '/', '#47': '/' };

export function decodeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (ENTITIES[e] !== undefined) return ENTITIES[e]!;
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return m;
  });
}

function attrOf(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (!m) return undefined;
  return decodeHtml(m[1] ?? m[2] ?? m[3] ?? '');
}

/** Every form of a page, resolved against the page URL. */
export function formsOf(html: string, baseUrl: string): HtmlForm[] {
  const out: HtmlForm[] = [];
  const re = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) !== null) {
    const fields: Record<string, string> = {};
    const inputs = m[2]!.match(/<input\b[^>]*>/gi) ?? [];
    for (const input of inputs) {
      const name = attrOf(input, 'name');
      if (name === undefined) continue;
      const type = (attrOf(input, 'type') ?? 'text').toLowerCase();
      if (type === 'submit' || type === 'button' || type === 'image') continue;
      fields[name] = attrOf(input, 'value') ?? '';
    }
    out.push({ action: new URL(attrOf(m[1]!, 'action') ?? baseUrl, baseUrl).toString(), method: (attrOf(m[1]!, 'method') ?? 'get').toLowerCase(), fields });
  }
  return out;
}

export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** Cookies the jar holds for a host (name → value). */
  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    let c = this.jar.get(host);
    if (!c) this.jar.set(host, (c = new Map()));
    return c;
  }

  private store(url: string, res: Response): void {
    const jar = this.cookies(url);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || value === '' || value === 'deleted';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** One request, no redirect following; cookies in and out. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Page> {
    const headers: Record<string, string> = { ...init.headers };
    const jar = this.cookies(url);
    if (jar.size > 0) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual', signal: AbortSignal.timeout(20_000) });
    this.store(url, res);
    return { status: res.status, url, headers: res.headers, body: await res.text() };
  }

  /** GET (or POST a form), following redirects (at most 10) like a browser: 303 and 302 after POST become GET. */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}, stopAt?: (url: string) => boolean): Promise<Page> {
    let page = await this.request(url, init);
    for (let i = 0; i < 10 && page.status >= 300 && page.status < 400; i++) {
      const location = page.headers.get('location');
      if (!location) break;
      const next = new URL(location, page.url).toString();
      if (stopAt?.(next)) return page;
      page = await this.request(next);
    }
    return page;
  }

  /** Submit a form as a browser would (method and action from the form). */
  async submit(form: HtmlForm, extra: Record<string, string> = {}, stopAt?: (url: string) => boolean): Promise<Page> {
    const fields = { ...form.fields, ...extra };
    if (form.method === 'post') return this.follow(form.action, { form: fields }, stopAt);
    const u = new URL(form.action);
    for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
    return this.follow(u.toString(), {}, stopAt);
  }
}
