/** Injection token for the PlatformTopics of this platform instance. */
export const PLATFORM_TOPICS = Symbol('PLATFORM_TOPICS');

/** Injection token for the gateway's state stores (Redis-backed or in-process). */
export const STORES = Symbol('STORES');
