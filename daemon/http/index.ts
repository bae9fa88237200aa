/**
 * @module The edge's HTTP(S) server for phones and the phone authentication it uses (Digest
 * RFC 7616 with MD5 and SHA-256, and Basic). Public surface of `daemon/http`.
 */
export { createPhoneHttpServer, createPhoneApp, clientIp, type PhoneHttpOptions, type PhoneHttpDeps, type PhoneHttpServer } from './server.js';
export { createPhoneAuth, parseAuthParams, type PhoneAuth, type AuthOptions, type AuthResult, type Credentials, type DigestAlgorithm } from './digest.js';
