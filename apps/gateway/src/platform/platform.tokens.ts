/** Injection token for the PlatformTopics of this platform instance. */
export const PLATFORM_TOPICS = Symbol('PLATFORM_TOPICS');
