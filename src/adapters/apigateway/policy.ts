import type { PolicyDocument } from 'aws-lambda';
import { SamlGuardError } from './core.js';

/** An execute-api ARN split at the stage: `<prefix>/<stage>/<route>`. */
export interface ApiArn {
  /** `arn:<partition>:execute-api:<region>:<account>:<api-id>` */
  prefix: string;
  stage: string;
  /** What follows the stage: `GET/orders/42` (REST methodArn, HTTP API routeArn) or `$default`. */
  route: string;
  arn: string;
}

const EXECUTE_API_ARN = /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+)\/([^/]+)\/(.+)$/;

export function parseApiArn(arn: string): ApiArn | undefined {
  const m = EXECUTE_API_ARN.exec(arn);
  return m === null ? undefined : { prefix: m[1]!, stage: m[2]!, route: m[3]!, arn };
}

/**
 * Every route of the stage. API Gateway caches a policy per credential and applies it to later calls on
 * other routes, so a policy naming only the current method would wrongly deny them. `*` spans `/` in IAM
 * resource matching, so `*\/*` covers every method and path; an HTTP API `$default` routeArn has no
 * method/path part, hence the plain `*` there.
 */
export function wholeStage(arn: ApiArn): string {
  return `${arn.prefix}/${arn.stage}/${arn.route.includes('/') ? '*/*' : '*'}`;
}

export { compileRoute, resourceMatches } from '../shared/routes.js';

export type Effect = 'Allow' | 'Deny';

export function policyDocument(statements: ReadonlyArray<{ effect: Effect; resources: readonly string[] }>): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Action: 'execute-api:Invoke', Effect: s.effect, Resource: [...s.resources] })),
  };
}
