// API Gateway authorizer events as AWS documents them (API Gateway Developer Guide: "Input to an API
// Gateway Lambda authorizer" for TOKEN and REQUEST, "Control access to HTTP APIs with AWS Lambda
// authorizers" for payload format 2.0), with the credential put where a client would send it.
// Factories, so every test gets a fresh object it may edit.
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';

export const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request';
export const ROUTE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request';
export const API_PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123';

export function tokenEvent(authorizationToken: string, methodArn: string = METHOD_ARN): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn };
}

/** The documented REQUEST example (GET /request with proxy integration); `headers` are merged over its own. */
export function requestEvent(headers: Record<string, string> = {}, options: { methodArn?: string; multiValueHeaders?: Record<string, string[]> } = {}): APIGatewayRequestAuthorizerEvent {
  const methodArn = options.methodArn ?? METHOD_ARN;
  const [, , , , , rest = ''] = methodArn.split(':');
  const [, stage = 'test', httpMethod = 'GET', ...path] = rest.split('/');
  const allHeaders: Record<string, string> = {
    'X-AMZ-Date': '20170718T062915Z',
    Accept: '*/*',
    HeaderAuth1: 'headerValue1',
    'CloudFront-Viewer-Country': 'US',
    'CloudFront-Forwarded-Proto': 'https',
    'CloudFront-Is-Tablet-Viewer': 'false',
    'CloudFront-Is-Mobile-Viewer': 'false',
    'User-Agent': '...',
    'X-Forwarded-Proto': 'https',
    'CloudFront-Is-SmartTV-Viewer': 'false',
    Host: '....execute-api.us-east-1.amazonaws.com',
    'Accept-Encoding': 'gzip, deflate',
    'X-Forwarded-Port': '443',
    'X-Amzn-Trace-Id': '...',
    Via: '...cloudfront.net (CloudFront)',
    'X-Amz-Cf-Id': '...',
    'X-Forwarded-For': '..., ...',
    'Postman-Token': '...',
    'cache-control': 'no-cache',
    'CloudFront-Is-Desktop-Viewer': 'true',
    'Content-Type': 'application/x-www-form-urlencoded',
    ...headers,
  };
  const multiValueHeaders = options.multiValueHeaders ?? Object.fromEntries(Object.entries(allHeaders).map(([k, v]) => [k, [v]]));
  return {
    type: 'REQUEST',
    methodArn,
    resource: `/${path.join('/')}`,
    path: `/${path.join('/')}`,
    httpMethod,
    headers: allHeaders,
    multiValueHeaders,
    queryStringParameters: { QueryString1: 'queryValue1' },
    multiValueQueryStringParameters: { QueryString1: ['queryValue1'] },
    pathParameters: {},
    stageVariables: { StageVar1: 'stageValue1' },
    requestContext: {
      path: `/${path.join('/')}`,
      accountId: '123456789012',
      resourceId: '05c7jb',
      stage,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: '...',
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '...',
        user: null,
        userAgent: null,
        userArn: null,
      },
      resourcePath: `/${path.join('/')}`,
      httpMethod,
      apiId: 'abcdef123',
      protocol: 'HTTP/1.1',
      requestTimeEpoch: 1_500_358_155_000,
      authorizer: undefined,
    },
  };
}

/** The documented payload format 2.0 example; `headers` replace its two sample headers' neighbours. */
export function httpApiEvent(headers: Record<string, string> = {}, options: { routeArn?: string; cookies?: string[] } = {}): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: options.routeArn ?? ROUTE_ARN,
    identitySource: ['user1', '123'],
    routeKey: '$default',
    rawPath: '/my/path',
    rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
    cookies: options.cookies ?? ['cookie1', 'cookie2'],
    headers: { header1: 'value1', header2: 'value2', ...headers },
    queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      authentication: {
        clientCert: {
          clientCertPem: 'CERT_CONTENT',
          subjectDN: 'www.example.com',
          issuerDN: 'Example issuer',
          serialNumber: '1',
          validity: { notBefore: 'May 28 12:30:02 2019 GMT', notAfter: 'Aug  5 09:36:04 2021 GMT' },
        },
      },
      domainName: 'id.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'id',
      http: { method: 'POST', path: '/my/path', protocol: 'HTTP/1.1', sourceIp: 'IP', userAgent: 'agent' },
      requestId: 'id',
      routeKey: '$default',
      stage: '$default',
      time: '12/Mar/2020:19:03:58 +0000',
      timeEpoch: 1_583_348_638_390,
    },
    pathParameters: { parameter1: 'value1' },
    stageVariables: { stageVariable1: 'value1', stageVariable2: 'value2' },
  };
}
