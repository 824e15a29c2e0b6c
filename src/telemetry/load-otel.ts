/** @opentelemetry/api, if installed. The specifier is a variable so that bundlers leave the optional peer alone. */
export async function loadOtel(): Promise<unknown> {
  const name = '@opentelemetry/api';
  return import(name);
}
