/**
 * The S3 part of the in-memory account: `PutObject`, `GetObject` and `HeadObject` on path-style URLs
 * (`/<bucket>/<key>`, the client built with `forcePathStyle: true`), in S3's REST-XML protocol. Enough for
 * the shard reports of a sharded validation; other S3 operations are refused with `NotImplemented`.
 */
import { createHash, randomUUID } from 'node:crypto';

/** A stored object. */
export interface StandInObject {
  body: Buffer;
  contentType?: string;
  etag: string;
}

/** What {@link answerS3} reads and writes. */
export interface S3StandInState {
  /** Buckets that exist: a request to another bucket is `NoSuchBucket`. */
  buckets: Set<string>;
  /** Objects by `<bucket>/<key>`. */
  objects: Map<string, StandInObject>;
}

/** A request the stand-in received, with its raw body. */
export interface S3Request {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The reply: raw body (object bytes or error XML) and headers. */
export interface S3Reply {
  status: number;
  body: Buffer | string;
  contentType: string;
  headers?: Record<string, string>;
  errorType?: string;
}

/** The call as the account records it (`calls`), without the object's bytes. */
export interface S3Call {
  operation: string;
  input: Record<string, unknown>;
  error?: string;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function s3Error(status: number, code: string, message: string, extra: Record<string, string> = {}): S3Reply {
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: randomUUID() })
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return {
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`,
    contentType: 'application/xml',
    errorType: code,
  };
}

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`),
 * which SDK clients send when they put a checksum in a trailer.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** True for a request this module answers: no JSON target, no form, not a Lambda REST path. */
export function isS3Request(request: { target: string; path: string; contentType: string }): boolean {
  return (
    !request.target &&
    !request.contentType.startsWith('application/x-www-form-urlencoded') &&
    !/^\/\d{4}-\d{2}-\d{2}\//.test(request.path)
  );
}

/**
 * Answers one S3 request from `state`; `record` receives the call as the account logs it, `fault` an injected
 * error for the operation (see `failNext`).
 *
 * @example
 * const reply = answerS3(state, { method: 'GET', path: '/reports/a.json', headers: {}, body: Buffer.alloc(0) }, calls.push);
 */
export function answerS3(
  state: S3StandInState,
  request: S3Request,
  record: (call: S3Call) => void,
  fault?: (operation: string) => { type: string; message: string } | undefined,
): S3Reply {
  const url = new URL(request.path, 'http://s3.stand-in');
  const [bucketPart = '', ...keyParts] = url.pathname.slice(1).split('/');
  const bucket = decodeURIComponent(bucketPart);
  const key = keyParts.map(decodeURIComponent).join('/');
  const operation =
    request.method === 'PUT' && key
      ? 'PutObject'
      : request.method === 'GET' && key
        ? 'GetObject'
        : request.method === 'HEAD' && key
          ? 'HeadObject'
          : `${request.method} ${url.pathname}`;
  const call: S3Call = { operation, input: { Bucket: bucket, ...(key ? { Key: key } : {}) } };
  record(call);
  const refuse = (reply: S3Reply): S3Reply => {
    call.error = reply.errorType;
    return reply;
  };
  const injected = fault?.(operation);
  if (injected) return refuse(s3Error(503, injected.type, injected.message));
  if (!['PutObject', 'GetObject', 'HeadObject'].includes(operation)) {
    return refuse(
      s3Error(
        501,
        'NotImplemented',
        `the simulator's S3 serves PutObject, GetObject and HeadObject, not ${operation}`,
      ),
    );
  }
  if (!state.buckets.has(bucket)) {
    return refuse(
      s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket }),
    );
  }
  const id = `${bucket}/${key}`;
  if (operation === 'PutObject') {
    const chunked =
      String(request.headers['content-encoding'] ?? '').includes('aws-chunked') ||
      String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    const body = chunked ? decodeAwsChunked(request.body) : request.body;
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const contentType = request.headers['content-type'];
    state.objects.set(id, { body, etag, ...(typeof contentType === 'string' ? { contentType } : {}) });
    return { status: 200, body: '', contentType: 'application/xml', headers: { etag } };
  }
  const object = state.objects.get(id);
  if (!object) {
    // HEAD answers carry no body: the SDK names the error from the status (NotFound).
    if (operation === 'HeadObject') return refuse({ ...s3Error(404, 'NotFound', 'Not Found'), body: '' });
    return refuse(s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }));
  }
  return {
    status: 200,
    body: operation === 'HeadObject' ? '' : object.body,
    contentType: object.contentType ?? 'binary/octet-stream',
    headers: { etag: object.etag, 'content-length': String(object.body.length) },
  };
}
